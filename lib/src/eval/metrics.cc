#include "bitmill/eval/metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>

namespace bitmill::eval {

double percent(size_t part, size_t whole) {
  return whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

// 2c / (p + g) with both operands exact integers in double: IEEE division is correctly rounded,
// so two cuts with the same F1 as a fraction compare equal, and ties go to the rule, not to noise.
double Prf::f1() const {
  if (correct == 0) return 0.0;
  return 100.0 * (2.0 * static_cast<double>(correct) / (static_cast<double>(pairs) + static_cast<double>(gold)));
}

Prf at_threshold(const std::vector<Judged>& pairs, size_t gold, std::optional<double> threshold) {
  Prf r;
  r.gold = gold;
  for (const Judged& j : pairs) {
    if (threshold && !(j.score > *threshold)) continue;
    ++r.pairs;
    if (j.correct) ++r.correct;
  }
  return r;
}

namespace {

// The number with the fewest significant digits strictly between lo and hi (lo < hi), found by
// rounding their midpoint to 1, 2, ... 17 digits: a --threshold that users can read and type,
// keeping the same pairs as the midpoint itself (which it is at 17 digits, when lo and hi are
// close enough to need them). Needs a double strictly between lo and hi.
double short_between(double lo, double hi) {
  const double mid = lo / 2 + hi / 2;  // no overflow at the ends of the double range
  for (int digits = 1; digits <= 17; ++digits) {
    const std::string text = fmt::format("{:.{}g}", mid, digits);
    double v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec == std::errc() && end == text.data() + text.size() && lo < v && v < hi) return v;
  }
  return std::nextafter(hi, lo);  // not reached: 17 digits give the midpoint back
}

}  // namespace

std::optional<Cut> best_threshold(std::vector<Judged> pairs, size_t gold) {
  if (pairs.empty()) return std::nullopt;
  std::sort(pairs.begin(), pairs.end(), [](const Judged& a, const Judged& b) { return a.score > b.score; });
  std::optional<Cut> best;
  double best_next = 0;  // the next lower score after the best cut (the cut itself when none)
  Prf cur;
  cur.gold = gold;
  for (size_t i = 0; i < pairs.size();) {
    const double cut = pairs[i].score;
    for (; i < pairs.size() && pairs[i].score == cut; ++i) {
      ++cur.pairs;
      if (pairs[i].correct) ++cur.correct;
    }
    // Strictly better only: scores come in decreasing order, so the highest cut keeps a tie.
    if (!best || cur.f1() > best->prf.f1()) {
      best = Cut{cut, 0, cur};
      best_next = i < pairs.size() ? pairs[i].score : cut;
    }
  }
  // The --threshold value once, for the winner only (the search may improve many times).
  // Between two adjacent doubles there is nothing: just below the cut then, as with no lower score.
  const double cut = best->threshold;
  best->strict = best_next < cut && std::nextafter(best_next, cut) < cut
                     ? short_between(best_next, cut)
                     : std::nextafter(cut, -std::numeric_limits<double>::infinity());
  return best;
}

}  // namespace bitmill::eval
