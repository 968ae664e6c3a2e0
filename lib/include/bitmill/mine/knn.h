// Exact k nearest neighbours by cosine similarity, both ways, in one pass over X·Yᵀ.
//
// Rows are L2-normalised on the fly (a zero row stays zero), so the similarity is the cosine, as
// LASER's mine_bitexts.py computes it after faiss.normalize_L2. X and Y are cut into tiles of
// `tile` rows; every (X tile, Y tile) pair is one task: convert both to f32, one GEMM, then the
// tile's best k per row (forward, x → y) and per column (backward, y → x) are merged into the
// global lists. Memory: the two neighbour lists (16 bytes per row per neighbour) plus three
// tile-sized f32 buffers per thread, whatever the sizes of X and Y; the matrices stay mapped.
//
// Order and ties: a list holds the k_eff = min(k, rows of the other side) best neighbours in
// decreasing similarity, equal similarities by increasing index. That is a total order, and a
// similarity's bits do not depend on the tile it was computed in, so the lists are identical for
// any thread count and tile size.
//
// Thread safety: knn_both() runs oneTBB tasks (under the caller's thread limit) and is re-entrant.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "bitmill/base/status.h"
#include "bitmill/io/embeddings.h"

namespace bitmill::mine {

struct Neighbors {
  size_t rows = 0, k = 0;    // k is k_eff
  std::vector<float> sim;    // rows x k, decreasing per row
  std::vector<int64_t> idx;  // rows x k, indices into the other side

  const float* sim_row(size_t i) const { return &sim[i * k]; }
  const int64_t* idx_row(size_t i) const { return &idx[i * k]; }
  // Mean similarity of row i's k neighbours (0 when k == 0), accumulated in double.
  float mean(size_t i) const;
};

struct KnnOptions {
  size_t k = 4;
  size_t tile = 2048;     // rows per tile on each side
  bool normalize = true;  // false: raw inner products
};

// A read-only view of the rows to search: an embedding matrix, optionally restricted to a subset
// of its rows in a given order (--unify keeps each distinct sentence's first row).
struct RowSet {
  const EmbeddingMatrix* matrix = nullptr;
  const std::vector<int64_t>* subset = nullptr;  // null: all rows

  size_t size() const { return subset != nullptr ? subset->size() : matrix->rows(); }
  size_t source_row(size_t i) const { return subset != nullptr ? static_cast<size_t>((*subset)[i]) : i; }
};

// Forward lists (for each row of x, its neighbours in y) and backward lists (for each row of y,
// its neighbours in x). Indices are positions in the RowSets. Errors: the dimensions differ, or
// k == 0.
Status knn_both(const RowSet& x, const RowSet& y, const KnnOptions& opts, Neighbors& fwd, Neighbors& bwd);

// Cosine (inner product with normalize = false) of row i of x and row j of y: a plain f32 dot
// product of the normalised rows, for scoring given pairs. It may differ from the similarity that
// knn_both() computes for the same pair in the last bits (a different summation order).
float similarity(const RowSet& x, size_t i, const RowSet& y, size_t j, bool normalize);

}  // namespace bitmill::mine
