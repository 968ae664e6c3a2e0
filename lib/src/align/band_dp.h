// The alignment's dynamic programme over a band of the (source, target) node grid.
//
// Node (X, Y) means "the first X source and Y target sentences are aligned". C(0, 0) = 0; the
// borders C(0, Y) = penalty Y and C(X, 0) = penalty X; elsewhere C(X, Y) is the least of
// C(X - x, Y - y) + the cost of bead (x, y) ending there, over the shapes in order (the first of
// equal costs wins), where a deletion or insertion costs the penalty. Only nodes inside the band
// exist; a band is given per source row X as the node columns [lo[X], hi[X]].
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "align/cost_model.h"

namespace bitmill::align {

struct Band {
  std::vector<uint32_t> lo, hi;  // per node row X = 0 .. S, inclusive, lo <= hi
};

// Every node: the exact programme.
Band full_band(size_t s, size_t t);

// One step of the best path: the bead of shape `shape` ending at node (x, y).
struct Step {
  uint32_t x = 0, y = 0;
  Shape shape;
};

// The least-cost path from (0, 0) to (S, T) within the band, in order. The band must contain
// (0, 0) and (S, T) and connect them (band_around() makes such bands).
std::vector<Step> band_dp(const CostModel& costs, const std::vector<Shape>& shapes, const Band& band, size_t s,
                          size_t t);

// The band of a level from the path of the level above it (half the size): each coarse step's
// box, doubled, then the node rows and columns within `margin` of it, and the rows and columns
// past the doubled end (an odd last sentence) up to (S, T).
Band band_around(const std::vector<Step>& coarse, size_t s, size_t t, size_t margin);

}  // namespace bitmill::align
