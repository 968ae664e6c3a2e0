// Union-find over record ordinals for near-duplicate clusters. Private to lib/src/dedup.
//
// A cluster's root is always its least ordinal (unite() hangs the larger root under the smaller),
// so the result does not depend on the order of the unions: the same edges give the same roots.
//
// Thread safety: none; one thread.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace bitmill::dedup::detail {

class UnionFind {
 public:
  explicit UnionFind(uint64_t n) : parent_(n) {
    for (uint64_t i = 0; i < n; ++i) parent_[i] = i;
  }

  uint64_t find(uint64_t x) {
    while (parent_[x] != x) {
      parent_[x] = parent_[parent_[x]];  // path halving
      x = parent_[x];
    }
    return x;
  }

  // Joins the clusters of a and b; returns false when they were one already.
  bool unite(uint64_t a, uint64_t b) {
    a = find(a);
    b = find(b);
    if (a == b) return false;
    if (b < a) std::swap(a, b);
    parent_[b] = a;
    return true;
  }

  uint64_t size() const { return parent_.size(); }
  static constexpr uint64_t kBytesPerRecord = sizeof(uint64_t);

 private:
  std::vector<uint64_t> parent_;
};

}  // namespace bitmill::dedup::detail
