// An open-addressing set of hash values (impl detail of exact dedup).
//
// Keys are already uniformly distributed hashes, so their low bits index the table directly and
// probing is linear. The all-zero value marks an empty slot: a key equal to zero is stored as 1,
// which merges two of 2^64 (or 2^128) possible values, well below the collision rate anyway.
//
// Thread safety: none; one thread owns a set.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "bitmill/util/hash.h"

namespace bitmill::dedup {

template <typename H>
class FlatHashSet {
 public:
  explicit FlatHashSet(size_t initial_slots = size_t{1} << 16) : slots_(initial_slots) {}

  static H sanitize(H h) {
    if (h == H{}) {
      if constexpr (std::is_same_v<H, uint64_t>)
        return 1;
      else
        return H{1, 0};
    }
    return h;
  }

  // Inserts `h` (sanitised); true when it was not present.
  bool insert(H h) {
    size_t i = index(h);
    for (;;) {
      H& s = slots_[i];
      if (s == H{}) {
        s = h;
        ++size_;
        return true;
      }
      if (s == h) return false;
      i = (i + 1) & (slots_.size() - 1);
    }
  }

  void prefetch(H h) const { __builtin_prefetch(&slots_[index(h)]); }

  // True when one more insert would pass the load limit (0.7).
  bool full() const { return (size_ + 1) * 10 > slots_.size() * 7; }
  size_t bytes() const { return slots_.size() * sizeof(H); }
  size_t size() const { return size_; }

  void grow() {
    std::vector<H> old(slots_.size() * 2);
    old.swap(slots_);
    size_ = 0;
    for (const H& h : old) {
      if (!(h == H{})) insert(h);
    }
  }

  // Moves the keys to the front of the table, sorts them, and hands them out in order. The set is
  // unusable afterwards (this avoids a second copy when spilling a full table).
  std::vector<H> take_sorted() && {
    auto end = std::remove(slots_.begin(), slots_.end(), H{});
    slots_.erase(end, slots_.end());
    std::sort(slots_.begin(), slots_.end());
    size_ = 0;
    return std::move(slots_);
  }

 private:
  size_t index(H h) const {
    if constexpr (std::is_same_v<H, uint64_t>)
      return h & (slots_.size() - 1);
    else
      return h.lo & (slots_.size() - 1);
  }

  std::vector<H> slots_;
  size_t size_ = 0;
};

}  // namespace bitmill::dedup
