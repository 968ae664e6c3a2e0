#include "filter/rule_params.h"

#include <fmt/format.h>

#include "bitmill/text/utf8.h"

namespace bitmill::filter {

Status bad_value(std::string_view rule, std::string_view param, std::string_view why) {
  return invalid_argument(fmt::format("{}.{}: {}", rule, param, why));
}

Status read_nonnegative(const RuleConfig& config, std::string_view rule, std::string_view param, double* out) {
  *out = config.get_double(rule, param);
  if (!(*out >= 0 && *out == *out)) return bad_value(rule, param, fmt::format("must not be negative (got {})", *out));
  return Status::ok();
}

Status read_nonnegative(const RuleConfig& config, std::string_view rule, std::string_view param, long long* out) {
  *out = config.get_int(rule, param);
  if (*out < 0) return bad_value(rule, param, fmt::format("must not be negative (got {})", *out));
  return Status::ok();
}

Expected<std::u32string> read_chars(const RuleConfig& config, std::string_view rule, std::string_view param) {
  const std::string& s = config.get_string(rule, param);
  if (!is_valid_utf8(s)) return bad_value(rule, param, "not valid UTF-8");
  std::u32string out;
  size_t pos = 0;
  while (pos < s.size()) out.push_back(decode_utf8(s, pos));
  return out;
}

Status check_range(std::string_view rule, std::string_view param, double v, double lo, double hi) {
  if (v < lo || v > hi) {
    return invalid_argument(fmt::format("{}.{} must be between {} and {}, got {}", rule, param, lo, hi, v));
  }
  return Status::ok();
}

Status read_in_range(const RuleConfig& config, std::string_view rule, std::string_view param, double lo, double hi,
                     double* out) {
  *out = config.get_double(rule, param);
  return check_range(rule, param, *out, lo, hi);
}

Status read_in_range(const RuleConfig& config, std::string_view rule, std::string_view param, double lo, double hi,
                     long long* out) {
  *out = config.get_int(rule, param);
  return check_range(rule, param, static_cast<double>(*out), lo, hi);
}

}  // namespace bitmill::filter
