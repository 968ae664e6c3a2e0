// The costs of one resolution level of the alignment (vecalign.h states them): each side's
// normaliser, the deletion penalty, and a bead's cost.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "bitmill/align/vecalign.h"

namespace bitmill::align {

// A bead shape: x source and y target sentences (one of them may be 0).
struct Shape {
  uint32_t x = 0, y = 0;
};

// The shapes of beads up to max_size sentences in tie order: (1,1), (1,2), ... (x-major, y
// ascending), then (0,1), (1,0). With one_to_one, only (1,1), (0,1), (1,0).
std::vector<Shape> bead_shapes(size_t max_size, bool one_to_one);

class CostModel {
 public:
  // depth: the resolution level (0 the sentences), for the samples' streams.
  CostModel(const Side& src, const Side& tgt, const Params& params, uint64_t pair_index, uint64_t depth);

  double penalty() const { return penalty_; }
  // The cost of the bead of shape s (x, y >= 1) whose last sentences are i and j.
  double cost(Shape s, size_t i, size_t j) const;
  // The dot product of the bead's two overlap embeddings.
  float dot(Shape s, size_t i, size_t j) const;

 private:
  const Side& src_;
  const Side& tgt_;
  std::vector<double> ns_, nt_;  // [layer][j]
  double penalty_ = 0;
};

}  // namespace bitmill::align
