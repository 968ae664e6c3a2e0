// AVX-512 versions of the row-wise ops of the encoder (GELU, softmax, LayerNorm): 16 lanes, with
// the tails of every row through masked loads and stores, so that every element goes through the
// same instructions. exp and erf are vec_math.h's, the same lane-wise operations as AVX2's, so
// gelu_erf gives AVX2's bits; softmax and LayerNorm sum in another order (to rounding).
#include <immintrin.h>

// GCC 12 flags the _mm512_undefined_* placeholders inside its own AVX-512 intrinsics (masked
// loads, cvt) as maybe-uninitialized: a false positive in the header, not in this code.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels/kernels_impl.h"
#include "kernels/vec_math.h"

namespace bitmill::kernels::avx512 {
namespace {

// The vector type of vec_math.h: 16 lanes.
struct V16 {
  using F = __m512;
  using I = __m512i;
  using M = __mmask16;
  static F set1(float v) { return _mm512_set1_ps(v); }
  static F min(F a, F b) { return _mm512_min_ps(a, b); }
  static F max(F a, F b) { return _mm512_max_ps(a, b); }
  static F add(F a, F b) { return _mm512_add_ps(a, b); }
  static F mul(F a, F b) { return _mm512_mul_ps(a, b); }
  static F fmadd(F a, F b, F c) { return _mm512_fmadd_ps(a, b, c); }
  static F fnmadd(F a, F b, F c) { return _mm512_fnmadd_ps(a, b, c); }
  static F round(F a) { return _mm512_roundscale_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
  static I cvt(F a) { return _mm512_cvtps_epi32(a); }
  static I srai1(I a) { return _mm512_srai_epi32(a, 1); }
  static I slli23(I a) { return _mm512_slli_epi32(a, 23); }
  static I isub(I a, I b) { return _mm512_sub_epi32(a, b); }
  static I iadd(I a, I b) { return _mm512_add_epi32(a, b); }
  static I iset1(int v) { return _mm512_set1_epi32(v); }
  static F as_float(I a) { return _mm512_castsi512_ps(a); }
  static F and_(F a, F b) { return _mm512_and_ps(a, b); }
  static F or_(F a, F b) { return _mm512_or_ps(a, b); }
  static F xor_(F a, F b) { return _mm512_xor_ps(a, b); }
  static F andnot(F a, F b) { return _mm512_andnot_ps(a, b); }
  static M is_nan(F a) { return _mm512_cmp_ps_mask(a, a, _CMP_UNORD_Q); }
  static M lt(F a, F b) { return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ); }
  static F select(M m, F a, F b) { return _mm512_mask_blend_ps(m, b, a); }
};

// Lanes [0, min(n, 16)).
inline __mmask16 lanes(size_t n) {
  return n >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << n) - 1u);
}

}  // namespace

void erf_inplace(float* x, size_t n) {
  for (size_t i = 0; i < n; i += 16) {
    const __mmask16 m = lanes(n - i);
    _mm512_mask_storeu_ps(x + i, m, verf<V16>(_mm512_maskz_loadu_ps(m, x + i)));
  }
}

void exp_inplace(float* x, size_t n) {
  for (size_t i = 0; i < n; i += 16) {
    const __mmask16 m = lanes(n - i);
    _mm512_mask_storeu_ps(x + i, m, vexp<V16>(_mm512_maskz_loadu_ps(m, x + i)));
  }
}

void gelu_erf(float* x, size_t n) {
  for (size_t i = 0; i < n; i += 16) {
    const __mmask16 m = lanes(n - i);
    _mm512_mask_storeu_ps(x + i, m, vgelu<V16>(_mm512_maskz_loadu_ps(m, x + i)));
  }
}

void layer_norm(float* x, size_t rows, size_t cols, size_t ld, const float* gamma, const float* beta, float eps) {
  if (cols == 0) return;
  const float n = static_cast<float>(cols);
  for (size_t r = 0; r < rows; ++r) {
    float* row = x + r * ld;
    // Masked-off lanes load as 0: they add nothing to the sum, and are kept out of the squares.
    __m512 acc = _mm512_setzero_ps();
    for (size_t j = 0; j < cols; j += 16) acc = _mm512_add_ps(acc, _mm512_maskz_loadu_ps(lanes(cols - j), row + j));
    const float mean = _mm512_reduce_add_ps(acc) / n;
    const __m512 vmean = _mm512_set1_ps(mean);
    acc = _mm512_setzero_ps();
    for (size_t j = 0; j < cols; j += 16) {
      const __mmask16 m = lanes(cols - j);
      const __m512 d = _mm512_maskz_sub_ps(m, _mm512_maskz_loadu_ps(m, row + j), vmean);
      acc = _mm512_fmadd_ps(d, d, acc);
    }
    const float rstd = 1.0f / std::sqrt(_mm512_reduce_add_ps(acc) / n + eps);
    const __m512 vrstd = _mm512_set1_ps(rstd);
    for (size_t j = 0; j < cols; j += 16) {
      const __mmask16 m = lanes(cols - j);
      const __m512 v = _mm512_mul_ps(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, row + j), vmean), vrstd);
      _mm512_mask_storeu_ps(
          row + j, m, _mm512_fmadd_ps(v, _mm512_maskz_loadu_ps(m, gamma + j), _mm512_maskz_loadu_ps(m, beta + j)));
    }
  }
}

void softmax_rows(float* x, size_t rows, size_t cols, size_t ld, size_t valid) {
  valid = std::min(valid, cols);
  const __m512 neg_inf = _mm512_set1_ps(-std::numeric_limits<float>::infinity());
  for (size_t r = 0; r < rows; ++r) {
    float* row = x + r * ld;
    if (valid > 0) {
      __m512 mx = neg_inf;
      // Masked loads: the lanes past the row are neither read (no fault past the allocation) nor
      // counted (they load as -inf).
      for (size_t j = 0; j < valid; j += 16) {
        mx = _mm512_max_ps(mx, _mm512_mask_loadu_ps(neg_inf, lanes(valid - j), row + j));
      }
      const __m512 vmax = _mm512_set1_ps(_mm512_reduce_max_ps(mx));
      // The sum in double, as in the reference and the AVX2 code.
      __m512d sum0 = _mm512_setzero_pd(), sum1 = _mm512_setzero_pd();
      for (size_t j = 0; j < valid; j += 16) {
        const __mmask16 m = lanes(valid - j);
        const __m512 e = _mm512_maskz_mov_ps(m, vexp<V16>(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, row + j), vmax)));
        _mm512_mask_storeu_ps(row + j, m, e);
        sum0 = _mm512_add_pd(sum0, _mm512_cvtps_pd(_mm512_castps512_ps256(e)));
        sum1 = _mm512_add_pd(sum1, _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(e), 1))));
      }
      const __m512 inv = _mm512_set1_ps(static_cast<float>(1.0 / _mm512_reduce_add_pd(_mm512_add_pd(sum0, sum1))));
      for (size_t j = 0; j < valid; j += 16) {
        const __mmask16 m = lanes(valid - j);
        _mm512_mask_storeu_ps(row + j, m, _mm512_mul_ps(_mm512_maskz_loadu_ps(m, row + j), inv));
      }
    }
    std::fill(row + valid, row + cols, 0.0f);
  }
}

}  // namespace bitmill::kernels::avx512
