// Neighbour lists: for each query row, its k best rows of the other side, and the one order every
// list follows. Shared by the exact search (mine/knn.h), the shard merge (mine/knn_shard.h), FAISS
// searches (index/faiss_index.h) and the recall check, which must all produce the very same lists.
//
// Order: higher similarity first, then lower index; a list shorter than k is padded with
// (kNoSim, kNoIdx). That is a total order, so a list does not depend on how it was computed.
//
// Thread safety: plain values; the functions are pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace bitmill::vectors {

inline constexpr float kNoSim = -std::numeric_limits<float>::infinity();
inline constexpr int64_t kNoIdx = std::numeric_limits<int64_t>::max();

struct Neighbors {
  size_t rows = 0, k = 0;    // k is k_eff: at most the size of the other side
  std::vector<float> sim;    // rows x k, decreasing per row
  std::vector<int64_t> idx;  // rows x k, indices into the other side

  const float* sim_row(size_t i) const { return &sim[i * k]; }
  const int64_t* idx_row(size_t i) const { return &idx[i * k]; }
  // Mean similarity of row i's k neighbours (0 when k == 0), as numpy's mean of k < 8 f32 values.
  float mean(size_t i) const;
};

// (s, i) comes before (t, j) in a list.
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

}  // namespace bitmill::vectors
