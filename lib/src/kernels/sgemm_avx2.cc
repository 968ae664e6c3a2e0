// SGEMM for AVX2 + FMA: a 6 x 16 micro-kernel under the blocked driver of sgemm_driver.h, and
// m == 1 without packing (row_times_matrix).
#include <immintrin.h>

#include <algorithm>
#include <memory>
#include <new>

#include "kernels/avx2_common.h"
#include "kernels/kernels_impl.h"
#include "kernels/sgemm_driver.h"

namespace bitmill::kernels::avx2 {
namespace {

// 6 x 16: 12 ymm accumulators, 2 for the B row and 1 for the A broadcast use 15 of the 16
// registers; per k step 12 FMAs against 2 loads and 6 broadcasts, which keeps both FMA pipes of
// Zen 3/4 and Haswell-class cores busy without saturating the load ports.
constexpr size_t kMr = 6;
constexpr size_t kNr = 16;
// KC: a B strip (KC x 16 floats = 16 KiB) must stay in the 32 KiB L1 next to the A strip and C.
constexpr size_t kKc = 256;
// MC: the packed A block (MC x KC floats = 144 KiB) stays in L2 while all B strips pass by.
constexpr size_t kMc = 144;
// NC: the packed B block (KC x NC floats = 4 MiB) is only meant for L3; it is large so that A is
// packed as few times as possible.
constexpr size_t kNc = 4096;

// How a micro-tile's sum is merged into C: C = alpha * sum + beta * C, where beta is the caller's
// for the first KC block and 1 for the later ones (they add to what the first one wrote).
struct Merge {
  __m256 alpha;
  __m256 beta;
  float beta_value;
};

// alpha * acc + beta * C for the 8 floats at c (only the lanes of `mask` when Masked: the edge
// of C, whose other lanes may lie past the matrix).
template <bool Masked>
inline __m256 merge(const Merge& mg, __m256 acc, const float* c, __m256i mask = __m256i{}) {
  if (mg.beta_value == 0.0f) return _mm256_mul_ps(mg.alpha, acc);  // C is not read
  const __m256 old = Masked ? _mm256_maskload_ps(c, mask) : _mm256_loadu_ps(c);
  if (mg.beta_value == 1.0f) return _mm256_fmadd_ps(mg.alpha, acc, old);
  return _mm256_fmadd_ps(mg.alpha, acc, _mm256_mul_ps(mg.beta, old));
}

// C[mr x nr] (mr <= 6, nr <= 16) merged with the 6 x 16 product of a packed A strip and a
// packed B strip over kc steps. Only the first mr rows and nr columns of C are touched.
// Not inlined: the loop needs 15 of the 16 ymm registers, and inlining into the block loops would
// only give the register allocator reasons to spill.
__attribute__((noinline)) void micro_kernel(size_t kc, const float* __restrict a, const float* __restrict b, float* c,
                                            size_t ldc, const Merge& mg, size_t mr, size_t nr) {
  __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
  __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
  __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
  __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
  __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps();
  __m256 c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();

  // Warm the C tile now so that its misses overlap with the arithmetic, not the final merge.
  for (size_t r = 0; r < mr; ++r) {
    _mm_prefetch(reinterpret_cast<const char*>(c + r * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(c + r * ldc + 15), _MM_HINT_T0);
  }

  // The six rows written out one by one on purpose: 12 named accumulators stay in registers.
#pragma GCC unroll 4
  for (size_t p = 0; p < kc; ++p) {
    const __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8);
    __m256 av = _mm256_broadcast_ss(a + 0);
    c00 = _mm256_fmadd_ps(av, b0, c00);
    c01 = _mm256_fmadd_ps(av, b1, c01);
    av = _mm256_broadcast_ss(a + 1);
    c10 = _mm256_fmadd_ps(av, b0, c10);
    c11 = _mm256_fmadd_ps(av, b1, c11);
    av = _mm256_broadcast_ss(a + 2);
    c20 = _mm256_fmadd_ps(av, b0, c20);
    c21 = _mm256_fmadd_ps(av, b1, c21);
    av = _mm256_broadcast_ss(a + 3);
    c30 = _mm256_fmadd_ps(av, b0, c30);
    c31 = _mm256_fmadd_ps(av, b1, c31);
    av = _mm256_broadcast_ss(a + 4);
    c40 = _mm256_fmadd_ps(av, b0, c40);
    c41 = _mm256_fmadd_ps(av, b1, c41);
    av = _mm256_broadcast_ss(a + 5);
    c50 = _mm256_fmadd_ps(av, b0, c50);
    c51 = _mm256_fmadd_ps(av, b1, c51);
    a += kMr;
    b += kNr;
  }

  const __m256 acc[kMr][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
  if (nr == kNr) {
    for (size_t r = 0; r < mr; ++r) {
      float* row = c + r * ldc;
      _mm256_storeu_ps(row, merge<false>(mg, acc[r][0], row));
      _mm256_storeu_ps(row + 8, merge<false>(mg, acc[r][1], row + 8));
    }
    return;
  }
  const __m256i m0 = lane_mask(std::min<size_t>(nr, 8)), m1 = lane_mask(nr > 8 ? nr - 8 : 0);
  for (size_t r = 0; r < mr; ++r) {
    float* row = c + r * ldc;
    _mm256_maskstore_ps(row, m0, merge<true>(mg, acc[r][0], row, m0));
    if (nr > 8) _mm256_maskstore_ps(row + 8, m1, merge<true>(mg, acc[r][1], row + 8, m1));
  }
}

inline void merge_scalar(float sum, float alpha, float beta, float* c) {
  *c = beta == 0.0f ? alpha * sum : alpha * sum + beta * *c;
}

// m == 1: each element of B is used once, so packing B (a full pass over it) would cost as much
// as the product itself and leave the micro-kernel 5/6 idle; stream B instead.
void row_times_matrix(bool trans_a, bool trans_b, size_t n, size_t k, float alpha, const float* a, size_t lda,
                      const float* b, size_t ldb, float beta, float* c) {
  Buffer<float> a_row;
  if (trans_a) {  // the row of op(A) is a column of A: gather it once
    a_row = allocate<float>(k);
    for (size_t p = 0; p < k; ++p) a_row[p] = a[p * lda];
    a = a_row.get();
  }
  const size_t k8 = k / 8 * 8;
  const __m256i k_tail = lane_mask(k - k8);
  if (trans_b) {
    // c[j] = a . (row j of B), four rows at a time so that four accumulators hide the FMA latency.
    for (size_t j0 = 0; j0 < n; j0 += 4) {
      const size_t rows = std::min<size_t>(4, n - j0);
      const float* bj[4];
      for (size_t q = 0; q < 4; ++q) bj[q] = b + (j0 + std::min(q, rows - 1)) * ldb;  // repeats past n: harmless
      __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
      for (size_t p = 0; p < k8; p += 8) {
        const __m256 av = _mm256_loadu_ps(a + p);
        for (size_t q = 0; q < 4; ++q) acc[q] = _mm256_fmadd_ps(av, _mm256_loadu_ps(bj[q] + p), acc[q]);
      }
      if (k8 < k) {
        const __m256 av = _mm256_maskload_ps(a + k8, k_tail);
        for (size_t q = 0; q < 4; ++q) acc[q] = _mm256_fmadd_ps(av, _mm256_maskload_ps(bj[q] + k8, k_tail), acc[q]);
      }
      for (size_t q = 0; q < rows; ++q) merge_scalar(hsum(acc[q]), alpha, beta, c + j0 + q);
    }
    return;
  }
  // c = sum over p of a[p] * (row p of B), accumulated in a scratch row (C may not be read when
  // beta == 0, and must get alpha applied once at the end).
  const size_t n8 = n / 8 * 8;
  const __m256i n_tail = lane_mask(n - n8);
  Buffer<float> acc = allocate<float>(n8 + 8);
  std::fill(acc.get(), acc.get() + n8 + 8, 0.0f);
  for (size_t p = 0; p < k; ++p) {
    const __m256 av = _mm256_set1_ps(a[p]);
    const float* row = b + p * ldb;
    for (size_t j = 0; j < n8; j += 8) {
      _mm256_store_ps(acc.get() + j, _mm256_fmadd_ps(av, _mm256_loadu_ps(row + j), _mm256_load_ps(acc.get() + j)));
    }
    if (n8 < n) {
      const __m256 bv = _mm256_maskload_ps(row + n8, n_tail);
      _mm256_store_ps(acc.get() + n8, _mm256_fmadd_ps(av, bv, _mm256_load_ps(acc.get() + n8)));
    }
  }
  for (size_t j = 0; j < n; ++j) merge_scalar(acc[j], alpha, beta, c + j);
}

// The driver's view of this file's micro-kernel.
struct Kernel {
  static constexpr size_t kMr = avx2::kMr, kNr = avx2::kNr, kKc = avx2::kKc, kMc = avx2::kMc, kNc = avx2::kNc;
  // pack_strips<6> writes 2 floats past its last strip.
  static constexpr size_t kASlack = 2;
  using Merge = avx2::Merge;
  static Merge make_merge(float alpha, float beta) { return Merge{_mm256_set1_ps(alpha), _mm256_set1_ps(beta), beta}; }
  static void micro_kernel(size_t kc, const float* a, const float* b, float* c, size_t ldc, const Merge& mg, size_t mr,
                           size_t nr) {
    avx2::micro_kernel(kc, a, b, c, ldc, mg, mr, nr);
  }
};
using Driver = SgemmDriver<Kernel>;

}  // namespace

void sgemm(bool trans_a, bool trans_b, size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda,
           const float* b, size_t ldb, float beta, float* c, size_t ldc) {
  if (m == 1 && n > 0 && k > 0) {
    row_times_matrix(trans_a, trans_b, n, k, alpha, a, lda, b, ldb, beta, c);
    return;
  }
  Driver::gemm(trans_a, m, n, k, alpha, a, lda, BSource{nullptr, trans_b, b, ldb}, beta, c, ldc);
}

size_t packed_b_size(size_t k, size_t n) { return Driver::packed_b_size(k, n); }

void pack_b_all(bool trans_b, size_t k, size_t n, const float* b, size_t ldb, float* dst) {
  Driver::pack_b_all(trans_b, k, n, b, ldb, dst);
}

void sgemm_packed(bool trans_a, size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda,
                  const float* packed, float beta, float* c, size_t ldc) {
  Driver::gemm(trans_a, m, n, k, alpha, a, lda, BSource{packed, false, nullptr, 0}, beta, c, ldc);
}

}  // namespace bitmill::kernels::avx2
