// Evaluation metrics of bitext retrieval and mining, all as percentages.
//
// Mining (BUCC): a mined pair is correct when the gold standard holds it. For `pairs` kept pairs
// of which `correct` are in a gold standard of `gold` pairs:
//   precision = 100 c / p,  recall = 100 c / g,  F1 = 2 P R / (P + R) = 100 * 2c / (p + g)
// with 0 for a quotient whose denominator is 0 (no pairs kept, or no correct pair).
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

namespace bitmill::eval {

// 100 * part / whole; 0 when whole == 0.
double percent(size_t part, size_t whole);

struct Prf {
  size_t pairs = 0;    // pairs kept
  size_t correct = 0;  // of those, pairs in the gold standard
  size_t gold = 0;     // gold pairs

  double precision() const { return percent(correct, pairs); }
  double recall() const { return percent(correct, gold); }
  double f1() const;
};

// A mined pair with its score, judged against the gold standard.
struct Judged {
  double score = 0;
  bool correct = false;
};

// The pairs whose score is strictly above `threshold`; all pairs without one.
Prf at_threshold(const std::vector<Judged>& pairs, size_t gold, std::optional<double> threshold);

struct Cut {
  double threshold = 0;  // pairs with score >= threshold are kept
  // A --threshold value (kept: score > strict) that keeps the same pairs: the number with the fewest
  // significant digits between the cut and the next lower score (their midpoint, which LASER's
  // bucc.py reports, rounded as far as it stays strictly between them); just below the cut when no
  // lower score exists.
  double strict = 0;
  Prf prf;
};

// The score cut that maximises F1, searched over every distinct score (so pairs with equal scores
// are kept or dropped together). Among cuts with the same F1 the highest wins (fewest pairs), as
// in LASER's bucc.py. None when there are no pairs.
std::optional<Cut> best_threshold(std::vector<Judged> pairs, size_t gold);

}  // namespace bitmill::eval
