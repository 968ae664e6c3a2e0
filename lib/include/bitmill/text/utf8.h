// UTF-8 validation and repair (Unicode 15, Table 3-7 "well-formed byte sequences": no overlongs,
// no surrogates, nothing above U+10FFFF).
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace bitmill {

// What to do with a line that is not valid UTF-8 (the `--invalid-utf8` option).
enum class InvalidUtf8Policy {
  kFail,     // stop with an error naming file and line (default)
  kSkip,     // drop the line, count it, warn once
  kReplace,  // replace each maximal invalid subpart with U+FFFD, as the WHATWG decoder does
  kKeep,     // pass the bytes through unchanged: the caller checks (bitmill-filter rejects such rows)
};

// Byte offset of the first invalid sequence in `s`, or std::string_view::npos when `s` is valid.
size_t find_invalid_utf8(std::string_view s);

inline bool is_valid_utf8(std::string_view s) { return find_invalid_utf8(s) == std::string_view::npos; }

// Appends `s` to `out` with every maximal invalid subpart replaced by U+FFFD (EF BF BD).
// Returns the number of replacements made.
size_t append_replacing_invalid_utf8(std::string_view s, std::string& out);

// Length (1..4) of the well-formed sequence starting at s[0], or 0 if none starts there; on 0,
// `*bad` receives the length of the maximal subpart to replace (at least 1). Requires !s.empty().
int utf8_sequence_length(std::string_view s, int* bad);

// Decodes the well-formed sequence at s[pos] (the caller guarantees validity), advances pos.
char32_t decode_utf8(std::string_view s, size_t& pos);

// Appends the UTF-8 encoding of `cp` (a scalar value).
void append_utf8(char32_t cp, std::string& out);

}  // namespace bitmill
