// Reading and validating rule parameters (private to lib/src/filter), with the error messages the
// tool has always printed: the web rules say "RULE.PARAM: why", the bitext rules "RULE.PARAM must
// be between LO and HI, got V".
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "bitmill/base/status.h"
#include "bitmill/filter/rule_config.h"

namespace bitmill::filter {

// invalid_argument "RULE.PARAM: why".
Status bad_value(std::string_view rule, std::string_view param, std::string_view why);

// A double or integer parameter that must not be negative (nor NaN).
Status read_nonnegative(const RuleConfig& config, std::string_view rule, std::string_view param, double* out);
Status read_nonnegative(const RuleConfig& config, std::string_view rule, std::string_view param, long long* out);

// A string parameter as its code points; it must be valid UTF-8.
Expected<std::u32string> read_chars(const RuleConfig& config, std::string_view rule, std::string_view param);

// invalid_argument "RULE.PARAM must be between LO and HI, got V" when v is outside [lo, hi].
Status check_range(std::string_view rule, std::string_view param, double v, double lo, double hi);

// A double or integer parameter into *out, then check_range() of it (an integer as a double).
Status read_in_range(const RuleConfig& config, std::string_view rule, std::string_view param, double lo, double hi,
                     double* out);
Status read_in_range(const RuleConfig& config, std::string_view rule, std::string_view param, double lo, double hi,
                     long long* out);

}  // namespace bitmill::filter
