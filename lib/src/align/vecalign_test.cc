#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <random>
#include <vector>

#include "align/band_dp.h"
#include "align/cost_model.h"
#include "bitmill/align/vecalign.h"

namespace bitmill::align {
namespace {

// A side from per-sentence vectors: layer n - 1 row j is the unit sum of sentences j - n + 1 .. j
// (a concatenation's embedding, in this synthetic world, is about the sum of its parts).
Side make_side(const std::vector<std::vector<float>>& sent, size_t layers) {
  Side s;
  s.len = sent.size();
  s.layers = layers;
  s.dim = sent.empty() ? 8 : sent[0].size();
  s.rows.assign(layers * s.len * s.dim, 0.0f);
  for (size_t l = 0; l < layers; ++l) {
    for (size_t j = l; j < s.len; ++j) {
      float* r = &s.rows[(l * s.len + j) * s.dim];
      double ss = 0;
      for (size_t d = 0; d < s.dim; ++d) {
        for (size_t k = j - l; k <= j; ++k) r[d] += sent[k][d];
        ss += static_cast<double>(r[d]) * static_cast<double>(r[d]);
      }
      for (size_t d = 0; d < s.dim; ++d) r[d] = static_cast<float>(static_cast<double>(r[d]) / std::sqrt(ss));
    }
  }
  return s;
}

// A document pair from gold beads: every source sentence has a random meaning; a target sentence
// is the sum of the meanings of the source sentences of its bead (split evenly when a bead has
// several target sentences) plus noise; inserted target sentences are random.
struct Pair {
  Side src, tgt;
  std::vector<Bead> gold;
};

Pair make_pair(const std::vector<std::pair<uint32_t, uint32_t>>& shapes, size_t dim, float noise, std::mt19937& rng) {
  std::normal_distribution<float> normal(0.0f, 1.0f);
  auto random_vec = [&] {
    std::vector<float> v(dim);
    for (float& x : v) x = normal(rng);
    return v;
  };
  std::vector<std::vector<float>> src, tgt;
  Pair p;
  for (auto [x, y] : shapes) {
    Bead b{static_cast<uint32_t>(src.size()), x, static_cast<uint32_t>(tgt.size()), y, 0.0f};
    std::vector<float> sum(dim, 0.0f);
    for (uint32_t i = 0; i < x; ++i) {
      src.push_back(random_vec());
      for (size_t d = 0; d < dim; ++d) sum[d] += src.back()[d];
    }
    for (uint32_t k = 0; k < y; ++k) {
      std::vector<float> v = x == 0 ? random_vec() : sum;
      for (size_t d = 0; d < dim; ++d) v[d] = v[d] / static_cast<float>(x == 0 ? 1 : y) + noise * normal(rng);
      tgt.push_back(v);
    }
    p.gold.push_back(b);
  }
  p.src = make_side(src, 3);
  p.tgt = make_side(tgt, 3);
  return p;
}

double path_cost(const std::vector<Bead>& beads, const CostModel& costs) {
  double total = 0;
  for (const Bead& b : beads) {
    total += b.src_count == 0 || b.tgt_count == 0
                 ? costs.penalty()
                 : costs.cost({b.src_count, b.tgt_count}, b.src_begin + b.src_count - 1, b.tgt_begin + b.tgt_count - 1);
  }
  return total;
}

bool same_beads(const std::vector<Bead>& a, const std::vector<Bead>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].src_begin != b[i].src_begin || a[i].src_count != b[i].src_count || a[i].tgt_begin != b[i].tgt_begin ||
        a[i].tgt_count != b[i].tgt_count)
      return false;
  }
  return true;
}

TEST_CASE("bead_shapes: x + y <= max_size in tie order, then insertion and deletion") {
  const auto s = bead_shapes(4, false);
  const std::vector<std::pair<uint32_t, uint32_t>> want{{1, 1}, {1, 2}, {1, 3}, {2, 1}, {2, 2}, {3, 1}, {0, 1}, {1, 0}};
  REQUIRE(s.size() == want.size());
  for (size_t i = 0; i < s.size(); ++i) {
    CHECK(s[i].x == want[i].first);
    CHECK(s[i].y == want[i].second);
  }
  CHECK(bead_shapes(2, false).size() == 3);
  CHECK(bead_shapes(4, true).size() == 3);
}

// The exact programme against every alignment of small documents, enumerated.
TEST_CASE("align_pair_exact finds the least-cost alignment of every small pair (brute force)") {
  std::mt19937 rng(1);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  const Params params;
  const auto shapes = bead_shapes(params.max_size, false);
  for (int t = 0; t < 60; ++t) {
    const size_t ns = rng() % 6, nt = rng() % 6;
    std::vector<std::vector<float>> a(ns, std::vector<float>(8)), b(nt, std::vector<float>(8));
    for (auto& v : a)
      for (float& x : v) x = normal(rng);
    for (auto& v : b)
      for (float& x : v) x = normal(rng);
    const Side src = make_side(a, 3), tgt = make_side(b, 3);
    const CostModel costs(src, tgt, params, t, 0);
    double best = std::numeric_limits<double>::infinity();
    std::vector<Bead> cur;
    std::function<void(size_t, size_t)> walk = [&](size_t x, size_t y) {
      if (x == ns && y == nt) {
        best = std::min(best, path_cost(cur, costs));
        return;
      }
      for (const Shape& s : shapes) {
        if (x + s.x > ns || y + s.y > nt) continue;
        cur.push_back(Bead{static_cast<uint32_t>(x), s.x, static_cast<uint32_t>(y), s.y, 0.0f});
        walk(x + s.x, y + s.y);
        cur.pop_back();
      }
    };
    walk(0, 0);
    const auto got = align_pair_exact(src, tgt, params, t);
    CAPTURE(ns);
    CAPTURE(nt);
    CHECK(std::fabs(path_cost(got, costs) - best) <= 1e-9 * (1 + best));
    // The beads tile both documents in order.
    uint32_t x = 0, y = 0;
    for (const Bead& bd : got) {
      CHECK(bd.src_begin == x);
      CHECK(bd.tgt_begin == y);
      x += bd.src_count;
      y += bd.tgt_count;
    }
    CHECK(x == ns);
    CHECK(y == nt);
  }
}

std::vector<std::pair<uint32_t, uint32_t>> random_shapes(size_t beads, std::mt19937& rng) {
  std::vector<std::pair<uint32_t, uint32_t>> out;
  for (size_t i = 0; i < beads; ++i) {
    const unsigned r = rng() % 100;
    out.emplace_back(r < 80   ? std::pair<uint32_t, uint32_t>{1, 1}
                     : r < 87 ? std::pair<uint32_t, uint32_t>{2, 1}
                     : r < 94 ? std::pair<uint32_t, uint32_t>{1, 2}
                     : r < 97 ? std::pair<uint32_t, uint32_t>{1, 0}
                              : std::pair<uint32_t, uint32_t>{0, 1});
  }
  return out;
}

// Synthetic documents in which a concatenation's embedding is the sum of its parts: there a
// deleted sentence costs less merged into its neighbour's bead than deleted (as it often does
// with real encoders, which is vecalign's known weakness), so only the shapes with content on
// both sides are held to a rate; the deletions' rate is reported.
TEST_CASE("align_pair recovers one-to-one, merged and split sentences of synthetic documents") {
  std::mt19937 rng(2);
  const Params params;
  size_t right = 0, total = 0;
  size_t by[4][4] = {}, ok[4][4] = {};
  for (int t = 0; t < 10; ++t) {
    const Pair p = make_pair(random_shapes(60, rng), 32, 0.3f, rng);
    const auto got = align_pair(p.src, p.tgt, params, t);
    for (const Bead& g : p.gold) {
      ++total;
      ++by[g.src_count][g.tgt_count];
      for (const Bead& b : got) {
        right += same_beads({b}, {g}) ? 1 : 0;
        ok[g.src_count][g.tgt_count] += same_beads({b}, {g}) ? 1 : 0;
      }
    }
  }
  for (int x = 0; x < 3; ++x) {
    for (int y = 0; y < 3; ++y) {
      if (by[x][y] == 0) continue;
      CAPTURE(x);
      CAPTURE(y);
      MESSAGE(x, "-", y, " beads recovered: ", ok[x][y], " of ", by[x][y]);
      if (x > 0 && y > 0) CHECK(static_cast<double>(ok[x][y]) >= 0.9 * static_cast<double>(by[x][y]));
    }
  }
  CHECK(static_cast<double>(right) >= 0.85 * static_cast<double>(total));
}

TEST_CASE("coarse-to-fine gives the exact programme's alignment where both run") {
  std::mt19937 rng(3);
  for (int t = 0; t < 12; ++t) {
    const Pair p = make_pair(random_shapes(40 + rng() % 160, rng), 32, 0.4f, rng);
    Params exact, coarse;
    coarse.max_full_dp = 8 + rng() % 24;  // forces one to five halvings
    const auto want = align_pair_exact(p.src, p.tgt, exact, t);
    const auto got = align_pair(p.src, p.tgt, coarse, t);
    CAPTURE(p.src.len);
    CAPTURE(coarse.max_full_dp);
    // Same sentence-level costs (depth 0 samples do not depend on max_full_dp), so the same path
    // unless the band cut the optimum off.
    CHECK(same_beads(got, want));
  }
}

TEST_CASE("empty and one-sentence documents") {
  std::mt19937 rng(4);
  const Params params;
  const Pair one = make_pair({{1, 1}}, 8, 0.1f, rng);
  const auto b = align_pair(one.src, one.tgt, params, 0);
  REQUIRE(b.size() == 1);
  CHECK(b[0].src_count == 1);
  CHECK(b[0].tgt_count == 1);
  Side empty;
  empty.layers = 3;
  empty.dim = one.src.dim;
  const auto dels = align_pair(one.src, empty, params, 0);
  REQUIRE(dels.size() == 1);
  CHECK(dels[0].src_count == 1);
  CHECK(dels[0].tgt_count == 0);
  CHECK(align_pair(empty, empty, params, 0).empty());
}

}  // namespace
}  // namespace bitmill::align
