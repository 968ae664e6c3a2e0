// The parsers of option values and environment variables: --memory sizes, --shard I/N and the
// Slurm array variables, --shard-by, --key, --normalize, --margin/--retrieval/--threshold,
// --invalid-utf8, filter --set assignments and parameter values, script lists, language codes.
// Byte 0 picks the parser, the rest is the text. The contract: an error with a message, or a
// value that keeps its promise (a shard's index below its count, a size that prints).
#include <string>

#include "bitmill/cli/common.h"
#include "bitmill/dedup/key.h"
#include "bitmill/filter/char_counts.h"
#include "bitmill/filter/language.h"
#include "bitmill/filter/rule_config.h"
#include "bitmill/mine/margin.h"
#include "bitmill/text/normalize.h"
#include "bitmill/util/shard.h"
#include "bitmill/util/size.h"
#include "fuzz_util.h"

using namespace bitmill;

namespace {

template <typename T>
void check(const Expected<T>& e) {
  if (!e) FUZZ_CHECK(!e.status().message().empty());
}

void check_shard_env(std::string_view s) {
  // "ID COUNT MIN", any of them missing.
  std::string vals[3];
  bool set[3] = {false, false, false};
  for (size_t i = 0; i < 3 && !s.empty(); ++i) {
    const size_t sp = s.find(' ');
    vals[i] = std::string(s.substr(0, sp));
    set[i] = true;
    s.remove_prefix(sp == std::string_view::npos ? s.size() : sp + 1);
  }
  const auto env = [&](const char* name) -> const char* {
    const std::string_view n(name);
    const int i = n == "SLURM_ARRAY_TASK_ID"      ? 0
                  : n == "SLURM_ARRAY_TASK_COUNT" ? 1
                  : n == "SLURM_ARRAY_TASK_MIN"   ? 2
                                                  : -1;
    return i >= 0 && set[i] ? vals[i].c_str() : nullptr;
  };
  auto shard = resolve_shard("", env);
  check(shard);
  if (shard) FUZZ_CHECK(shard->count > 0 && shard->index < shard->count);
}

void check_filter_set(const std::string& s) {
  for (const auto mode : {filter::FilterMode::kBitext, filter::FilterMode::kMono}) {
    filter::RuleConfig c(mode);
    const Status st = c.set(s);
    if (!st) FUZZ_CHECK(!st.message().empty());
    (void)c.explain();
  }
  for (const auto type : {filter::ParamType::kBool, filter::ParamType::kInt, filter::ParamType::kDouble}) {
    bool b = false;
    long long i = 0;
    double d = 0;
    (void)filter::parse_param_value(type, s, &b, &i, &d);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const std::string s(fuzz::as_view(data + 1, size - 1));
  switch (data[0] % 11) {
    case 0: {
      auto v = parse_size(s);
      check(v);
      if (v) FUZZ_CHECK(!format_size(*v).empty());
      break;
    }
    case 1: {
      auto v = parse_shard(s);
      check(v);
      if (v) {
        FUZZ_CHECK(v->count > 0 && v->index < v->count);
        auto again = parse_shard(v->to_string());
        FUZZ_CHECK(again && again->index == v->index && again->count == v->count);
      }
      break;
    }
    case 2: check_shard_env(s); break;
    case 3: check(parse_shard_by(s)); break;
    case 4: check(dedup::parse_key_field(s)); break;
    case 5: check(parse_normal_form(s)); break;
    case 6: {
      const size_t tab = s.find('\t');
      const std::string margin = s.substr(0, tab), retrieval = tab == std::string::npos ? "max" : s.substr(tab + 1);
      check(mine::parse_mine_options(margin, retrieval, std::nullopt));
      check(mine::parse_mine_options(margin, retrieval, 1.06f));
      break;
    }
    case 7: check(cli::parse_invalid_utf8(s)); break;
    case 8: check_filter_set(s); break;
    case 9: check(filter::parse_scripts(s)); break;
    case 10: check(filter::find_language(s)); break;
  }
  return 0;
}
