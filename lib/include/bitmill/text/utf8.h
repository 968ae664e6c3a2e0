// UTF-8 validation, repair and decoding (Unicode 15, Table 3-7 "well-formed byte sequences": no
// overlongs, no surrogates, nothing above U+10FFFF). This is the library's one UTF-8 decoder: the
// tokenizers, the normaliser and the filter's features and web rules all decode through
// decode_utf8_char() below.
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

// How decode_utf8_char() treats ill-formed input. All three decode well-formed UTF-8 alike; they
// differ only on bytes that are not, and each caller keeps the behaviour its results were defined
// with (changing one would change what bitmill-filter counts on such input). Validation and repair
// (find_invalid_utf8, append_replacing_invalid_utf8) follow Table 3-7 and WHATWG's maximal
// subparts instead: they decide what is valid, these only read.
enum class Utf8Lenience {
  // The caller has validated the text (tokenizers, normaliser, decode_utf8): no checks at all, the
  // fastest form. Ill-formed input reads out of bounds.
  kTrusted,
  // Bounds-safe, checks only the lead byte and the bytes left (the filter's text features, whose
  // contract is valid UTF-8 and which only need to stay memory safe otherwise): a lead byte C2-F4
  // with enough bytes left takes them whatever they are; anything else is U+FFFD of length 1, and
  // so is a 4-byte value above U+10FFFF (but of length 4).
  kLeadByte,
  // Bounds-safe, checks the lead and continuation bytes' bit patterns (the web rules, which define
  // "an invalid byte counts as one character, U+FFFD"): a lead byte C2-F4 followed by the right
  // number of 10xxxxxx bytes decodes, overlong forms of E0/F0 leads, surrogates and values above
  // U+10FFFF included (only the character's class and length matter there); every other byte is
  // U+FFFD of length 1.
  kStructural,
};

struct Utf8Char {
  char32_t cp;
  uint32_t len;  // bytes, 1..4
};

// Decodes the character at p[0], with `avail` (>= 1) bytes readable from p, under lenience L.
// Each lenience is written out as straight-line code (no loop, no shared helper), the form the
// compiler inlines and schedules best in the scanners' inner loops.
template <Utf8Lenience L>
inline Utf8Char decode_utf8_char(const unsigned char* p, size_t avail) {
  const unsigned b0 = p[0];
  if (b0 < 0x80) return {b0, 1};
  if constexpr (L == Utf8Lenience::kTrusted) {
    if (b0 < 0xE0) return {((b0 & 0x1Fu) << 6) | (p[1] & 0x3Fu), 2};
    if (b0 < 0xF0) return {((b0 & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu), 3};
    return {((b0 & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) | ((p[2] & 0x3Fu) << 6) | (p[3] & 0x3Fu), 4};
  } else if constexpr (L == Utf8Lenience::kLeadByte) {
    if (b0 >= 0xC2 && b0 < 0xE0 && avail >= 2) return {((b0 & 0x1Fu) << 6) | (p[1] & 0x3Fu), 2};
    if (b0 >= 0xE0 && b0 < 0xF0 && avail >= 3) {
      return {((b0 & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu), 3};
    }
    if (b0 >= 0xF0 && b0 < 0xF5 && avail >= 4) {
      const char32_t cp = ((b0 & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) | ((p[2] & 0x3Fu) << 6) | (p[3] & 0x3Fu);
      return {cp <= 0x10FFFF ? cp : 0xFFFD, 4};
    }
    return {0xFFFD, 1};
  } else {
    uint32_t n;
    char32_t cp;
    if (b0 >= 0xC2 && b0 < 0xE0) {
      n = 2;
      cp = b0 & 0x1Fu;
    } else if (b0 >= 0xE0 && b0 < 0xF0) {
      n = 3;
      cp = b0 & 0x0Fu;
    } else if (b0 >= 0xF0 && b0 < 0xF5) {
      n = 4;
      cp = b0 & 0x07u;
    } else {
      return {0xFFFD, 1};
    }
    if (avail < n) return {0xFFFD, 1};
    for (uint32_t i = 1; i < n; ++i) {
      if ((p[i] & 0xC0u) != 0x80u) return {0xFFFD, 1};
      cp = (cp << 6) | (p[i] & 0x3Fu);
    }
    return {cp, n};
  }
}

template <Utf8Lenience L>
inline Utf8Char decode_utf8_char(const char* p, size_t avail) {
  return decode_utf8_char<L>(reinterpret_cast<const unsigned char*>(p), avail);
}

// Start of the character that ends just before byte `end` of p (end > begin): steps back over at
// most three continuation bytes, so it stays within a well-formed sequence's length on any input.
inline size_t previous_utf8_start(const unsigned char* p, size_t begin, size_t end) {
  size_t j = end - 1;
  while (j > begin && (p[j] & 0xC0u) == 0x80u && end - j < 4) --j;
  return j;
}

inline size_t previous_utf8_start(std::string_view s, size_t end) {
  return previous_utf8_start(reinterpret_cast<const unsigned char*>(s.data()), 0, end);
}

// Decodes the well-formed sequence at s[pos] (the caller guarantees validity), advances pos.
inline char32_t decode_utf8(std::string_view s, size_t& pos) {
  const Utf8Char c = decode_utf8_char<Utf8Lenience::kTrusted>(s.data() + pos, s.size() - pos);
  pos += c.len;
  return c.cp;
}

// Code points of s, as Python's len() counts them: each byte that is not a continuation byte starts
// one (on ill-formed input, each such byte counts once).
inline size_t utf8_length(std::string_view s) {
  size_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// Appends the UTF-8 encoding of `cp` (a scalar value).
void append_utf8(char32_t cp, std::string& out);

}  // namespace bitmill
