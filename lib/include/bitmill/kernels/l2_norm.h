// L2 normalisation of embedding rows: the one implementation that every area normalising a row
// uses (the encoders' output, the exact search, FAISS indexes and their queries, the filter's
// semantic rule). Two conventions, because two references fix the bits:
//  - l2_normalize / inverse_l2_norm: the squared norm summed in double in index order, then
//    1 / sqrt rounded once to f32 and applied as one f32 multiply per element; a zero row stays
//    zero. The exact k-NN search, the index builder and the searches all scale so, which is why a
//    Flat index reproduces the exact search's similarities bit for bit.
//  - l2_normalize_torch: torch.nn.functional.normalize (x / max(||x||, 1e-12), the norm rounded
//    to f32 first), as sentence-transformers' Normalize module computes it: bitmill-embed's rows
//    match the Python reference.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>

namespace bitmill::kernels {

// sum of x[i]^2 over [0, n), in double, in index order (NaN or infinity when x holds one, or
// when the sum overflows).
double sum_of_squares(const float* x, size_t n);

// The factor that scales a row of squared norm `ss` to unit length: float(1 / sqrt(ss)) for
// ss > 0 (0 for an infinite ss), 1 otherwise (a zero row stays zero; NaN stays NaN).
float inverse_l2_norm(double ss);

// Scales x[0, n) to unit L2 norm with inverse_l2_norm. Returns false, leaving x unchanged, when
// the squared norm is not finite (a NaN or an infinity in x, or an overflow).
bool l2_normalize(float* x, size_t n);

// x[0, n) <- x / max(||x||, 1e-12), as torch.nn.functional.normalize.
void l2_normalize_torch(float* x, size_t n);

}  // namespace bitmill::kernels
