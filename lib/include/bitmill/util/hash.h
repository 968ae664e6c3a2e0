// Content hashes for keys: XXH3 (xxHash 0.8), 64-bit by default and 128-bit on request.
//
// With 64-bit hashes the chance that two different keys among n collide is about n^2 / 2^65:
// 3e-8 for a million keys, 3% for a billion. Dedup over billions of keys should use 128 bits.
//
// Thread safety: pure functions.
#pragma once

#include <compare>
#include <cstdint>
#include <string_view>

namespace bitmill {

struct Hash128 {
  uint64_t lo = 0;
  uint64_t hi = 0;
  friend bool operator==(const Hash128&, const Hash128&) = default;
  friend auto operator<=>(const Hash128& a, const Hash128& b) {
    if (auto c = a.hi <=> b.hi; c != 0) return c;
    return a.lo <=> b.lo;
  }
};

uint64_t hash64(std::string_view bytes);
Hash128 hash128(std::string_view bytes);

// Hashes of the right width for a template over the hash type.
template <typename H>
H hash_as(std::string_view bytes);
template <>
inline uint64_t hash_as<uint64_t>(std::string_view b) {
  return hash64(b);
}
template <>
inline Hash128 hash_as<Hash128>(std::string_view b) {
  return hash128(b);
}

}  // namespace bitmill
