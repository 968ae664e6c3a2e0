// The pieces the two exact k-NN methods share (private to mine/): knn.cc has the f32 method and
// the entry point, knn_int8.cc the int8 method. Contracts as in bitmill/mine/knn.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "bitmill/mine/knn.h"

namespace bitmill::mine {

// Merges `rows` local lists (sorted, k entries each, kNoIdx-padded) into the global ones.
void merge_lists(const float* local_sim, const int64_t* local_idx, size_t rows, float* sim, int64_t* idx, size_t k);

// Rows [r0, r1) of r as f32, each scaled by its inverse norm, into out[(r1 - r0) x d].
void load_tile(const RowSet& r, const std::vector<float>& inv, size_t r0, size_t r1, float* out);

// The int8 method: fwd and bwd initialised (k_eff, padded), inv_x and inv_y from the rows'
// norms. Adds to `scored` the pairs it scored in f32.
void knn_int8(const RowSet& x, const RowSet& y, const KnnOptions& o, const std::vector<float>& inv_x,
              const std::vector<float>& inv_y, Neighbors& fwd, Neighbors& bwd, uint64_t& scored);

}  // namespace bitmill::mine
