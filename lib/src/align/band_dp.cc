#include "align/band_dp.h"

#include <algorithm>
#include <limits>

namespace bitmill::align {

Band full_band(size_t s, size_t t) {
  return Band{std::vector<uint32_t>(s + 1, 0), std::vector<uint32_t>(s + 1, static_cast<uint32_t>(t))};
}

std::vector<Step> band_dp(const CostModel& costs, const std::vector<Shape>& shapes, const Band& band, size_t s,
                          size_t t) {
  // Row X's cells are [off[X], off[X + 1]), column Y at off[X] + Y - lo[X].
  std::vector<size_t> off(s + 2, 0);
  for (size_t x = 0; x <= s; ++x) off[x + 1] = off[x] + (band.hi[x] - band.lo[x] + 1);
  constexpr double kInf = std::numeric_limits<double>::infinity();
  constexpr uint8_t kNone = 255;
  std::vector<double> c(off[s + 1], kInf);
  std::vector<uint8_t> bp(off[s + 1], kNone);
  auto at = [&](size_t x, size_t y) -> ptrdiff_t {
    if (y < band.lo[x] || y > band.hi[x]) return -1;
    return static_cast<ptrdiff_t>(off[x] + y - band.lo[x]);
  };
  const double pen = costs.penalty();
  const auto ins = static_cast<uint8_t>(shapes.size() - 2), del = static_cast<uint8_t>(shapes.size() - 1);
  for (size_t x = 0; x <= s; ++x) {
    for (size_t y = band.lo[x]; y <= band.hi[x]; ++y) {
      const size_t cell = off[x] + y - band.lo[x];
      if (x == 0 || y == 0) {
        c[cell] = pen * static_cast<double>(x + y);
        bp[cell] = x == 0 ? (y == 0 ? kNone : ins) : del;
        continue;
      }
      double best = kInf;
      uint8_t arg = kNone;
      for (size_t k = 0; k < shapes.size(); ++k) {
        const Shape sh = shapes[k];
        if (sh.x > x || sh.y > y) continue;
        const ptrdiff_t prev = at(x - sh.x, y - sh.y);
        if (prev < 0 || c[prev] == kInf) continue;
        const double step = sh.x == 0 || sh.y == 0 ? pen : costs.cost(sh, x - 1, y - 1);
        const double v = c[prev] + step;
        if (v < best) {
          best = v;
          arg = static_cast<uint8_t>(k);
        }
      }
      c[cell] = best;
      bp[cell] = arg;
    }
  }
  std::vector<Step> path;
  size_t x = s, y = t;
  while (x > 0 || y > 0) {
    const ptrdiff_t cell = at(x, y);
    if (cell < 0 || bp[cell] == kNone) break;  // cannot happen for a connected band
    const Shape sh = shapes[bp[cell]];
    path.push_back(Step{static_cast<uint32_t>(x), static_cast<uint32_t>(y), sh});
    x -= sh.x;
    y -= sh.y;
  }
  std::reverse(path.begin(), path.end());
  return path;
}

Band band_around(const std::vector<Step>& coarse, size_t s, size_t t, size_t margin) {
  // The path's own columns per row: the doubled boxes of its steps.
  std::vector<uint32_t> lo(s + 1, std::numeric_limits<uint32_t>::max()), hi(s + 1, 0);
  auto mark = [&](size_t x0, size_t x1, size_t y0, size_t y1) {
    for (size_t x = x0; x <= std::min(x1, s); ++x) {
      lo[x] = std::min(lo[x], static_cast<uint32_t>(std::min(y0, t)));
      hi[x] = std::max(hi[x], static_cast<uint32_t>(std::min(y1, t)));
    }
  };
  size_t px = 0, py = 0;
  for (const Step& st : coarse) {
    mark(2 * px, 2 * size_t{st.x}, 2 * py, 2 * size_t{st.y});
    px = st.x;
    py = st.y;
  }
  mark(2 * px, s, 2 * py, t);  // the end, and an odd last sentence on either side
  mark(0, 0, 0, 0);
  // Widened by the margin in both directions (a sliding minimum and maximum over the rows).
  Band band{std::vector<uint32_t>(s + 1), std::vector<uint32_t>(s + 1)};
  for (size_t x = 0; x <= s; ++x) {
    uint32_t l = std::numeric_limits<uint32_t>::max(), h = 0;
    for (size_t k = x >= margin ? x - margin : 0; k <= std::min(s, x + margin); ++k) {
      l = std::min(l, lo[k]);
      h = std::max(h, hi[k]);
    }
    band.lo[x] = l >= margin ? l - static_cast<uint32_t>(margin) : 0;
    band.hi[x] = static_cast<uint32_t>(std::min<size_t>(t, size_t{h} + margin));
  }
  return band;
}

}  // namespace bitmill::align
