// The encoder's int8 GEMM (bitmill-embed --quantize int8) on AVX-512 VNNI: the weight is packed as
// the k-NN search's int8 B (pack_s8: +128 offset, 4-byte groups in 32-column strips), and the
// activations are quantised per row into signed bytes, so that the product runs on the same
// vpdpbusd micro-tile (s8_tile_avx512vnni.h), 64 multiply-adds per instruction where the AVX2
// kernel's vpmaddwd does 16. The offset is taken off exactly: sum (w + 128) a = sum w a + 128 sum a,
// all in int32. The dequantisation is fused into the tile's store, in the reference's order,
// (float(sum) * a_scale) * w_scale, so the result is the scalar reference's bit for bit.
//
//   for ic in steps of MC over m:           quantise rows ic.. of A (MC x k bytes, L2)
//     for s0 in steps of 8 strips over n:   256 weight columns (k x 256 bytes) stay in L2 ...
//       for ir in steps of 12:              ... while the quantised rows pass by
//         for s in the 8 strips:            one micro-tile, dequantised into C
#include <immintrin.h>

// GCC 12 flags the _mm512_undefined_* placeholders inside its own AVX-512 intrinsics as
// maybe-uninitialized: a false positive in the header (as in s8gemm_avx512vnni.cc).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <algorithm>
#include <cstring>
#include <limits>

#include "kernels/blocking.h"
#include "kernels/kernels_impl.h"
#include "kernels/s8_tile_avx512vnni.h"

namespace bitmill::kernels::avx512vnni {
namespace {

// Rows of A quantised per block: MC x k bytes (576 KiB at k = 3072) with the weight block beside
// them in L2; a multiple of the 12-row tile.
constexpr size_t kMc = 192;
static_assert(kMc % kMr == 0);

// Quantises x[0, k) by quantize_row_q8's rule into q[0, kp) (zero past k) and returns the sum of
// the quantised values. The row maximum is taken on the bit patterns with the sign cleared, as in
// the AVX2 kernel: exact in any order, and a NaN or an infinity sorts above every finite value.
int32_t quantize_row(const float* x, size_t k, size_t kp, int8_t* q, float* scale) {
  const __m512i abs_mask = _mm512_set1_epi32(0x7fffffff);
  __m512i mx = _mm512_setzero_si512();
  for (size_t p = 0; p < k; p += 16) {
    const auto m = static_cast<__mmask16>(k - p >= 16 ? 0xFFFFu : (1u << (k - p)) - 1u);
    mx = _mm512_max_epu32(mx, _mm512_and_si512(_mm512_maskz_loadu_epi32(m, x + p), abs_mask));
  }
  const auto bits = static_cast<uint32_t>(_mm512_reduce_max_epu32(mx));
  float amax;
  std::memcpy(&amax, &bits, sizeof amax);
  const bool finite = bits < 0x7f800000u;
  const scalar::Q8Scale s = scalar::q8_scale(amax, finite);
  *scale = s.scale;
  std::memset(q, 0, kp);
  if (!finite) return 0;
  const __m512 inv = _mm512_set1_ps(s.inv);
  const __m512i hi = _mm512_set1_epi32(127), lo = _mm512_set1_epi32(-127);
  __m512i sum = _mm512_setzero_si512();
  for (size_t p = 0; p < k; p += 16) {
    const auto m = static_cast<__mmask16>(k - p >= 16 ? 0xFFFFu : (1u << (k - p)) - 1u);
    // cvtps rounds to nearest even under the default MXCSR, as nearbyint does in the reference;
    // masked-off lanes load 0 and stay 0.
    __m512i v = _mm512_cvtps_epi32(_mm512_mul_ps(_mm512_maskz_loadu_ps(m, x + p), inv));
    v = _mm512_max_epi32(_mm512_min_epi32(v, hi), lo);
    sum = _mm512_add_epi32(sum, v);
    _mm_mask_storeu_epi8(q + p, m, _mm512_cvtepi32_epi8(v));
  }
  return _mm512_reduce_add_epi32(sum);
}

// The micro-tile's raw sums for rows [0, mr) and columns [0, ncols) of a strip, corrected and
// dequantised into C.
void store_tile(const int32_t* sums, size_t mr, size_t ncols, const int32_t* corr, const float* a_scale,
                const float* w_scale, float* c, size_t ldc) {
  const auto m0 = static_cast<__mmask16>(ncols >= 16 ? 0xFFFFu : (1u << ncols) - 1u);
  const auto m1 = static_cast<__mmask16>(ncols >= 32 ? 0xFFFFu : ncols > 16 ? (1u << (ncols - 16)) - 1u : 0u);
  const __m512 ws0 = _mm512_maskz_loadu_ps(m0, w_scale), ws1 = _mm512_maskz_loadu_ps(m1, w_scale + 16);
  for (size_t r = 0; r < mr; ++r) {
    const __m512i cr = _mm512_set1_epi32(corr[r]);
    const __m512 as = _mm512_set1_ps(a_scale[r]);
    const __m512 v0 = _mm512_cvtepi32_ps(_mm512_sub_epi32(_mm512_load_si512(sums + r * kNr), cr));
    const __m512 v1 = _mm512_cvtepi32_ps(_mm512_sub_epi32(_mm512_load_si512(sums + r * kNr + 16), cr));
    _mm512_mask_storeu_ps(c + r * ldc, m0, _mm512_mul_ps(_mm512_mul_ps(v0, as), ws0));
    if (m1 != 0) _mm512_mask_storeu_ps(c + r * ldc + 16, m1, _mm512_mul_ps(_mm512_mul_ps(v1, as), ws1));
  }
}

}  // namespace

size_t packed_q8_bytes(size_t k, size_t n) { return packed_s8_bytes(k, n); }

void pack_q8(size_t k, size_t n, const int8_t* q, void* dst) { pack_s8(k, n, q, k, dst); }

void qgemm_packed(size_t m, size_t n, size_t k, const float* a, size_t lda, const void* packed, const float* w_scale,
                  float* c, size_t ldc) {
  if (m == 0 || n == 0) return;
  const auto* bp = static_cast<const uint8_t*>(packed);
  const size_t ng = groups(k), kp = 4 * ng, strip_bytes = ng * kGroupBytes, strips = ceil_div(n, kNr);
  const size_t mc_max = std::min(kMc, round_up(m, kMr));
  // Rows past m in the last tile are zero rows, whose sums are computed and not stored.
  Buffer<int8_t> qa = allocate<int8_t>(mc_max * kp);
  Buffer<int32_t> corr = allocate<int32_t>(mc_max);
  Buffer<float> a_scale = allocate<float>(mc_max);
  Buffer<int32_t> sums = allocate<int32_t>(kMr * kNr);
  for (size_t ic = 0; ic < m; ic += mc_max) {
    const size_t mc = std::min(mc_max, m - ic);
    for (size_t i = 0; i < round_up(mc, kMr); ++i) {
      if (i < mc) {
        corr[i] = times128(quantize_row(a + (ic + i) * lda, k, kp, qa.get() + i * kp, a_scale.get() + i));
      } else {
        std::memset(qa.get() + i * kp, 0, kp);
      }
    }
    for (size_t s0 = 0; s0 < strips; s0 += kStripsPerBlock) {
      const size_t s1 = std::min(strips, s0 + kStripsPerBlock);
      for (size_t ir = 0; ir < mc; ir += kMr) {
        const size_t mr = std::min(kMr, mc - ir);
        for (size_t s = s0; s < s1; ++s) {
          micro_tile(qa.get() + ir * kp, kp, ng, bp + s * strip_bytes, sums.get());
          store_tile(sums.get(), mr, std::min(kNr, n - s * kNr), corr.get() + ir, a_scale.get() + ir, w_scale + s * kNr,
                     c + (ic + ir) * ldc + s * kNr, ldc);
        }
      }
    }
  }
}

}  // namespace bitmill::kernels::avx512vnni
