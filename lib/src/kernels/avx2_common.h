// Helpers shared by the AVX2 kernels (sgemm_avx2.cc, qgemm_avx2.cc, ops_avx2.cc); the buffers and
// block sizes are in blocking.h. Include it from
// *_avx2.cc files only: they alone are compiled with -mavx2 -mfma -mf16c, and these inline
// functions must not be emitted by a file compiled for another instruction set (the linker would
// keep one copy for all, whatever ISA it was built for).
#pragma once

#include <immintrin.h>

#include <algorithm>
#include <cstddef>

#include "kernels/blocking.h"

namespace bitmill::kernels::avx2 {

// Lanes [0, min(n, 8)) of a mask.
inline __m256i lane_mask(size_t n) {
  const __m256i idx = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(std::min<size_t>(n, 8))), idx);
}

inline float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

inline double hsum(__m256d v) {
  __m128d s = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
  s = _mm_add_sd(s, _mm_unpackhi_pd(s, s));
  return _mm_cvtsd_f64(s);
}

inline float hmax(__m256 v) {
  __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_max_ps(s, _mm_movehl_ps(s, s));
  s = _mm_max_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

}  // namespace bitmill::kernels::avx2
