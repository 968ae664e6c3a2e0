// Sharding for Slurm array jobs and other "task I of N" runners.
//
// A Shard {index I, count N} (0 <= I < N) selects a deterministic subset of the input:
//   by line: the lines whose 0-based ordinal over all inputs (in the order given) is I mod N;
//   by file: the input files whose 0-based position in the argument list is I mod N.
// Together the N shards cover every line (or file) exactly once.
//
// `--shard I/N` spells it on the command line. Without it, a Slurm array task is recognised from
// SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT, with SLURM_ARRAY_TASK_MIN subtracted so that
// `--array=1-10` and `--array=0-9` both give shards 0..9. Stepped arrays (`--array=0-20:2`) need
// an explicit --shard.
//
// Thread safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "bitmill/base/status.h"

namespace bitmill {

enum class ShardBy { kLine, kFile };

// The most shards a job may have: far above any array job (Slurm's MaxArraySize is at most
// 4,000,001; clusters set a few thousand), low enough that a typo is not a million empty files.
inline constexpr uint64_t kMaxShardCount = uint64_t{1} << 20;

struct Shard {
  uint64_t index = 0;
  uint64_t count = 1;

  bool is_whole() const { return count == 1; }
  bool contains(uint64_t ordinal) const { return ordinal % count == index; }
  std::string to_string() const { return std::to_string(index) + "/" + std::to_string(count); }
};

// Parses "I/N" (N at most kMaxShardCount). Errors name the offending text.
Expected<Shard> parse_shard(std::string_view spec);

// Returns the Slurm array shard if the environment describes one, nullopt otherwise.
// `getenv` is injectable for tests; it returns nullptr for unset variables.
Expected<std::optional<Shard>> shard_from_env(const std::function<const char*(const char*)>& getenv);

// --shard if given, else the Slurm environment, else the whole input.
Expected<Shard> resolve_shard(const std::string& spec, const std::function<const char*(const char*)>& getenv);

Expected<ShardBy> parse_shard_by(std::string_view s);

}  // namespace bitmill
