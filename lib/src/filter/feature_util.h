// Helpers shared by the filter's text features (char_counts.cc, words.cc, mojibake.cc, numbers.cc,
// urls.cc, terminal_punct.cc, similarity.cc); private to lib/src/filter.
//
// The features' contract is valid UTF-8 (LineReader has checked or repaired every line); they read
// it with the library decoder's kLeadByte lenience (text/utf8.h), which stays memory safe on
// anything else. Character classes come from the shared table (text/char_class.h).
//
// Thread safety: pure functions.
#pragma once

#include <utf8proc.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "bitmill/text/char_class.h"
#include "bitmill/text/utf8.h"

namespace bitmill::filter::detail {

using Bytes = const unsigned char*;
using text::CharClass;
using text::CharTable;
using text::kAsciiCharClass;
using text::kControl;
using text::kDigit;
using text::kFormat;
using text::kLetter;
using text::kMark;
using text::kOtherNumber;
using text::kPunct;
using text::kSpace;
using text::kSymbol;

constexpr char32_t kReplacementChar = 0xFFFD;

// Decodes the code point at p[i] (i < n) and advances i.
inline char32_t next_cp(Bytes p, size_t n, size_t& i) {
  const Utf8Char c = decode_utf8_char<Utf8Lenience::kLeadByte>(p + i, n - i);
  i += c.len;
  return c.cp;
}

// Start of the code point that ends at p[end - 1] (end > begin, both code point boundaries).
inline size_t prev_start(Bytes p, size_t begin, size_t end) { return previous_utf8_start(p, begin, end); }

inline char32_t cp_at(Bytes p, size_t n, size_t at) { return next_cp(p, n, at); }

inline utf8proc_category_t category(char32_t cp) { return utf8proc_category(static_cast<utf8proc_int32_t>(cp)); }

// Simple case folding of one code point: utf8proc tolower(toupper(c)), so "ς" = "σ" = "Σ".
inline char32_t fold(char32_t cp) {
  if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
  const utf8proc_int32_t c = static_cast<utf8proc_int32_t>(cp);
  return static_cast<char32_t>(utf8proc_tolower(utf8proc_toupper(c)));
}

// Returns out[used] (appending a string when needed) so that strings keep their capacity across calls.
inline std::string& slot(std::vector<std::string>& out, size_t used) {
  if (used == out.size()) out.emplace_back();
  return out[used];
}

inline void lower_ascii(std::string& s, size_t from, size_t to) {
  for (size_t k = from; k < to; ++k) {
    if (s[k] >= 'A' && s[k] <= 'Z') s[k] = static_cast<char>(s[k] + 32);
  }
}

}  // namespace bitmill::filter::detail
