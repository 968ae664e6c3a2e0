// AVX2 + FMA versions of the row-wise ops, with the vectorised exp and erf of vec_math.h.
//
// Row tails are done with masked loads and stores rather than a scalar loop, so that every
// element goes through the same instructions (a scalar tail here could be contracted into FMAs
// differently from the vector body and break the bitwise agreement with the reference).
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "kernels/avx2_common.h"
#include "kernels/kernels_impl.h"
#include "kernels/vec_math.h"

namespace bitmill::kernels::avx2 {
namespace {

// The vector type of vec_math.h: 8 lanes.
struct V8 {
  using F = __m256;
  using I = __m256i;
  using M = __m256;  // a comparison's all-ones lanes
  static F set1(float v) { return _mm256_set1_ps(v); }
  static F min(F a, F b) { return _mm256_min_ps(a, b); }
  static F max(F a, F b) { return _mm256_max_ps(a, b); }
  static F add(F a, F b) { return _mm256_add_ps(a, b); }
  static F mul(F a, F b) { return _mm256_mul_ps(a, b); }
  static F fmadd(F a, F b, F c) { return _mm256_fmadd_ps(a, b, c); }
  static F fnmadd(F a, F b, F c) { return _mm256_fnmadd_ps(a, b, c); }
  static F round(F a) { return _mm256_round_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
  static I cvt(F a) { return _mm256_cvtps_epi32(a); }
  static I srai1(I a) { return _mm256_srai_epi32(a, 1); }
  static I slli23(I a) { return _mm256_slli_epi32(a, 23); }
  static I isub(I a, I b) { return _mm256_sub_epi32(a, b); }
  static I iadd(I a, I b) { return _mm256_add_epi32(a, b); }
  static I iset1(int v) { return _mm256_set1_epi32(v); }
  static F as_float(I a) { return _mm256_castsi256_ps(a); }
  static F and_(F a, F b) { return _mm256_and_ps(a, b); }
  static F or_(F a, F b) { return _mm256_or_ps(a, b); }
  static F xor_(F a, F b) { return _mm256_xor_ps(a, b); }
  static F andnot(F a, F b) { return _mm256_andnot_ps(a, b); }
  static M is_nan(F a) { return _mm256_cmp_ps(a, a, _CMP_UNORD_Q); }
  static M lt(F a, F b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
  static F select(M m, F a, F b) { return _mm256_blendv_ps(b, a, m); }
};

inline __m256 exp8(__m256 x) { return vexp<V8>(x); }
inline __m256 erf8(__m256 x) { return verf<V8>(x); }

// Applies f to x[0, n) eight lanes at a time, the tail through a masked load and store.
template <typename F>
void map_inplace(float* x, size_t n, F f) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(x + i, f(_mm256_loadu_ps(x + i)));
  if (i < n) {
    const __m256i m = lane_mask(n - i);
    _mm256_maskstore_ps(x + i, m, f(_mm256_maskload_ps(x + i, m)));
  }
}

}  // namespace

void erf_inplace(float* x, size_t n) { map_inplace(x, n, erf8); }
void exp_inplace(float* x, size_t n) { map_inplace(x, n, exp8); }

void gelu_erf(float* x, size_t n) { map_inplace(x, n, vgelu<V8>); }

void layer_norm(float* x, size_t rows, size_t cols, size_t ld, const float* gamma, const float* beta, float eps) {
  if (cols == 0) return;
  const float n = static_cast<float>(cols);
  const size_t body = cols / 8 * 8;
  const __m256i tail = lane_mask(cols - body);
  for (size_t r = 0; r < rows; ++r) {
    float* row = x + r * ld;
    // Two accumulators hide the add latency; the order differs from the reference's, which is
    // exact on the tests' integer inputs and within rounding otherwise.
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    size_t j = 0;
    for (; j + 16 <= body; j += 16) {
      acc0 = _mm256_add_ps(acc0, _mm256_loadu_ps(row + j));
      acc1 = _mm256_add_ps(acc1, _mm256_loadu_ps(row + j + 8));
    }
    if (j < body) acc0 = _mm256_add_ps(acc0, _mm256_loadu_ps(row + j));
    acc1 = _mm256_add_ps(acc1, _mm256_maskload_ps(row + body, tail));
    const float mean = hsum(_mm256_add_ps(acc0, acc1)) / n;

    const __m256 vmean = _mm256_set1_ps(mean);
    acc0 = _mm256_setzero_ps();
    acc1 = _mm256_setzero_ps();
    for (j = 0; j + 16 <= body; j += 16) {
      const __m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(row + j), vmean);
      const __m256 d1 = _mm256_sub_ps(_mm256_loadu_ps(row + j + 8), vmean);
      acc0 = _mm256_fmadd_ps(d0, d0, acc0);
      acc1 = _mm256_fmadd_ps(d1, d1, acc1);
    }
    if (j < body) {
      const __m256 d = _mm256_sub_ps(_mm256_loadu_ps(row + j), vmean);
      acc0 = _mm256_fmadd_ps(d, d, acc0);
    }
    // Masked-off lanes load as 0 and would contribute mean^2: clear them.
    const __m256 dt =
        _mm256_and_ps(_mm256_sub_ps(_mm256_maskload_ps(row + body, tail), vmean), _mm256_castsi256_ps(tail));
    acc1 = _mm256_fmadd_ps(dt, dt, acc1);
    const float rstd = 1.0f / std::sqrt(hsum(_mm256_add_ps(acc0, acc1)) / n + eps);

    const __m256 vrstd = _mm256_set1_ps(rstd);
    auto normalise = [&](__m256 v, __m256 g, __m256 b) {
      return _mm256_fmadd_ps(_mm256_mul_ps(_mm256_sub_ps(v, vmean), vrstd), g, b);
    };
    for (j = 0; j < body; j += 8) {
      _mm256_storeu_ps(row + j,
                       normalise(_mm256_loadu_ps(row + j), _mm256_loadu_ps(gamma + j), _mm256_loadu_ps(beta + j)));
    }
    if (body < cols) {
      _mm256_maskstore_ps(row + body, tail,
                          normalise(_mm256_maskload_ps(row + body, tail), _mm256_maskload_ps(gamma + body, tail),
                                    _mm256_maskload_ps(beta + body, tail)));
    }
  }
}

void softmax_rows(float* x, size_t rows, size_t cols, size_t ld, size_t valid) {
  valid = std::min(valid, cols);
  const size_t body = valid / 8 * 8;
  const __m256i tail = lane_mask(valid - body);
  const __m256 tail_f = _mm256_castsi256_ps(tail);
  const __m256 neg_inf = _mm256_set1_ps(-std::numeric_limits<float>::infinity());
  for (size_t r = 0; r < rows; ++r) {
    float* row = x + r * ld;
    if (valid > 0) {
      __m256 mx = _mm256_blendv_ps(neg_inf, _mm256_maskload_ps(row + body, tail), tail_f);
      for (size_t j = 0; j < body; j += 8) mx = _mm256_max_ps(mx, _mm256_loadu_ps(row + j));
      const __m256 vmax = _mm256_set1_ps(hmax(mx));

      // The sum in double, as in the reference: a float sum of a few hundred terms would carry
      // more error than exp does, and the widening is cheap next to exp.
      __m256d sum0 = _mm256_setzero_pd(), sum1 = _mm256_setzero_pd();
      auto add = [&](__m256 e) {
        sum0 = _mm256_add_pd(sum0, _mm256_cvtps_pd(_mm256_castps256_ps128(e)));
        sum1 = _mm256_add_pd(sum1, _mm256_cvtps_pd(_mm256_extractf128_ps(e, 1)));
      };
      for (size_t j = 0; j < body; j += 8) {
        const __m256 e = exp8(_mm256_sub_ps(_mm256_loadu_ps(row + j), vmax));
        _mm256_storeu_ps(row + j, e);
        add(e);
      }
      if (body < valid) {
        const __m256 e = _mm256_and_ps(exp8(_mm256_sub_ps(_mm256_maskload_ps(row + body, tail), vmax)), tail_f);
        _mm256_maskstore_ps(row + body, tail, e);
        add(e);
      }

      const __m256 inv = _mm256_set1_ps(static_cast<float>(1.0 / hsum(_mm256_add_pd(sum0, sum1))));
      for (size_t j = 0; j < body; j += 8) _mm256_storeu_ps(row + j, _mm256_mul_ps(_mm256_loadu_ps(row + j), inv));
      if (body < valid) {
        _mm256_maskstore_ps(row + body, tail, _mm256_mul_ps(_mm256_maskload_ps(row + body, tail), inv));
      }
    }
    std::fill(row + valid, row + cols, 0.0f);
  }
}

void f16_to_f32(const void* in, float* out, size_t n) {
  const auto* p = static_cast<const unsigned char*>(in);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    _mm256_storeu_ps(out + i, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 2 * i))));
  }
  if (i < n) {
    alignas(16) uint16_t tail[8] = {};
    std::memcpy(tail, p + 2 * i, (n - i) * 2);
    alignas(32) float t[8];
    _mm256_store_ps(t, _mm256_cvtph_ps(_mm_load_si128(reinterpret_cast<const __m128i*>(tail))));
    std::memcpy(out + i, t, (n - i) * sizeof(float));
  }
}

namespace {

// The fixed reduction of dot_f32's 64 lanes, held as 8 vectors (c0 = lanes 0-7, ...):
// (l, l + 32), (l, l + 16), (l, l + 8), then within a vector (l, l + 4), (l, l + 2), (l, l + 1).
float reduce_lanes(__m256 c0, __m256 c1, __m256 c2, __m256 c3, __m256 c4, __m256 c5, __m256 c6, __m256 c7) {
  const __m256 s0 = _mm256_add_ps(c0, c4), s1 = _mm256_add_ps(c1, c5), s2 = _mm256_add_ps(c2, c6),
               s3 = _mm256_add_ps(c3, c7);
  const __m256 t0 = _mm256_add_ps(s0, s2), t1 = _mm256_add_ps(s1, s3);
  const __m256 s8 = _mm256_add_ps(t0, t1);
  const __m128 q4 = _mm_add_ps(_mm256_castps256_ps128(s8), _mm256_extractf128_ps(s8, 1));
  const __m128 q2 = _mm_add_ps(q4, _mm_movehl_ps(q4, q4));
  const __m128 q1 = _mm_add_ss(q2, _mm_shuffle_ps(q2, q2, 1));
  return _mm_cvtss_f32(q1);
}

// sum a[p] * f(p) over 64 lanes, where LOAD(p) gives the 8 values of b' at p; the tail (n not a
// multiple of 64) is zero-padded into 64-float buffers, which adds nothing exactly.
#define BITMILL_DOT64(LOAD, TAIL)                                                                 \
  __m256 c0 = _mm256_setzero_ps(), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0; \
  size_t p = 0;                                                                                   \
  for (; p + 64 <= n; p += 64) {                                                                  \
    c0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + p), LOAD(p), c0);                                    \
    c1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + p + 8), LOAD(p + 8), c1);                            \
    c2 = _mm256_fmadd_ps(_mm256_loadu_ps(a + p + 16), LOAD(p + 16), c2);                          \
    c3 = _mm256_fmadd_ps(_mm256_loadu_ps(a + p + 24), LOAD(p + 24), c3);                          \
    c4 = _mm256_fmadd_ps(_mm256_loadu_ps(a + p + 32), LOAD(p + 32), c4);                          \
    c5 = _mm256_fmadd_ps(_mm256_loadu_ps(a + p + 40), LOAD(p + 40), c5);                          \
    c6 = _mm256_fmadd_ps(_mm256_loadu_ps(a + p + 48), LOAD(p + 48), c6);                          \
    c7 = _mm256_fmadd_ps(_mm256_loadu_ps(a + p + 56), LOAD(p + 56), c7);                          \
  }                                                                                               \
  if (p < n) {                                                                                    \
    alignas(32) float ta[64] = {}, tb[64] = {};                                                   \
    std::memcpy(ta, a + p, (n - p) * sizeof(float));                                              \
    TAIL;                                                                                         \
    c0 = _mm256_fmadd_ps(_mm256_load_ps(ta), _mm256_load_ps(tb), c0);                             \
    c1 = _mm256_fmadd_ps(_mm256_load_ps(ta + 8), _mm256_load_ps(tb + 8), c1);                     \
    c2 = _mm256_fmadd_ps(_mm256_load_ps(ta + 16), _mm256_load_ps(tb + 16), c2);                   \
    c3 = _mm256_fmadd_ps(_mm256_load_ps(ta + 24), _mm256_load_ps(tb + 24), c3);                   \
    c4 = _mm256_fmadd_ps(_mm256_load_ps(ta + 32), _mm256_load_ps(tb + 32), c4);                   \
    c5 = _mm256_fmadd_ps(_mm256_load_ps(ta + 40), _mm256_load_ps(tb + 40), c5);                   \
    c6 = _mm256_fmadd_ps(_mm256_load_ps(ta + 48), _mm256_load_ps(tb + 48), c6);                   \
    c7 = _mm256_fmadd_ps(_mm256_load_ps(ta + 56), _mm256_load_ps(tb + 56), c7);                   \
  }                                                                                               \
  return reduce_lanes(c0, c1, c2, c3, c4, c5, c6, c7);

float dot_f32_plain(const float* a, const float* b, size_t n) {
#define BITMILL_LOAD(q) _mm256_loadu_ps(b + (q))
  BITMILL_DOT64(BITMILL_LOAD, std::memcpy(tb, b + p, (n - p) * sizeof(float)))
#undef BITMILL_LOAD
}

float dot_f32_half(const float* a, const unsigned char* b, float scale, size_t n) {
  const __m256 s = _mm256_set1_ps(scale);
#define BITMILL_LOAD(q) \
  _mm256_mul_ps(_mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b + 2 * (q)))), s)
  BITMILL_DOT64(BITMILL_LOAD, f16_to_f32(b + 2 * p, tb, n - p); for (size_t q = 0; q < n - p; ++q) tb[q] *= scale)
#undef BITMILL_LOAD
}

float dot_f32_f32scaled(const float* a, const float* b, float scale, size_t n) {
  const __m256 s = _mm256_set1_ps(scale);
#define BITMILL_LOAD(q) _mm256_mul_ps(_mm256_loadu_ps(b + (q)), s)
  BITMILL_DOT64(BITMILL_LOAD, for (size_t q = 0; q < n - p; ++q) tb[q] = b[p + q] * scale)
#undef BITMILL_LOAD
}

#undef BITMILL_DOT64

}  // namespace

float dot_f32(const float* a, const float* b, size_t n) { return dot_f32_plain(a, b, n); }

float dot_f32_scaled(const float* a, const void* b, bool b_is_half, float b_scale, size_t n) {
  if (b_is_half) return dot_f32_half(a, static_cast<const unsigned char*>(b), b_scale, n);
  // Mapped f32 rows are 4-byte aligned (the .npy header is padded to 64 bytes, raw rows start at 0).
  return dot_f32_f32scaled(a, static_cast<const float*>(b), b_scale, n);
}

}  // namespace bitmill::kernels::avx2
