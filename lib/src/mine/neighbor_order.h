// The order of neighbour lists (see bitmill/mine/knn.h): higher similarity first, then lower
// index, padded with (kNoSim, kNoIdx). Shared by the search, the shard merge and the index recall
// check, which must all reproduce the very same lists.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

namespace bitmill::mine {

inline constexpr float kNoSim = -std::numeric_limits<float>::infinity();
inline constexpr int64_t kNoIdx = std::numeric_limits<int64_t>::max();

inline bool better(float s, int64_t i, float t, int64_t j) { return s > t || (s == t && i < j); }

// Inserts (s, id) into the sorted list (sims, ids) of length k; requires it to beat the last.
inline void insert(float* sims, int64_t* ids, size_t k, float s, int64_t id) {
  size_t p = k - 1;
  while (p > 0 && better(s, id, sims[p - 1], ids[p - 1])) {
    sims[p] = sims[p - 1];
    ids[p] = ids[p - 1];
    --p;
  }
  sims[p] = s;
  ids[p] = id;
}

}  // namespace bitmill::mine
