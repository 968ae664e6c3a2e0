// The packing of SGEMM operands into the strips a micro-kernel reads, shared by the AVX2 and the
// AVX-512 SGEMM (sgemm_avx2.cc, sgemm_avx512.cc), which differ only in their strip widths. It uses
// AVX2 intrinsics: include it only from files compiled for AVX2 or above. Internal linkage on
// purpose, as in blocking.h: each file gets a copy compiled for its own instruction set.
#pragma once

#include <immintrin.h>

#include <algorithm>
#include <cstddef>

namespace bitmill::kernels {
namespace {  // NOLINT(google-build-namespaces, cert-dcl59-cpp): see above

inline void transpose8(__m256& r0, __m256& r1, __m256& r2, __m256& r3, __m256& r4, __m256& r5, __m256& r6, __m256& r7) {
  const __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
  const __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
  const __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
  const __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
  const __m256 s0 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0));
  const __m256 s1 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2));
  const __m256 s2 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0));
  const __m256 s3 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2));
  const __m256 s4 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(1, 0, 1, 0));
  const __m256 s5 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(3, 2, 3, 2));
  const __m256 s6 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(1, 0, 1, 0));
  const __m256 s7 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(3, 2, 3, 2));
  r0 = _mm256_permute2f128_ps(s0, s4, 0x20);
  r1 = _mm256_permute2f128_ps(s1, s5, 0x20);
  r2 = _mm256_permute2f128_ps(s2, s6, 0x20);
  r3 = _mm256_permute2f128_ps(s3, s7, 0x20);
  r4 = _mm256_permute2f128_ps(s0, s4, 0x31);
  r5 = _mm256_permute2f128_ps(s1, s5, 0x31);
  r6 = _mm256_permute2f128_ps(s2, s6, 0x31);
  r7 = _mm256_permute2f128_ps(s3, s7, 0x31);
}

// Transposes the Rows x 8 block at s (rows ld apart; Rows <= 8, missing rows read as zero) and
// stores its 8 columns, each as a full 8-lane vector, `stride` floats apart from d, in increasing
// order (with stride < 8 each store overwrites the previous one's extra lanes). Aligned: d and
// stride keep every store 32-byte aligned.
template <size_t Rows, bool Aligned>
inline void transpose_block(const float* s, size_t ld, float* d, size_t stride) {
  static_assert(Rows <= 8);
  __m256 r[8];
#pragma GCC unroll 8
  for (size_t i = 0; i < 8; ++i) r[i] = i < Rows ? _mm256_loadu_ps(s + i * ld) : _mm256_setzero_ps();
  transpose8(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]);
#pragma GCC unroll 8
  for (size_t i = 0; i < 8; ++i) {
    if constexpr (Aligned) {
      _mm256_store_ps(d + i * stride, r[i]);
    } else {
      _mm256_storeu_ps(d + i * stride, r[i]);
    }
  }
}

// Packs `count` lines into ceil(count / W) strips of W floats per step: strip s holds, for each
// step p < kc in order, the values of lines W s .. W s + W - 1 at p, zero past `count`. Line l's
// value at step p is src[p * ld + l] when `across` (each row of src holds one step of every line,
// so a strip's values for one p are contiguous), else src[l * ld + p] (each row of src is a line,
// so a strip is a transpose of W rows, done 8 x 8 at a time). With W = 6 the 8-lane stores of a
// transposed block spill 2 floats past each step, which the next step's store overwrites: the last
// ones land in the next strip or past the end, which the buffer must have room for (2 floats).
template <size_t W>
void pack_strips(bool across, const float* src, size_t ld, size_t kc, size_t count, float* dst) {
  for (size_t l0 = 0; l0 < count; l0 += W, dst += kc * W) {
    const size_t w = std::min(W, count - l0);
    size_t p = 0;
    if (across) {
      const float* s = src + l0;
      if constexpr (W % 8 == 0) {
        for (; w == W && p < kc; ++p) {
          for (size_t h = 0; h < W; h += 8) _mm256_store_ps(dst + p * W + h, _mm256_loadu_ps(s + p * ld + h));
        }
      }
      for (; p < kc; ++p) {
        for (size_t j = 0; j < W; ++j) dst[p * W + j] = j < w ? s[p * ld + j] : 0.0f;
      }
      continue;
    }
    const float* s = src + l0 * ld;
    for (; w == W && p + 8 <= kc; p += 8) {
      for (size_t h = 0; h < W; h += 8) {
        transpose_block<std::min<size_t>(W, 8), W % 8 == 0>(s + h * ld + p, ld, dst + p * W + h, W);
      }
    }
    for (; p < kc; ++p) {
      for (size_t j = 0; j < W; ++j) dst[p * W + j] = j < w ? s[j * ld + p] : 0.0f;
    }
  }
}

}  // namespace
}  // namespace bitmill::kernels
