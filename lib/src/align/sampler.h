// The fixed generator behind the alignment's samples: splitmix64 (Steele, Lea and Flood 2014),
// one stream per (seed, document pair, depth, purpose), so that a pair's alignment depends on
// nothing but its own inputs. Index draws are next() mod n (the bias, below 2^-40 for the sizes
// here, is part of the definition). tests/reference/align_reference.py draws the same numbers.
#pragma once

#include <cstdint>

namespace bitmill::align {

class Sampler {
 public:
  // purpose: 0 the source normaliser, 1 the target normaliser, 2 the deletion penalty's pairs.
  Sampler(uint64_t seed, uint64_t pair_index, uint64_t depth, uint64_t purpose)
      : state_(seed ^ (0x9E3779B97F4A7C15ull * (1 + (pair_index << 8) + (depth << 2) + purpose))) {}

  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint64_t index(uint64_t n) { return next() % n; }

 private:
  uint64_t state_;
};

}  // namespace bitmill::align
