// The reference SGEMM: deliberately the plain triple loop, so that it is obviously right and the
// AVX2 kernel can be checked against it. It is also what runs on CPUs without AVX2.
#include "kernels/kernels_impl.h"

namespace bitmill::kernels::scalar {

void sgemm(bool trans_a, bool trans_b, size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda,
           const float* b, size_t ldb, float beta, float* c, size_t ldc) {
  // Strides of op(A) along (i, p) and of op(B) along (p, j): a transpose only swaps them.
  const size_t a_i = trans_a ? 1 : lda, a_p = trans_a ? lda : 1;
  const size_t b_p = trans_b ? 1 : ldb, b_j = trans_b ? ldb : 1;
  for (size_t i = 0; i < m; ++i) {
    for (size_t j = 0; j < n; ++j) {
      float sum = 0.0f;
      for (size_t p = 0; p < k; ++p) sum += a[i * a_i + p * a_p] * b[p * b_p + j * b_j];
      float& cij = c[i * ldc + j];
      // beta == 0 must not read C: it may hold NaN, and 0 * NaN is NaN.
      cij = beta == 0.0f ? alpha * sum : alpha * sum + beta * cij;
    }
  }
}

size_t packed_b_size(size_t k, size_t n) { return k * n; }

void pack_b_all(bool trans_b, size_t k, size_t n, const float* b, size_t ldb, float* dst) {
  for (size_t p = 0; p < k; ++p) {
    for (size_t j = 0; j < n; ++j) dst[p * n + j] = trans_b ? b[j * ldb + p] : b[p * ldb + j];
  }
}

void sgemm_packed(bool trans_a, size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda,
                  const float* packed, float beta, float* c, size_t ldc) {
  sgemm(trans_a, false, m, n, k, alpha, a, lda, packed, n, beta, c, ldc);
}

}  // namespace bitmill::kernels::scalar
