// Exact k nearest neighbours by cosine similarity, both ways, in one pass over X·Yᵀ.
//
// Two methods give the same neighbours (up to ties closer than f32 rounding):
//  - f32: every similarity from one f32 GEMM per tile pair.
//  - int8 (the default where the CPU has AVX-512 VNNI, which multiplies int8 four times as fast as
//    f32): every product is first computed exactly on the rows quantised to int8, and bounded:
//    |x.y - x'.y'| <= |x| |y - y'| + |x - x'| (|y| + |y - y'|) from the quantisation errors (plus a
//    margin for f32 rounding). Only a pair whose bound reaches the k-th best similarity found so far
//    for its row or its column can enter a list; it alone is scored in f32, as dot_f32 of the two
//    normalised rows, and that is its similarity. So the lists are exactly the top k by those f32
//    similarities: the int8 pass only decides what need not be scored.
//
// Rows are L2-normalised on the fly (a zero row stays zero), so the similarity is the cosine, as
// LASER's mine_bitexts.py computes it after faiss.normalize_L2. X and Y are cut into tiles of
// `tile` rows; every (X tile, Y tile) pair is one task: convert both to f32, one GEMM, then the
// tile's best k per row (forward, x → y) and per column (backward, y → x) are merged into the
// global lists. Memory: the two neighbour lists (16 bytes per row per neighbour) plus three
// tile-sized f32 buffers per thread, whatever the sizes of X and Y; the matrices stay mapped. The
// int8 method also holds up to 256 MiB of Y quantised at a time (one pass over X per such block).
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
#include <string>
#include <vector>

#include "bitmill/base/status.h"
#include "bitmill/io/embeddings.h"
#include "bitmill/vectors/neighbors.h"
#include "bitmill/vectors/row_set.h"

namespace bitmill::mine {

using vectors::Neighbors;
using vectors::RowSet;

enum class KnnMethod { kAuto, kF32, kInt8 };

// kAuto resolves to kInt8 where the kernels run at the AVX-512 level, kF32 otherwise. kInt8 runs on
// any CPU (through the scalar int8 product, slowly).
KnnMethod resolve(KnnMethod m);
const char* knn_method_name(KnnMethod m);
// "f32" and "int8"; anything else (the command line offers "auto") is kAuto.
KnnMethod parse_knn_method(const std::string& s);

struct KnnOptions {
  size_t k = 4;
  size_t tile = 2048;     // rows per tile on each side
  bool normalize = true;  // false: raw inner products
  KnnMethod method = KnnMethod::kAuto;
};

// What a search did, for logs and tests.
struct KnnStats {
  KnnMethod method = KnnMethod::kF32;
  uint64_t scored = 0;  // int8: pairs scored in f32 (the rest were ruled out by their bound)
};

// Forward lists (for each row of x, its neighbours in y) and backward lists (for each row of y,
// its neighbours in x). Indices are positions in the RowSets. Errors: the dimensions differ, or
// k == 0.
Status knn_both(const RowSet& x, const RowSet& y, const KnnOptions& opts, Neighbors& fwd, Neighbors& bwd,
                KnnStats* stats = nullptr);

// Cosine (inner product with normalize = false) of row i of x and row j of y: dot_f32 of the
// normalised rows, for scoring given pairs. It is the similarity the int8 method gives the same
// pair, bit for bit; the f32 method's may differ in the last bits (a different summation order).
float similarity(const RowSet& x, size_t i, const RowSet& y, size_t j, bool normalize);

}  // namespace bitmill::mine
