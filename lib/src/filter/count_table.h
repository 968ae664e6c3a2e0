// Hashing for the web rules' duplicate counts (private to lib/src/filter): a hash table of 64-bit
// keys that clears in O(1), and the key of a word n-gram (strings are hashed with util/hash.h).
//
// Thread safety: a CountTable belongs to one thread (it lives in WebScratch).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "bitmill/util/hash.h"

namespace bitmill::filter::web {

// A hash table of 64-bit keys with a count and the index of the first insertion. Cleared in O(1) by
// bumping a generation; sized per use to twice the elements it may receive.

class CountTable {
 public:
  struct Slot {
    uint64_t key;
    uint32_t gen;
    uint32_t count;
    uint64_t first;
  };

  void reset(size_t elements) {
    size_t cap = 16;
    while (cap < 2 * elements) cap <<= 1;
    if (slots_.size() < cap) slots_.resize(cap, Slot{0, 0, 0, 0});
    mask_ = cap - 1;
    if (++gen_ == 0) {
      for (Slot& s : slots_) s.gen = 0;
      gen_ = 1;
    }
  }

  // The slot of `key`, inserted with count 0 when new.
  Slot& find(uint64_t key) {
    size_t i = key & mask_;
    for (;;) {
      Slot& s = slots_[i];
      if (s.gen != gen_) {
        s = Slot{key, gen_, 0, 0};
        return s;
      }
      if (s.key == key) return s;
      i = (i + 1) & mask_;
    }
  }

  uint32_t index_of(const Slot& s) const { return static_cast<uint32_t>(&s - slots_.data()); }
  const Slot& at(uint32_t i) const { return slots_[i]; }

  // True when `key` was not in the table (and now is).
  bool insert(uint64_t key) {
    Slot& s = find(key);
    if (s.count != 0) return false;
    s.count = 1;
    return true;
  }

 private:
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  uint32_t gen_ = 0;
};

// The key of a word n-gram: a polynomial of its tokens' XXH3 hashes, sum h[j] * P^(n - 1 - j)
// mod 2^64 (n multiplications instead of hashing n * 8 bytes). The hashes are uniform, so two
// different n-grams collide with probability about 2^-64, and the low bits, which index the
// table, are uniform too.
inline uint64_t ngram_key(const uint64_t* h, size_t n) {
  constexpr uint64_t kP = 0x9E3779B97F4A7C15ull;  // odd
  uint64_t k = 0;
  for (size_t j = 0; j < n; ++j) k = k * kP + h[j];
  return k;
}

}  // namespace bitmill::filter::web
