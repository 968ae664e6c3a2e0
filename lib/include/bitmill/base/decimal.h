// The numbers users type into options and config values: a decimal number ("1.06", "-2", "1e-3")
// or an infinity ("inf", "-inf"), never NaN, no leading or trailing spaces, no hexadecimal
// ("0x1p3"), which strtod would also read but no user means there. One grammar, so that a value
// the command line accepts is read the same wherever it is read again (cli::a_number(),
// bitmill-mine's --threshold).
//
// Thread safety: a pure function.
#pragma once

#include <optional>
#include <string>

namespace bitmill {

// The value of `text`, or none when it is not such a number.
std::optional<double> parse_decimal(const std::string& text);

}  // namespace bitmill
