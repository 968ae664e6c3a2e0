// A read-only view of the rows to search: an embedding matrix, optionally restricted to a subset
// of its rows in a given order (bitmill-mine --unify keeps each distinct sentence's first row).
// Positions in a RowSet are what neighbour lists (vectors/neighbors.h) index.
//
// Thread safety: a view; the matrix and the subset must outlive it and stay unchanged.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "bitmill/io/embeddings.h"

namespace bitmill::vectors {

struct RowSet {
  const EmbeddingMatrix* matrix = nullptr;
  const std::vector<int64_t>* subset = nullptr;  // null: all rows

  size_t size() const { return subset != nullptr ? subset->size() : matrix->rows(); }
  size_t source_row(size_t i) const { return subset != nullptr ? static_cast<size_t>((*subset)[i]) : i; }
};

}  // namespace bitmill::vectors
