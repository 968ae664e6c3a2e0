#include "bitmill/eval/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>

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

std::optional<Cut> best_threshold(std::vector<Judged> pairs, size_t gold) {
  if (pairs.empty()) return std::nullopt;
  std::sort(pairs.begin(), pairs.end(), [](const Judged& a, const Judged& b) { return a.score > b.score; });
  std::optional<Cut> best;
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
      const double below = i < pairs.size() ? (cut + pairs[i].score) / 2 : cut;
      // The midpoint of two adjacent doubles may round up to the cut itself.
      best = Cut{cut, below < cut ? below : std::nextafter(cut, -std::numeric_limits<double>::infinity()), cur};
    }
  }
  return best;
}

}  // namespace bitmill::eval
