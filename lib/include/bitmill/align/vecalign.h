// Sentence alignment of one document pair by Vecalign's method (Thompson & Koehn 2019): dynamic
// programming over the embedding similarity of concatenations of consecutive sentences, made
// linear in time and memory by a coarse-to-fine search.
//
// A side of the pair is held as overlap layers: layer n - 1 (n = 1 .. max_size - 1) row j is the
// unit embedding of sentences j - n + 1 .. j joined by spaces (rows j < n - 1 are unused). A bead
// (x, y) links x consecutive source sentences with y consecutive target sentences, 1 <= x, y and
// x + y <= max_size, or is a deletion (1, 0) or an insertion (0, 1). Its cost is
//   2 x y (1 - u.v) / (1e-6 + ns(u) + nt(v)),
// with ns(u) = 1 - mean of u's dot products with 100 sampled rows of the target side (and nt
// likewise), and a deletion or insertion costs the del_percentile quantile of the 1-1 costs of
// sampled sentence pairs. The alignment is the bead sequence of least total cost from the start
// of both documents to their end (ties: the first bead shape in the order (1,1), (1,2), ...,
// (2,1), ..., then (0,1), (1,0)).
//
// Deviations from the Python original, on purpose: the samples come from a fixed generator
// (splitmix64, seeded per document pair, so a pair's alignment does not depend on the others
// or on threads), only real overlap rows are sampled, the deletion penalty is the exact quantile
// of the sampled costs (linear between order statistics, numpy's default), and the band of the
// coarse-to-fine search is the projected coarse path's bounding boxes widened by search_buffer
// rows and columns.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace bitmill::align {

// The overlap embeddings of one side of a document pair.
struct Side {
  size_t len = 0;     // sentences
  size_t layers = 0;  // overlap sizes 1 .. layers
  size_t dim = 0;
  std::vector<float> rows;  // [layers][len][dim], unit rows

  const float* row(size_t layer, size_t j) const { return &rows[(layer * len + j) * dim]; }
};

struct Params {
  size_t max_size = 4;          // largest x + y of a bead (>= 2)
  double del_percentile = 0.2;  // in [0, 1]
  size_t max_full_dp = 300;     // the full DP runs while len_src * len_tgt <= max_full_dp^2
  size_t search_buffer = 5;     // the band's margin around the projected path, in sentences
  size_t norm_samples = 100;    // rows sampled for each side's normaliser
  size_t cost_samples = 20000;  // sentence pairs sampled for the deletion penalty
  uint64_t seed = 42;           // with the pair's index, seeds the samples
};

// One bead: source sentences [src_begin, src_begin + src_count), target likewise (a count of 0
// is a deletion or insertion), and the cosine similarity of the two overlap embeddings (0 for a
// deletion or insertion).
struct Bead {
  uint32_t src_begin = 0, src_count = 0, tgt_begin = 0, tgt_count = 0;
  float cosine = 0.0f;
};

// The alignment of src with tgt, beads in document order. src.layers and tgt.layers must be at
// least max_size - 1 and src.dim == tgt.dim. Memory and time are linear in len_src + len_tgt once
// the pair is larger than max_full_dp^2 sentences squared.
std::vector<Bead> align_pair(const Side& src, const Side& tgt, const Params& params, uint64_t pair_index);

// The same with the full dynamic programme at every size (quadratic): the reference that the
// coarse-to-fine search is tested against.
std::vector<Bead> align_pair_exact(const Side& src, const Side& tgt, const Params& params, uint64_t pair_index);

}  // namespace bitmill::align
