// Messages echo what users gave (file names, option values, lines of their data), and the
// terminal a message lands on must not be driven by those bytes. printable() makes text safe to
// print on one line: well-formed UTF-8 passes through, and every other byte is written as an
// escape that shows what it was:
//   \n \r \t                          newline, carriage return, tab
//   \xHH                              other C0 controls (NUL, ESC...), DEL, and each byte of a
//                                     malformed UTF-8 sequence (0xFF, a lone continuation byte,
//                                     a truncated or overlong sequence, a surrogate)
//   \u{HHHH}                          C1 controls (U+0080..U+009F), which some terminals obey
// With Lines::kKeep, '\n' is kept as is (messages that are several lines by design).
//
// Thread safety: a pure function.
#pragma once

#include <string>
#include <string_view>

namespace bitmill {

enum class Lines { kEscape, kKeep };

std::string printable(std::string_view text, Lines lines = Lines::kEscape);

}  // namespace bitmill
