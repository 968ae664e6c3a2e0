#include "bitmill/mine/margin.h"

#include <doctest/doctest.h>

namespace bitmill::mine {
namespace {

TEST_CASE("margins are LASER's: absolute a, distance a - b, ratio a / b, b the mean of both neighbourhoods") {
  struct Row {
    Margin m;
    float sim, fwd_mean, bwd_mean, want;
  };
  for (const Row r : {Row{Margin::kAbsolute, 0.8f, 0.5f, 0.7f, 0.8f}, Row{Margin::kDistance, 0.8f, 0.5f, 0.7f, 0.2f},
                      Row{Margin::kRatio, 0.9f, 0.5f, 0.7f, 1.5f}, Row{Margin::kRatio, -0.3f, 0.2f, 0.4f, -1.0f}}) {
    CHECK(margin_score(r.m, r.sim, r.fwd_mean, r.bwd_mean) == doctest::Approx(r.want).epsilon(1e-6));
  }
  CHECK(parse_margin("ratio").value() == Margin::kRatio);
  CHECK(!parse_margin("cosine").has_value());
  CHECK(parse_retrieval("intersect").value() == Retrieval::kIntersect);
  CHECK(!parse_retrieval("both").has_value());
}

// Two sources and two targets; target 0 is a hub (close to both sources).
//   fwd: s0 -> (t0 .9, t1 .5)   s1 -> (t0 .8, t1 .7)     means .70 .75
//   bwd: t0 -> (s0 .9, s1 .8)   t1 -> (s1 .7, s0 .5)     means .85 .60
Neighbors make(std::vector<float> sim, std::vector<int64_t> idx) {
  Neighbors n;
  n.rows = 2;
  n.k = 2;
  n.sim = std::move(sim);
  n.idx = std::move(idx);
  return n;
}

using Pairs = std::vector<std::pair<int64_t, int64_t>>;

Pairs pairs_of(const std::vector<ScoredPair>& v) {
  Pairs p;
  for (const auto& s : v) p.emplace_back(s.src, s.tgt);
  return p;
}

TEST_CASE("retrieval modes on a hub: the ratio margin undoes the hub, absolute does not") {
  const Neighbors fwd = make({0.9f, 0.5f, 0.8f, 0.7f}, {0, 1, 0, 1});
  const Neighbors bwd = make({0.9f, 0.8f, 0.7f, 0.5f}, {0, 1, 1, 0});
  struct Row {
    Margin m;
    Retrieval r;
    std::optional<float> threshold;
    Pairs want;
  };
  const std::vector<Row> rows = {
      {Margin::kRatio, Retrieval::kMax, {}, {{0, 0}, {1, 1}}},
      {Margin::kRatio, Retrieval::kFwd, {}, {{0, 0}, {1, 1}}},
      {Margin::kRatio, Retrieval::kBwd, {}, {{0, 0}, {1, 1}}},
      {Margin::kRatio, Retrieval::kIntersect, {}, {{0, 0}, {1, 1}}},
      {Margin::kRatio, Retrieval::kMax, 1.1f, {{0, 0}}},
      {Margin::kAbsolute, Retrieval::kFwd, {}, {{0, 0}, {1, 0}}},
      {Margin::kAbsolute, Retrieval::kBwd, {}, {{0, 0}, {1, 1}}},
      {Margin::kAbsolute, Retrieval::kIntersect, {}, {{0, 0}}},
      {Margin::kAbsolute, Retrieval::kMax, {}, {{0, 0}, {1, 1}}},  // (s1, t0) loses: t0 is taken
      {Margin::kAbsolute, Retrieval::kFwd, 0.85f, {{0, 0}}},       // the threshold applies in every mode
      {Margin::kAbsolute, Retrieval::kBwd, 0.9f, {}},              // strictly above
  };
  for (const Row& r : rows) {
    CAPTURE(static_cast<int>(r.m));
    CAPTURE(static_cast<int>(r.r));
    const auto got = mine_pairs(fwd, bwd, MineOptions{r.m, r.r, r.threshold});
    CHECK(pairs_of(got) == r.want);
    for (size_t i = 1; i < got.size(); ++i) CHECK(got[i - 1].score >= got[i].score);
  }
  const auto ratio = mine_pairs(fwd, bwd, MineOptions{});
  REQUIRE(ratio.size() == 2);
  CHECK(ratio[0].score == doctest::Approx(0.9 / 0.775).epsilon(1e-6));
  CHECK(ratio[1].score == doctest::Approx(0.7 / 0.675).epsilon(1e-6));
}

TEST_CASE("sort_pairs: score decreasing, then source, then target") {
  std::vector<ScoredPair> v = {{1.0f, 3, 1}, {2.0f, 5, 5}, {1.0f, 2, 9}, {1.0f, 2, 4}};
  sort_pairs(v);
  CHECK(pairs_of(v) == Pairs{{5, 5}, {2, 4}, {2, 9}, {3, 1}});
}

}  // namespace
}  // namespace bitmill::mine

namespace bitmill::mine {

TEST_CASE("mining options and summary: the command line's words, and the line bitmill-mine logs") {
  auto mo = parse_mine_options("distance", "intersect", 1.5f);
  REQUIRE(mo.has_value());
  CHECK(mo->margin == Margin::kDistance);
  CHECK(mo->retrieval == Retrieval::kIntersect);
  CHECK(mo->threshold == 1.5f);
  CHECK_FALSE(parse_mine_options("cosine", "max", std::nullopt).has_value());
  CHECK_FALSE(parse_mine_options("ratio", "both", std::nullopt).has_value());
  CHECK(parse_knn_method("int8") == KnnMethod::kInt8);
  CHECK(parse_knn_method("f32") == KnnMethod::kF32);
  CHECK(parse_knn_method("auto") == KnnMethod::kAuto);

  CHECK(mining_summary(false, 1234, 1000, 3000, 4, "ratio", "max", std::nullopt) ==
        "mined: 1,234 pairs from 1,000 x 3,000 sentences (k = 4, ratio margin, max retrieval)");
  CHECK(mining_summary(true, 7, 7, 7, 2, "absolute", "max", 0.25f) ==
        "scored: 7 pairs from 7 x 7 sentences (k = 2, absolute margin, score > 0.25)");
}

}  // namespace bitmill::mine
