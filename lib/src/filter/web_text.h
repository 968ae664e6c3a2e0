// The web rules' text model (private to lib/src/filter): Python's view of a string, as datatrove's
// filters see it. Character classes (str.isspace, str.isalpha, str.islower, str.isdigit, and
// datatrove's PUNCTUATION_SET = Unicode P*, S* and Cc) are derived from the library's character
// table (text/char_class.h); lines are str.splitlines(); strip is str.strip(); tokens are the
// words of web_rules.h. Characters are read with the library decoder's kStructural lenience
// (text/utf8.h): an ill-formed byte is one character, U+FFFD (a symbol, so punctuation here).
//
// Thread safety: pure functions.
#pragma once

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "bitmill/text/char_class.h"
#include "bitmill/text/utf8.h"

namespace bitmill::filter::web {

// Python classes of a character, as bits.
constexpr uint8_t kIsSpace = 1, kIsPunct = 2, kIsAlpha = 4, kIsLower = 8, kIsDigit = 16;

// From the shared table's classes: white space is str.isspace (beyond ASCII: Zs, Zl, Zp and
// U+0085, exactly the table's kSpace); letters are str.isalpha, Ll also str.islower; Nd is
// str.isdigit; P* and S* are punctuation, and so are Cc and U+FFFD, which the table puts in
// kControl with other code points (format, private use, unassigned) that are in no Python class.
constexpr std::array<uint8_t, text::kNumCharClasses> kPyClassOf = [] {
  std::array<uint8_t, text::kNumCharClasses> t{};
  t[text::kLetter] = kIsAlpha;
  t[text::kDigit] = kIsDigit;
  t[text::kPunct] = kIsPunct;
  t[text::kSymbol] = kIsPunct;
  t[text::kSpace] = kIsSpace;
  return t;
}();

// ASCII: as above, except that Python's str.isspace also counts \x1c-\x1f (information
// separators, control characters to Unicode's White_Space), and every other C0 control and DEL
// is punctuation (Cc).
constexpr std::array<uint8_t, 128> kPyAscii = [] {
  std::array<uint8_t, 128> t{};
  for (int c = 0; c < 128; ++c) {
    const text::CharClass k = text::kAsciiCharClass[static_cast<size_t>(c)];
    uint8_t v = k == text::kControl ? kIsPunct : kPyClassOf[k];
    if (c >= 0x1c && c <= 0x1f) v = kIsSpace;
    if (c >= 'a' && c <= 'z') v |= kIsLower;
    t[static_cast<size_t>(c)] = v;
  }
  return t;
}();

inline uint8_t classify(char32_t cp) {
  if (cp < 128) return kPyAscii[cp];
  const uint8_t info = text::CharTable().info(cp);
  const auto k = static_cast<text::CharClass>(info & text::kCharClassMask);
  if (k == text::kControl) return cp <= 0x9F || cp == 0xFFFD ? kIsPunct : 0;  // C1 controls (Cc), U+FFFD
  return kPyClassOf[k] | ((info & text::kLowercaseBit) != 0 ? kIsLower : 0);
}

struct Cp {
  char32_t cp;
  uint32_t len;
};

// Decodes the character at p (< end).
inline Cp decode_at(const char* p, const char* end) {
  const Utf8Char c = decode_utf8_char<Utf8Lenience::kStructural>(p, static_cast<size_t>(end - p));
  return {c.cp, c.len};
}

// Start of the last character of s (non-empty).
inline size_t last_char_start(std::string_view s) {
  const size_t st = previous_utf8_start(s, s.size());
  const Cp c = decode_at(s.data() + st, s.data() + s.size());
  return c.len == s.size() - st ? st : s.size() - 1;
}

inline char32_t last_cp(std::string_view s) {
  const size_t st = last_char_start(s);
  return decode_at(s.data() + st, s.data() + s.size()).cp;
}

inline std::string_view lstrip(std::string_view s) {
  const char* p = s.data();
  const char* end = p + s.size();
  while (p < end) {
    const Cp c = decode_at(p, end);
    if (!(classify(c.cp) & kIsSpace)) break;
    p += c.len;
  }
  return {p, static_cast<size_t>(end - p)};
}

inline std::string_view rstrip(std::string_view s) {
  while (!s.empty()) {
    const size_t st = last_char_start(s);
    if (!(classify(decode_at(s.data() + st, s.data() + s.size()).cp) & kIsSpace)) break;
    s = s.substr(0, st);
  }
  return s;
}

// Python's str.strip() with no argument.
inline std::string_view py_strip(std::string_view s) { return rstrip(lstrip(s)); }

inline bool is_blank(std::string_view s) { return lstrip(s).empty(); }

// The first i' >= i where s[i'] may start a line break of str.splitlines(): a byte below 0x20,
// or 0xC2 / 0xE2 (the lead bytes of U+0085, U+2028, U+2029); s.size() when there is none.
inline size_t skip_to_break_candidate(std::string_view s, size_t i) {
  const size_t n = s.size();
#if defined(__SSE2__)
  const __m128i low = _mm_set1_epi8(0x1F);
  const __m128i c2 = _mm_set1_epi8(static_cast<char>(0xC2));
  const __m128i e2 = _mm_set1_epi8(static_cast<char>(0xE2));
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    // v <= 0x1F (unsigned) <=> min(v, 0x1F) == v.
    const __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(v, low), v),
                                     _mm_or_si128(_mm_cmpeq_epi8(v, c2), _mm_cmpeq_epi8(v, e2)));
    const int m = _mm_movemask_epi8(hit);
    if (m != 0) return i + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(m)));
  }
#endif
  for (; i < n; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0xC2 || c == 0xE2) return i;
  }
  return n;
}

// Calls f(line) for each line of Python's str.splitlines(): breaks are \n, \r\n, \r, \v, \f,
// \x1c-\x1e, U+0085, U+2028, U+2029; a break at the very end does not start an empty line.
template <typename F>
void for_each_pyline(std::string_view s, F&& f) {
  const size_t n = s.size();
  size_t start = 0;
  size_t i = 0;
  while (i < n) {
    i = skip_to_break_candidate(s, i);
    if (i >= n) break;
    const auto c = static_cast<unsigned char>(s[i]);
    size_t brk = 0;
    if (c < 0x20) {
      if (c == '\n' || c == 0x0B || c == 0x0C || (c >= 0x1C && c <= 0x1E)) {
        brk = 1;
      } else if (c == '\r') {
        brk = i + 1 < n && s[i + 1] == '\n' ? 2 : 1;
      }
    } else if (c == 0xC2) {
      if (i + 1 < n && static_cast<unsigned char>(s[i + 1]) == 0x85) brk = 2;
    } else if (c == 0xE2) {
      if (i + 2 < n && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
          (static_cast<unsigned char>(s[i + 2]) == 0xA8 || static_cast<unsigned char>(s[i + 2]) == 0xA9)) {
        brk = 3;
      }
    }
    if (brk != 0) {
      f(s.substr(start, i - start));
      i += brk;
      start = i;
    } else {
      ++i;
    }
  }
  if (start < n) f(s.substr(start));
}

// Tokens (see web_rules.h): emit(begin, end, code points, symbol, alpha) for each token, where
// `symbol` = only punctuation characters, `alpha` = a letter among them.
template <typename F>
void for_each_token(std::string_view s, F&& emit) {
  const char* p = s.data();
  const char* const end = p + s.size();
  // Emits the runs of identical characters in [q, e), all punctuation.
  auto emit_runs = [&](const char* q, const char* e) {
    while (q < e) {
      const char* rb = q;
      Cp c = decode_at(q, e);
      const char32_t rc = c.cp;
      size_t n = 0;
      do {
        q += c.len;
        ++n;
        if (q >= e) break;
        c = decode_at(q, e);
      } while (c.cp == rc);
      emit(rb, q, n, true, false);
    }
  };
  while (p < end) {
    Cp c = decode_at(p, end);
    uint8_t cls = classify(c.cp);
    if (cls & kIsSpace) {
      p += c.len;
      continue;
    }
    // A chunk (run of non-space characters) starts at p: leading punctuation, core, trailing.
    const char* const chunk = p;
    while (cls & kIsPunct) {
      p += c.len;
      if (p >= end) break;
      c = decode_at(p, end);
      cls = classify(c.cp);
      if (cls & kIsSpace) break;
    }
    const bool at_core = p < end && !(cls & (kIsSpace | kIsPunct));
    emit_runs(chunk, p);
    if (!at_core) continue;
    const char* const core = p;
    const char* core_end = p;
    size_t cps = 0;
    size_t core_cps = 0;
    uint8_t seen = 0;
    for (;;) {
      p += c.len;
      ++cps;
      seen |= cls;
      if (!(cls & kIsPunct)) {
        core_end = p;
        core_cps = cps;
      }
      if (p >= end) break;
      c = decode_at(p, end);
      cls = classify(c.cp);
      if (cls & kIsSpace) break;
    }
    emit(core, core_end, core_cps, false, (seen & kIsAlpha) != 0);
    emit_runs(core_end, p);
  }
}

inline size_t count_tokens(std::string_view s) {
  size_t n = 0;
  for_each_token(s, [&](const char*, const char*, size_t, bool, bool) { ++n; });
  return n;
}

}  // namespace bitmill::filter::web
