#include "dedup/near_link.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <vector>

#include "dedup/near_sign_file.h"
#include "dedup/union_find.h"

namespace bitmill::dedup::detail {
namespace {

TEST_CASE("PairMemo: remembers results, forgets when full, never answers wrongly") {
  PairMemo memo(64 * 1024);  // 4096 slots: forgets every ~2800 pairs
  std::mt19937_64 rng(3);
  std::map<std::pair<uint64_t, uint64_t>, bool> truth;
  size_t remembered = 0;
  for (int i = 0; i < 20000; ++i) {
    const uint64_t a = rng() % 5000, b = a + 1 + rng() % 50;
    const int known = memo.find(a, b);
    const auto it = truth.find({a, b});
    if (known >= 0) {
      REQUIRE(it != truth.end());
      CHECK(known == (it->second ? 1 : 0));
      ++remembered;
      continue;
    }
    const bool same = (a * 31 + b) % 3 == 0;
    truth[{a, b}] = same;
    memo.insert(a, b, same);
    CHECK(memo.find(a, b) == (same ? 1 : 0));
  }
  CHECK(remembered > 0);
}

// Components of `edges` over n vertices by brute force: the least vertex of each one's component.
std::vector<uint64_t> components(const std::vector<std::pair<uint64_t, uint64_t>>& edges, uint64_t n) {
  UnionFind uf(n);
  for (const auto& [a, b] : edges) uf.unite(a, b);
  std::vector<uint64_t> root(n);
  for (uint64_t i = 0; i < n; ++i) root[i] = uf.find(i);
  return root;
}

TEST_CASE("spanning_forest: the same components, each vertex with its component's least") {
  std::mt19937_64 rng(5);
  for (int trial = 0; trial < 50; ++trial) {
    const uint64_t n = 2 + rng() % 300;
    std::vector<std::pair<uint64_t, uint64_t>> edges;
    for (uint64_t e = rng() % (2 * n); e > 0; --e) {
      uint64_t a = rng() % n, b = rng() % n;
      if (a == b) continue;
      edges.emplace_back(std::min(a, b), std::max(a, b));
    }
    const std::vector<uint64_t> want = components(edges, n);
    std::vector<std::pair<uint64_t, uint64_t>> copy = edges;
    const auto forest = spanning_forest(copy);
    CHECK(copy.empty());
    CHECK(std::is_sorted(forest.begin(), forest.end()));
    std::set<uint64_t> in_forest;
    for (const auto& [v, root] : forest) {
      CHECK(root < v);
      CHECK(want[v] == root);
      in_forest.insert(v);
    }
    // Every vertex that is not its component's least appears once.
    for (uint64_t v = 0; v < n; ++v) CHECK((want[v] != v) == (in_forest.count(v) == 1));
  }
}

TEST_CASE("ForestBuilder: reducing on the way gives the forest of all the edges") {
  std::mt19937_64 rng(9);
  for (size_t max_edges : {1, 3, 10, 1000}) {
    const uint64_t n = 200;
    std::vector<std::pair<uint64_t, uint64_t>> all;
    ForestBuilder b(max_edges);
    for (int e = 0; e < 400; ++e) {
      const uint64_t x = rng() % n, y = rng() % n;
      if (x == y) continue;
      all.emplace_back(std::min(x, y), std::max(x, y));
      b.add(std::min(x, y), std::max(x, y));
    }
    CHECK(b.take() == spanning_forest(all));
  }
}

TEST_CASE("link_bucket: the rule depends on the bucket alone") {
  // Similar when both ordinals are even, or they differ by 1.
  const auto sim = [](uint64_t a, uint64_t b) -> Expected<bool> { return (a % 2 == 0 && b % 2 == 0) || b - a == 1; };
  const std::vector<uint64_t> g = {3, 10, 12, 20, 21, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50};
  LinkCounts counts;
  PairMemo memo(1 << 16);
  std::vector<std::pair<uint64_t, uint64_t>> edges;
  const auto edge = [&](uint64_t a, uint64_t b) { edges.emplace_back(a, b); };
  REQUIRE(link_bucket(g, 0.5, memo, sim, edge, counts).is_ok());
  // 3 and 10: no earlier similar one for 10 (3 is odd); 12 -> 10; 20 -> 12; 21 -> 20; 40 -> 20;
  // ...; 50 -> 49.
  CHECK(std::count(edges.begin(), edges.end(), std::make_pair(uint64_t{10}, uint64_t{12})) == 1);
  CHECK(std::count(edges.begin(), edges.end(), std::make_pair(uint64_t{3}, uint64_t{10})) == 0);
  CHECK(std::count(edges.begin(), edges.end(), std::make_pair(uint64_t{20}, uint64_t{21})) == 1);
  // A second pass: every pair is remembered, no comparison, the same edges.
  const uint64_t compared = counts.compared;
  std::vector<std::pair<uint64_t, uint64_t>> first = edges;
  edges.clear();
  REQUIRE(link_bucket(g, 0.5, memo, sim, edge, counts).is_ok());
  CHECK(counts.compared == compared);
  CHECK(edges == first);
  // Without verification: every record with the first.
  edges.clear();
  REQUIRE(link_bucket(g, 0, memo, sim, edge, counts).is_ok());
  CHECK(edges.size() == g.size() - 1);
  for (const auto& [a, b] : edges) CHECK(a == 3);
}

}  // namespace
}  // namespace bitmill::dedup::detail
