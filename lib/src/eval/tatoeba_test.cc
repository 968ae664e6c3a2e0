#include "bitmill/eval/tatoeba.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>

#include "testing/npy.h"
#include "testing/test_util.h"

// Failed comparisons of whole counts print their fields.
template <>
struct doctest::StringMaker<bitmill::eval::RetrievalCounts> {
  static doctest::String convert(const bitmill::eval::RetrievalCounts& c) {
    const std::string s = "{n " + std::to_string(c.n) + ", k " + std::to_string(c.k) + ", cos " +
                          std::to_string(c.cos_src2tgt) + "/" + std::to_string(c.cos_tgt2src) + ", margin " +
                          std::to_string(c.margin_src2tgt) + "/" + std::to_string(c.margin_tgt2src) + "}";
    return s.c_str();
  }
};

namespace bitmill::eval {
namespace {

using testing::TempDir;
using testing::write_npy;

vectors::Neighbors make(size_t rows, size_t k, std::vector<float> sim, std::vector<int64_t> idx) {
  vectors::Neighbors n;
  n.rows = rows;
  n.k = k;
  n.sim = std::move(sim);
  n.idx = std::move(idx);
  return n;
}

TEST_CASE("count_self counts the rows that retrieve their own index") {
  CHECK(count_self({}) == 0);
  CHECK(count_self({0, 1, 2}) == 3);
  CHECK(count_self({1, 0, 2}) == 1);
  CHECK(count_self({-1, 1}) == 1);
}

// Two pairs; target 0 is a hub (close to both sources), as in margin_test.cc.
//   fwd: s0 -> (t0 .9, t1 .5)   s1 -> (t0 .8, t1 .7)     means .70 .75
//   bwd: t0 -> (s0 .9, s1 .8)   t1 -> (s1 .7, s0 .5)     means .85 .60
// Cosine: s1 retrieves the hub t0. Ratio margin: s1 -> t0 .8 / .8 = 1.0, s1 -> t1 .7 / .675 = 1.04.
TEST_CASE("retrieval on a hub: cosine fails once, the ratio margin recovers it") {
  const auto fwd = make(2, 2, {0.9f, 0.5f, 0.8f, 0.7f}, {0, 1, 0, 1});
  const auto bwd = make(2, 2, {0.9f, 0.8f, 0.7f, 0.5f}, {0, 1, 1, 0});
  CHECK(retrieve_cosine(fwd) == std::vector<int64_t>{0, 0});
  CHECK(retrieve_cosine(bwd) == std::vector<int64_t>{0, 1});
  CHECK(retrieve_margin(fwd, bwd, mine::Margin::kRatio) == std::vector<int64_t>{0, 1});
  CHECK(retrieve_margin(bwd, fwd, mine::Margin::kRatio) == std::vector<int64_t>{0, 1});
  // The absolute margin is the cosine among the k candidates.
  CHECK(retrieve_margin(fwd, bwd, mine::Margin::kAbsolute) == std::vector<int64_t>{0, 0});
  const RetrievalCounts want{
      .n = 2, .k = 2, .cos_src2tgt = 1, .cos_tgt2src = 2, .margin_src2tgt = 2, .margin_tgt2src = 2};
  CHECK(score_retrieval(fwd, bwd) == want);
}

TEST_CASE("margin ties go to the first candidate, a translation outside the k candidates is an error") {
  struct Row {
    const char* what;
    vectors::Neighbors lists, other;
    std::vector<int64_t> want;
  };
  const std::vector<Row> rows = {
      // equal similarities and equal means: equal scores, the first candidate wins
      {"tie",
       make(2, 2, {0.5f, 0.5f, 0.5f, 0.5f}, {0, 1, 0, 1}),
       make(2, 2, {0.5f, 0.5f, 0.5f, 0.5f}, {0, 1, 0, 1}),
       {0, 0}},
      // row 2's candidates (k = 1) do not include target 2
      {"outside", make(3, 1, {0.9f, 0.9f, 0.8f}, {0, 1, 0}), make(3, 1, {0.9f, 0.9f, 0.1f}, {0, 1, 2}), {0, 1, 0}},
  };
  for (const Row& r : rows) {
    CAPTURE(r.what);
    CHECK(retrieve_margin(r.lists, r.other, mine::Margin::kRatio) == r.want);
  }
}

// A naive evaluation in double, from the full similarity matrix: LASER's xsim.py, both ways.
RetrievalCounts naive(const std::vector<float>& x, const std::vector<float>& y, size_t n, size_t d, size_t k) {
  std::vector<double> s(n * n);
  auto norm = [d](const float* r) {
    double a = 0;
    for (size_t c = 0; c < d; ++c) a += static_cast<double>(r[c]) * static_cast<double>(r[c]);
    return std::sqrt(a);
  };
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) {
      double dot = 0;
      for (size_t c = 0; c < d; ++c) dot += static_cast<double>(x[i * d + c]) * static_cast<double>(y[j * d + c]);
      s[i * n + j] = dot / (norm(&x[i * d]) * norm(&y[j * d]));
    }
  }
  auto sim = [&](bool fwd, size_t i, size_t j) { return fwd ? s[i * n + j] : s[j * n + i]; };
  auto knn = [&](bool fwd, size_t i) {
    std::vector<size_t> order(n);
    for (size_t j = 0; j < n; ++j) order[j] = j;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return sim(fwd, i, a) > sim(fwd, i, b); });
    order.resize(std::min(k, n));
    return order;
  };
  auto mean = [&](bool fwd, size_t i) {
    double m = 0;
    for (size_t j : knn(fwd, i)) m += sim(fwd, i, j);
    return m / static_cast<double>(std::min(k, n));
  };
  RetrievalCounts c;
  c.n = n;
  c.k = std::min(k, n);
  for (int dir = 0; dir < 2; ++dir) {
    const bool fwd = dir == 0;
    for (size_t i = 0; i < n; ++i) {
      const auto cand = knn(fwd, i);
      const bool cos_ok = cand[0] == i;
      size_t best = cand[0];
      double best_score = -1e300;
      for (size_t j : cand) {
        const double score = sim(fwd, i, j) / ((mean(fwd, i) + mean(!fwd, j)) / 2);
        if (score > best_score) {
          best_score = score;
          best = j;
        }
      }
      (fwd ? c.cos_src2tgt : c.cos_tgt2src) += cos_ok ? 1 : 0;
      (fwd ? c.margin_src2tgt : c.margin_tgt2src) += best == i ? 1 : 0;
    }
  }
  return c;
}

TEST_CASE("evaluate_aligned matches a naive evaluation on noisy translations") {
  TempDir dir;
  std::mt19937 rng(11);
  std::normal_distribution<float> g;
  struct Case {
    size_t n, d, k;
    float noise;
  };
  for (const Case& cs : {Case{40, 8, 4, 0.9f}, Case{25, 4, 3, 0.6f}, Case{3, 5, 4, 0.5f}, Case{1, 3, 4, 1.0f}}) {
    CAPTURE(cs.n);
    std::vector<float> x(cs.n * cs.d), y(cs.n * cs.d);
    for (auto& v : x) v = g(rng);
    for (size_t i = 0; i < y.size(); ++i) y[i] = x[i] + cs.noise * g(rng);
    const auto mx = write_npy(dir.file("x.npy"), x, cs.n, cs.d);
    const auto my = write_npy(dir.file("y.npy"), y, cs.n, cs.d);
    const auto got = evaluate_aligned(mx, my, cs.k);
    REQUIRE(got.has_value());
    const RetrievalCounts want = naive(x, y, cs.n, cs.d, cs.k);
    CHECK(got->n == want.n);
    CHECK(got->k == want.k);
    CHECK(got->cos_src2tgt == want.cos_src2tgt);
    CHECK(got->cos_tgt2src == want.cos_tgt2src);
    CHECK(got->margin_src2tgt == want.margin_src2tgt);
    CHECK(got->margin_tgt2src == want.margin_tgt2src);
    if (cs.n == 40) CHECK(want.cos_src2tgt < 40);  // the case is not trivial
  }
}

TEST_CASE("evaluate_aligned: different row counts or dimensions, or no rows, are data errors naming the files") {
  TempDir dir;
  const auto a = write_npy(dir.file("a.npy"), std::vector<float>(6, 1.0f), 3, 2);
  const auto b = write_npy(dir.file("b.npy"), std::vector<float>(4, 1.0f), 2, 2);
  const auto c = write_npy(dir.file("c.npy"), std::vector<float>(9, 1.0f), 3, 3);
  const auto e = write_npy(dir.file("e.npy"), {}, 0, 2);
  struct Row {
    const EmbeddingMatrix *x, *y;
    const char* message;
  };
  for (const Row& r : {Row{&a, &b, "a.npy has 3 rows but "}, Row{&a, &c, "a.npy has dimension 2 but "},
                       Row{&e, &e, "e.npy: no rows to evaluate"}}) {
    const auto got = evaluate_aligned(*r.x, *r.y, 4);
    REQUIRE(!got.has_value());
    CHECK(got.status().code() == StatusCode::kDataError);
    CAPTURE(got.status().message());
    CHECK(got.status().message().find(r.message) != std::string::npos);
  }
}

}  // namespace
}  // namespace bitmill::eval
