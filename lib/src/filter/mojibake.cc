#include "bitmill/filter/mojibake.h"

#include <cstring>

#include "filter/feature_util.h"

namespace bitmill::filter {

using namespace detail;

namespace {

inline bool is_punct_category(utf8proc_category_t c) { return c >= UTF8PROC_CATEGORY_PC && c <= UTF8PROC_CATEGORY_PO; }

// The byte whose Windows-1252 (or Latin-1) image is cp, or -1.
inline int cp1252_byte(char32_t cp) {
  if (cp >= 0x80 && cp <= 0xFF) return static_cast<int>(cp);
  switch (cp) {
    case 0x20AC: return 0x80;
    case 0x201A: return 0x82;
    case 0x0192: return 0x83;
    case 0x201E: return 0x84;
    case 0x2026: return 0x85;
    case 0x2020: return 0x86;
    case 0x2021: return 0x87;
    case 0x02C6: return 0x88;
    case 0x2030: return 0x89;
    case 0x0160: return 0x8A;
    case 0x2039: return 0x8B;
    case 0x0152: return 0x8C;
    case 0x017D: return 0x8E;
    case 0x2018: return 0x91;
    case 0x2019: return 0x92;
    case 0x201C: return 0x93;
    case 0x201D: return 0x94;
    case 0x2022: return 0x95;
    case 0x2013: return 0x96;
    case 0x2014: return 0x97;
    case 0x02DC: return 0x98;
    case 0x2122: return 0x99;
    case 0x0161: return 0x9A;
    case 0x203A: return 0x9B;
    case 0x0153: return 0x9C;
    case 0x017E: return 0x9E;
    case 0x0178: return 0x9F;
    default: return -1;
  }
}

}  // namespace

size_t count_mojibake(std::string_view text) {
  const auto* p = reinterpret_cast<Bytes>(text.data());
  const size_t n = text.size();
  const CharTable ucd;
  size_t count = 0;
  size_t i = 0;
  // Every lead image U+00C2..U+00F4 is encoded C3 82..C3 B4, so memchr finds the candidates.
  while (i < n) {
    const void* hit = std::memchr(p + i, 0xC3, n - i);
    if (hit == nullptr) break;
    i = static_cast<size_t>(static_cast<Bytes>(hit) - p);
    if (i + 1 >= n) break;
    const unsigned lead = p[i + 1] + 0x40u;  // C3 80..BF encodes U+00C0..U+00FF
    size_t j = i + 2;
    if (lead < 0xC2 || lead > 0xF4 || lead == 0xDF) {
      i = j;
      continue;
    }
    const int need = lead < 0xE0 ? 1 : lead < 0xF0 ? 2 : 3;
    int lo = 0x80, hi = 0xBF;
    if (lead == 0xE0) lo = 0xA0;
    if (lead == 0xED) hi = 0x9F;
    if (lead == 0xF0) lo = 0x90;
    if (lead == 0xF4) hi = 0x8F;
    bool ok = true;
    bool punct_or_nbsp = false;
    for (int t = 0; t < need && ok; ++t) {
      if (j >= n) {
        ok = false;
        break;
      }
      const char32_t cp = next_cp(p, n, j);
      const int b = cp1252_byte(cp);
      ok = b >= (t == 0 ? lo : 0x80) && b <= (t == 0 ? hi : 0xBF);
      if (cp == 0xA0) {
        if (need > 1) ok = false;  // French "été\u00A0»"
        punct_or_nbsp = true;
      } else if (need == 1 && ok) {
        punct_or_nbsp = is_punct_category(category(cp));
      }
    }
    if (ok && need == 1 && punct_or_nbsp && i > 0 && (j == n || ucd.cls(cp_at(p, n, j)) != kLetter)) {
      // An all-caps word ending in an accented capital, then punctuation: "CAFÉ\u00A0!", "„SCHÖN…“".
      const char32_t prev = cp_at(p, n, prev_start(p, 0, i));
      if (prev < 0x80 ? (prev >= 'A' && prev <= 'Z') : category(prev) == UTF8PROC_CATEGORY_LU) ok = false;
    }
    if (ok) {
      ++count;
      i = j;
    } else {
      i += 2;
    }
  }
  return count;
}

}  // namespace bitmill::filter
