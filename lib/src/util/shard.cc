#include "bitmill/util/shard.h"

#include <charconv>

namespace bitmill {
namespace {

bool parse_u64(std::string_view s, uint64_t& v) {
  if (s.empty()) return false;
  const auto* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, v);
  return ec == std::errc() && p == end;
}

}  // namespace

Expected<Shard> parse_shard(std::string_view spec) {
  const size_t slash = spec.find('/');
  Shard sh;
  if (slash == std::string_view::npos || !parse_u64(spec.substr(0, slash), sh.index) ||
      !parse_u64(spec.substr(slash + 1), sh.count)) {
    return invalid_argument("invalid shard '" + std::string(spec) + "': expected I/N, e.g. 0/8");
  }
  if (sh.count == 0 || sh.index >= sh.count) {
    return invalid_argument("invalid shard '" + std::string(spec) + "': need 0 <= I < N (shards are numbered from 0)");
  }
  if (sh.count > kMaxShardCount) {
    return invalid_argument("invalid shard '" + std::string(spec) + "': at most " + std::to_string(kMaxShardCount) +
                            " shards");
  }
  return sh;
}

Expected<std::optional<Shard>> shard_from_env(const std::function<const char*(const char*)>& getenv) {
  const char* id = getenv("SLURM_ARRAY_TASK_ID");
  const char* count = getenv("SLURM_ARRAY_TASK_COUNT");
  if (id == nullptr || count == nullptr) return std::optional<Shard>{};
  const char* min = getenv("SLURM_ARRAY_TASK_MIN");
  uint64_t i = 0, n = 0, lo = 0;
  if (!parse_u64(id, i) || !parse_u64(count, n) || (min != nullptr && !parse_u64(min, lo)) || i < lo) {
    return invalid_argument(std::string("cannot read a shard from SLURM_ARRAY_TASK_ID=") + id +
                            " SLURM_ARRAY_TASK_COUNT=" + count + "; pass --shard I/N");
  }
  Shard sh{i - lo, n};
  if (sh.count == 0 || sh.index >= sh.count || sh.count > kMaxShardCount) {
    return invalid_argument("Slurm array task " + std::string(id) + " is outside 0.." + std::to_string(n) +
                            " after subtracting SLURM_ARRAY_TASK_MIN (a stepped --array?); pass --shard I/N");
  }
  return std::optional<Shard>(sh);
}

Expected<Shard> resolve_shard(const std::string& spec, const std::function<const char*(const char*)>& getenv) {
  if (!spec.empty()) return parse_shard(spec);
  BITMILL_ASSIGN_OR_RETURN(std::optional<Shard> env, shard_from_env(getenv));
  return env.value_or(Shard{});
}

Expected<ShardBy> parse_shard_by(std::string_view s) {
  if (s == "line") return ShardBy::kLine;
  if (s == "file") return ShardBy::kFile;
  return invalid_argument("invalid --shard-by '" + std::string(s) + "': expected line or file");
}

}  // namespace bitmill
