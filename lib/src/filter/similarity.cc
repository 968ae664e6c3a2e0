#include "bitmill/filter/similarity.h"

#include <unicode/uchar.h>

#include <algorithm>
#include <cstdint>

#include "filter/feature_util.h"

namespace bitmill::filter {

using namespace detail;

namespace {

// Sequence of case-folded letters, marks and numbers for similarity().
void similarity_key(std::string_view text, std::vector<char32_t>& out) {
  out.clear();
  const CharTable ucd;
  const auto* p = reinterpret_cast<Bytes>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    if (p[i] < 0x80) {
      // The whole ASCII stretch in one tight loop.
      do {
        const unsigned c = p[i++];
        const CharClass k = kAsciiCharClass[c];
        if (k == kLetter)
          out.push_back(c | 0x20u);
        else if (k == kDigit)
          out.push_back(c);
      } while (i < n && p[i] < 0x80);
      continue;
    }
    const char32_t cp = next_cp(p, n, i);
    switch (ucd.cls(cp)) {
      case kLetter:
      case kMark:
      case kOtherNumber: out.push_back(fold(cp)); break;
      case kDigit: {
        const int32_t v = u_charDigitValue(static_cast<UChar32>(cp));
        out.push_back(v >= 0 && v <= 9 ? U'0' + static_cast<char32_t>(v) : cp);
        break;
      }
      default: break;
    }
  }
}

}  // namespace

double similarity(std::string_view a, std::string_view b, double min_interest) {
  thread_local std::vector<char32_t> ka, kb;
  thread_local std::vector<uint32_t> row;
  similarity_key(a, ka);
  similarity_key(b, kb);
  const size_t len = std::max(ka.size(), kb.size());
  if (len == 0) return 1.0;
  const auto score = [len](size_t d) { return 1.0 - static_cast<double>(d) / static_cast<double>(len); };
  // Largest distance whose score still reaches min_interest, computed with the same formula as the
  // result so that the two agree at the boundary.
  size_t band = len;
  if (min_interest > 0.0) {
    if (min_interest > 1.0) return 0.0;
    const double est = (1.0 - min_interest) * static_cast<double>(len);
    band = std::min(len, static_cast<size_t>(est));
    while (band < len && score(band + 1) >= min_interest) ++band;
    while (band > 0 && score(band) < min_interest) --band;
    if (score(band) < min_interest) return 0.0;
  }
  // Common prefix and suffix cost nothing.
  size_t pre = 0;
  while (pre < ka.size() && pre < kb.size() && ka[pre] == kb[pre]) ++pre;
  size_t suf = 0;
  while (suf < ka.size() - pre && suf < kb.size() - pre && ka[ka.size() - 1 - suf] == kb[kb.size() - 1 - suf]) ++suf;
  const char32_t* x = ka.data() + pre;
  const char32_t* y = kb.data() + pre;
  const size_t nx = ka.size() - pre - suf, ny = kb.size() - pre - suf;
  const size_t diff = nx > ny ? nx - ny : ny - nx;
  if (diff > band) return 0.0;
  if (nx == 0 || ny == 0) return score(nx + ny);
  // Banded Levenshtein (Ukkonen): only cells with |i - j| <= band can hold a distance <= band; values
  // saturate at band + 1.
  const uint32_t inf = static_cast<uint32_t>(std::min<size_t>(band + 1, UINT32_MAX - 2));
  row.assign(ny + 1, inf);
  for (size_t j = 0; j <= std::min(ny, band); ++j) row[j] = static_cast<uint32_t>(j);
  for (size_t i = 1; i <= nx; ++i) {
    const size_t lo = i > band ? i - band : 1;
    const size_t hi = std::min(ny, i + band);
    if (lo > hi) return 0.0;
    uint32_t diag = row[lo - 1];
    uint32_t left = (lo == 1 && i <= band) ? static_cast<uint32_t>(i) : inf;
    row[lo - 1] = left;
    uint32_t row_min = inf;
    const char32_t xi = x[i - 1];
    for (size_t j = lo; j <= hi; ++j) {
      const uint32_t up = row[j];
      uint32_t v = diag + (xi == y[j - 1] ? 0u : 1u);
      v = std::min(v, up + 1);
      v = std::min(v, left + 1);
      v = std::min(v, inf);
      diag = up;
      row[j] = v;
      left = v;
      row_min = std::min(row_min, v);
    }
    if (row_min >= inf) return 0.0;  // every path already costs more than the band allows
  }
  const size_t d = row[ny];
  if (d > band) return 0.0;
  return score(d);
}

}  // namespace bitmill::filter
