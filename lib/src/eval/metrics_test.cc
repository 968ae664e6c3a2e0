#include "bitmill/eval/metrics.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

namespace bitmill::eval {
namespace {

TEST_CASE("percent and P/R/F1 against hand-computed values, 0 where a denominator is 0") {
  CHECK(percent(0, 0) == 0.0);
  CHECK(percent(1, 3) == doctest::Approx(33.333333));
  CHECK(percent(3, 3) == 100.0);
  struct Row {
    size_t pairs, correct, gold;
    double p, r, f1;
  };
  for (const Row& w : {
           Row{4, 3, 6, 75.0, 50.0, 60.0},  // 2 * 75 * 50 / 125
           Row{1, 1, 5, 100.0, 20.0, 100.0 / 3},
           Row{3, 2, 5, 200.0 / 3, 40.0, 50.0},
           Row{5, 0, 5, 0.0, 0.0, 0.0},
           Row{0, 0, 5, 0.0, 0.0, 0.0},  // nothing kept
           Row{2, 2, 2, 100.0, 100.0, 100.0},
       }) {
    CAPTURE(w.pairs);
    CAPTURE(w.correct);
    const Prf p{w.pairs, w.correct, w.gold};
    CHECK(p.precision() == doctest::Approx(w.p));
    CHECK(p.recall() == doctest::Approx(w.r));
    CHECK(p.f1() == doctest::Approx(w.f1));
  }
}

// Five pairs against five gold pairs, three of them correct.
const std::vector<Judged> kFive = {{1.0, true}, {1.2, true}, {0.9, false}, {1.1, false}, {1.1, true}};

TEST_CASE("at_threshold keeps scores strictly above T, everything without T") {
  struct Row {
    std::optional<double> t;
    size_t pairs, correct;
  };
  for (const Row& w : {Row{std::nullopt, 5, 3}, Row{0.5, 5, 3}, Row{0.9, 4, 3}, Row{1.0, 3, 2}, Row{1.1, 1, 1},
                       Row{1.2, 0, 0}, Row{-1e30, 5, 3}}) {
    CAPTURE(w.t.value_or(-1));
    const Prf p = at_threshold(kFive, 5, w.t);
    CHECK(p.pairs == w.pairs);
    CHECK(p.correct == w.correct);
    CHECK(p.gold == 5);
  }
}

TEST_CASE("best_threshold: the cut with the best F1 over distinct scores, kept as score >= cut") {
  struct Row {
    const char* what;
    std::vector<Judged> pairs;
    size_t gold;
    double cut;
    size_t pairs_kept, correct;
  };
  const std::vector<Row> rows = {
      // cuts 1.2: 1/1 -> F1 2/6; 1.1: 2/3 -> 4/8; 1.0: 3/4 -> 6/9; 0.9: 3/5 -> 6/10
      {"five pairs", kFive, 5, 1.0, 4, 3},
      // equal scores are kept or dropped together: the correct 1.0 cannot be taken alone
      {"tied scores", {{1.0, true}, {1.0, false}}, 1, 1.0, 2, 1},
      {"tied scores, the group hurts",
       {{2.0, true}, {1.0, true}, {1.0, false}, {1.0, false}, {1.0, false}},
       2,
       2.0,
       1,
       1},
      // cuts 4: 1/1 -> F1 2/3; 3: 2/4; 2: 2/5; 1: 2/4 of gold 2 -> F1 4/6 = 2/3, a tie: the higher cut
      {"tied F1", {{1.0, true}, {3.0, false}, {4.0, true}, {2.0, false}}, 2, 4.0, 1, 1},
      {"nothing correct: the highest cut", {{2.0, false}, {1.0, false}}, 3, 2.0, 1, 0},
      {"negative scores", {{-0.5, true}, {-0.25, false}}, 1, -0.5, 2, 1},
  };
  for (const Row& w : rows) {
    CAPTURE(w.what);
    const auto best = best_threshold(w.pairs, w.gold);
    REQUIRE(best.has_value());
    CHECK(best->threshold == w.cut);
    // --threshold strict keeps exactly the pairs of the cut.
    CHECK(best->strict < best->threshold);
    const Prf again = at_threshold(w.pairs, w.gold, best->strict);
    CHECK(again.pairs == best->prf.pairs);
    CHECK(again.correct == best->prf.correct);
    CHECK(best->prf.pairs == w.pairs_kept);
    CHECK(best->prf.correct == w.correct);
    CHECK(best->prf.gold == w.gold);
    // No cut does better, and the chosen one is what at_threshold-style counting gives.
    size_t kept = 0, correct = 0;
    for (const Judged& j : w.pairs) {
      if (j.score >= w.cut) {
        ++kept;
        correct += j.correct ? 1 : 0;
      }
    }
    CHECK(kept == w.pairs_kept);
    CHECK(correct == w.correct);
    for (const Judged& c : w.pairs) {
      const Prf p = at_threshold(w.pairs, w.gold, std::nextafter(c.score, -1e300));
      CHECK(p.f1() <= best->prf.f1());
    }
  }
  CHECK(!best_threshold({}, 3).has_value());

  // The --threshold is short: the fewest digits strictly between the cut and the next score.
  struct Short {
    double cut, next, strict;
  };
  for (const Short& c : std::vector<Short>{{1.25, 1.15, 1.2},
                                           {2.1131105, 2.0912971, 2.1},
                                           {1.2398487, 1.2398486, 1.23984865},
                                           {-0.5, -0.75, -0.6},
                                           {1.0, 0.0, 0.5},
                                           {1.0, std::nextafter(1.0, 0.0), std::nextafter(1.0, 0.0)},
                                           {1.7e308, -1.7e308, 0.0}}) {
    CAPTURE(c.cut);
    const auto b = best_threshold({{c.cut, true}, {c.next, false}}, 1);
    REQUIRE(b.has_value());
    CHECK(b->threshold == c.cut);
    CHECK(b->strict == c.strict);
    CHECK(at_threshold({{c.cut, true}, {c.next, false}}, 1, b->strict).pairs == 1);
  }
  const auto five = best_threshold(kFive, 5);
  CHECK(five->prf.precision() == 75.0);
  CHECK(five->prf.recall() == 60.0);
  CHECK(five->prf.f1() == doctest::Approx(200.0 / 3));
}

}  // namespace
}  // namespace bitmill::eval
