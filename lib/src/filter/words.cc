#include "bitmill/filter/words.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

#include "filter/feature_util.h"

namespace bitmill::filter {

using namespace detail;

namespace {

// Word scanning of ASCII: 0 space, 1 part of a word, 2 part of a word that makes it count (letter, digit).
constexpr std::array<uint8_t, 128> make_ascii_word_bytes() {
  std::array<uint8_t, 128> t{};
  for (size_t c = 0; c < 128; ++c) {
    const CharClass k = kAsciiCharClass[c];
    t[c] = k == kSpace ? 0 : (k == kLetter || k == kDigit) ? 2 : 1;
  }
  return t;
}
constexpr std::array<uint8_t, 128> kAsciiWordByte = make_ascii_word_bytes();

// Calls emit(begin, end) with the byte range of each word as defined for count_words.
template <typename Emit>
void for_each_word(std::string_view text, Emit&& emit) {
  const auto* p = reinterpret_cast<Bytes>(text.data());
  const size_t n = text.size();
  enum { kNoToken, kRun, kNospace } tok = kNoToken;
  size_t start = 0, end = 0;
  bool content = false;
  auto flush = [&]() __attribute__((always_inline)) {
    if (tok == kNospace || (tok == kRun && content)) emit(start, end);
    tok = kNoToken;
    content = false;
  };
  const CharTable ucd;
  size_t i = 0;
  while (i < n) {
    const size_t at = i;
    if (p[i] < 0x80) {
      const uint8_t w = kAsciiWordByte[p[i]];
      ++i;
      if (w == 0) {
        flush();
        continue;
      }
      if (tok == kNospace) flush();
      if (tok == kNoToken) {
        tok = kRun;
        start = at;
      }
      // Consume the whole ASCII stretch of the word at once.
      unsigned has_content = w;
      size_t j = i;  // a local the compiler keeps in a register
      while (j < n && p[j] < 0x80) {
        const uint8_t v = kAsciiWordByte[p[j]];
        if (v == 0) break;
        has_content |= v;
        ++j;
      }
      i = end = j;
      content |= (has_content & 2u) != 0;
      continue;
    }
    const char32_t cp = next_cp(p, n, i);
    const uint8_t info = ucd.info(cp);
    const CharClass k = static_cast<CharClass>(info & text::kCharClassMask);
    if (k == kSpace || (info & text::kWidePunctBit)) {
      flush();
      continue;
    }
    if (k == kLetter && (info & text::kNoSpaceBit)) {
      flush();
      tok = kNospace;
      start = at;
      end = i;
      continue;
    }
    if (k == kMark || k == kFormat) {  // attach to whatever word is open
      if (tok == kNoToken) {
        tok = kRun;
        start = at;
      }
      end = i;
      continue;
    }
    if (tok == kNospace) flush();
    if (tok == kNoToken) {
      tok = kRun;
      start = at;
    }
    end = i;
    if (k == kLetter || k == kDigit || k == kOtherNumber) content = true;
  }
  flush();
}

// Narrows [b, e) past P* code points at both ends.
inline void strip_punct(const CharTable& ucd, Bytes p, size_t n, size_t& b, size_t& e) {
  if (p[b] < 0x80 && p[e - 1] < 0x80 && kAsciiCharClass[p[b]] != kPunct && kAsciiCharClass[p[e - 1]] != kPunct) return;
  while (b < e) {
    size_t k = b;
    const char32_t cp = next_cp(p, n, k);
    if (ucd.cls(cp) != kPunct) break;
    b = k;
  }
  while (b < e) {
    const size_t s = prev_start(p, b, e);
    if (ucd.cls(cp_at(p, n, s)) != kPunct) break;
    e = s;
  }
}

inline bool equal_folded(Bytes p, size_t n, size_t b1, size_t e1, size_t b2, size_t e2) {
  if (p[b1] < 0x80 && p[b2] < 0x80 && (p[b1] | 0x20u) != (p[b2] | 0x20u)) return false;  // cheap common case
  if (e1 - b1 == e2 - b2 && std::memcmp(p + b1, p + b2, e1 - b1) == 0) return true;
  while (b1 < e1 && b2 < e2) {
    const char32_t c1 = next_cp(p, n, b1), c2 = next_cp(p, n, b2);
    if (c1 != c2 && fold(c1) != fold(c2)) return false;
  }
  return b1 == e1 && b2 == e2;
}

}  // namespace

size_t count_words(std::string_view text) {
  size_t words = 0;
  for_each_word(text, [&](size_t, size_t) { ++words; });
  return words;
}

size_t longest_word_run(std::string_view text) {
  const auto* p = reinterpret_cast<Bytes>(text.data());
  const size_t n = text.size();
  const CharTable ucd;
  size_t best = 0, run = 0, prev_b = 0, prev_e = 0;
  for_each_word(
      text, [&](size_t b, size_t e) __attribute__((always_inline)) {
        strip_punct(ucd, p, n, b, e);
        if (b == e) return;
        if (run > 0 && equal_folded(p, n, prev_b, prev_e, b, e))
          ++run;
        else
          run = 1;
        prev_b = b;
        prev_e = e;
        best = std::max(best, run);
      });
  return best;
}

}  // namespace bitmill::filter
