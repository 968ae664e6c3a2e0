#include "dedup/flat_hash_set.h"

#include <doctest/doctest.h>

#include <random>
#include <set>

namespace bitmill::dedup {
namespace {

TEST_CASE_TEMPLATE("FlatHashSet agrees with std::set, across growth", H, uint64_t, Hash128) {
  FlatHashSet<H> s(16);
  std::set<H> ref;
  std::mt19937_64 rng(3);
  for (int i = 0; i < 20000; ++i) {
    H h{};
    if constexpr (std::is_same_v<H, uint64_t>)
      h = rng() % 5000;  // many repeats, and 0 itself
    else
      h = H{rng() % 5000, rng() % 2};
    h = FlatHashSet<H>::sanitize(h);
    if (s.full()) s.grow();
    CHECK(s.insert(h) == ref.insert(h).second);
  }
  CHECK(s.size() == ref.size());
  const std::vector<H> sorted = std::move(s).take_sorted();
  CHECK(std::vector<H>(ref.begin(), ref.end()) == sorted);
}

}  // namespace
}  // namespace bitmill::dedup
