// int8 GEMM for AVX2, blocked like sgemm_avx2.cc (a 6 x 16 register tile against packed
// 16-column strips of the weight), with int32 accumulators:
//
//   for ic in steps of MC over m:       quantise rows ic.. of A (row-major int16 pairs, L2)
//     for jr in steps of 16 over n:     one weight strip ...
//       for pc in steps of KC over k:   ... whose KC block stays in L1 ...
//         for ir in steps of 6:         ... while 6 rows of A at a time pass by
//           int32 C[6 x 16] (+)= A rows * weight block, in registers; kept in a small tile
//           between KC blocks, and dequantised into C after the last one
//
// The products: s8 x s8, sign-extended to int16 and multiplied by vpmaddwd (_mm256_madd_epi16),
// which multiplies int16 pairs into exact int32 products and adds each pair into one int32 lane.
// It cannot saturate here: each product is at most 127 * 127 = 16129 in magnitude, so a pair sum
// is at most 32258, far inside int32 (vpmaddwd only wraps for -32768 * -32768 twice, and
// quantised values are never below -127). The running int32 sums hold at most k * 16129, which
// kQ8MaxK keeps below 2^31. The alternative, vpmaddubsw on u8 x s8, adds its pairs with int16
// saturation (two 255 * 127 products already overflow), so it needs 7-bit activations or a
// zero-point correction, and gains little: its int16 pair sums need a second vpmaddwd to widen,
// the same two multiply-pipe instructions per 32 products that vpmaddwd alone costs here (on a
// Zen 4 core the two loops ran within 4% of each other).
//
// The weight is widened to int16 once, at pack time, so that the micro-kernel feeds vpmaddwd
// straight from memory; an A row is quantised and widened once per call. Each k pair of A is one
// int32 that vpbroadcastd repeats across the lanes, read straight from its row: unlike SGEMM's A,
// the rows are not interleaved into strips, since a broadcast costs the same from either layout.
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <new>

#include "bitmill/kernels/kernels.h"
#include "kernels/avx2_common.h"
#include "kernels/kernels_impl.h"

namespace bitmill::kernels::avx2 {
namespace {

// 6 x 16: 12 ymm accumulators, 2 weight vectors and 1 broadcast, as in the SGEMM micro-kernel;
// per k pair 12 vpmaddwd and 12 vpaddd against 2 loads and 6 broadcasts.
constexpr size_t kMr = 6;
constexpr size_t kNr = 16;
// The packed A block (MC x k int16) stays in L2 while all weight strips pass by.
constexpr size_t kMc = 144;
// KC, in k pairs: a weight strip's block (KC x 16 pairs of int16 = 16 KiB) stays in L1 while the
// A rows pass by.
constexpr size_t kKc2 = 256;

static_assert(kMc % kMr == 0);

inline uint32_t pair(int32_t lo, int32_t hi) {
  return static_cast<uint32_t>(static_cast<uint16_t>(lo)) | (static_cast<uint32_t>(static_cast<uint16_t>(hi)) << 16);
}

// Quantises row x[0, k) (quantize_row_q8's rule) into k/2 rounded up int16 pairs, zero past k.
// The row maximum is taken on the bit patterns with the sign cleared: for non-negative floats
// the integer order is the float order, it is exact whatever the order of the reduction, and NaN
// and infinity (exponent all ones) sort above every finite value, so one compare finds them.
void quantize_row(const float* x, size_t k, uint32_t* pairs, float* scale) {
  const __m256i abs_mask = _mm256_set1_epi32(0x7fffffff);
  __m256i mx = _mm256_setzero_si256();
  size_t p = 0;
  for (; p + 8 <= k; p += 8) {
    mx = _mm256_max_epi32(mx, _mm256_and_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + p)), abs_mask));
  }
  if (p < k) {
    const __m256i tail = _mm256_maskload_epi32(reinterpret_cast<const int*>(x + p), lane_mask(k - p));
    mx = _mm256_max_epi32(mx, _mm256_and_si256(tail, abs_mask));
  }
  __m128i m4 = _mm_max_epi32(_mm256_castsi256_si128(mx), _mm256_extracti128_si256(mx, 1));
  m4 = _mm_max_epi32(m4, _mm_shuffle_epi32(m4, _MM_SHUFFLE(1, 0, 3, 2)));
  m4 = _mm_max_epi32(m4, _mm_shuffle_epi32(m4, _MM_SHUFFLE(2, 3, 0, 1)));
  const auto bits = static_cast<uint32_t>(_mm_cvtsi128_si32(m4));
  float amax;
  std::memcpy(&amax, &bits, sizeof amax);
  const scalar::Q8Scale s = scalar::q8_scale(amax, bits < 0x7f800000u);
  *scale = s.scale;
  const size_t pairs_total = ceil_div(k, 2);
  if (bits >= 0x7f800000u) {
    std::fill(pairs, pairs + pairs_total, 0u);
    return;
  }
  const __m256 inv = _mm256_set1_ps(s.inv);
  const __m256i hi = _mm256_set1_epi32(127), lo = _mm256_set1_epi32(-127);
  p = 0;
  for (; p + 8 <= k; p += 8) {
    // cvtps rounds to nearest even under the default MXCSR, as nearbyint does in the reference.
    __m256i v = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(x + p), inv));
    v = _mm256_max_epi32(_mm256_min_epi32(v, hi), lo);
    // packs works within 128-bit lanes: qwords 0 and 2 hold the 8 int16 in order.
    const __m256i packed = _mm256_permute4x64_epi64(_mm256_packs_epi32(v, v), _MM_SHUFFLE(3, 1, 2, 0));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(pairs + p / 2), _mm256_castsi256_si128(packed));
  }
  auto q = [&](size_t i) {
    return i < k ? static_cast<int32_t>(std::clamp(std::nearbyint(x[i] * s.inv), -127.0f, 127.0f)) : 0;
  };
  for (; p < k; p += 2) pairs[p / 2] = pair(q(p), q(p + 1));
}

// Quantises rows [0, mc) of A (row i at a + i * lda) into dst, row i at dst + i * kp2 (its k
// pairs, see quantize_row); scales[i] gets row i's scale. The rows stay apart rather than
// interleaved into MR-row strips as in SGEMM: the micro-kernel broadcasts each pair straight from
// its row, which costs no more than from a strip and saves the transposing copy.
void quantize_block(const float* a, size_t lda, size_t mc, size_t k, uint32_t* dst, float* scales) {
  const size_t kp2 = ceil_div(k, 2);
  for (size_t i = 0; i < mc; ++i) quantize_row(a + i * lda, k, dst + i * kp2, scales + i);
}

inline __m256 dequantize(__m256i acc, __m256 a_scale, __m256 w_scale) {
  return _mm256_mul_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(acc), a_scale), w_scale);
}

// One KC block of the product of mr quantised rows of A (row r at a + r * lda2, in k pairs) and
// a packed weight strip, over kc2 k pairs. The int32 sums start from `partial` (a 6 x 16 tile)
// unless this is the first block, and go back to it unless this is the last one, which
// dequantises them into C[mr x nr] (mr <= 6, nr <= 16). Rows past mr repeat the last one, whose
// results are not stored. Not inlined, for the same register reasons as SGEMM's.
__attribute__((noinline)) void micro_kernel(size_t kc2, const uint32_t* a, size_t lda2, const int16_t* __restrict b,
                                            int32_t* __restrict partial, bool first, bool last, float* c, size_t ldc,
                                            const float* a_scale, const float* w_scale, size_t mr, size_t nr) {
  const uint32_t* a0 = a;
  const uint32_t* a1 = a + std::min<size_t>(1, mr - 1) * lda2;
  const uint32_t* a2 = a + std::min<size_t>(2, mr - 1) * lda2;
  const uint32_t* a3 = a + std::min<size_t>(3, mr - 1) * lda2;
  const uint32_t* a4 = a + std::min<size_t>(4, mr - 1) * lda2;
  const uint32_t* a5 = a + std::min<size_t>(5, mr - 1) * lda2;
  __m256i c00 = _mm256_setzero_si256(), c01 = _mm256_setzero_si256();
  __m256i c10 = _mm256_setzero_si256(), c11 = _mm256_setzero_si256();
  __m256i c20 = _mm256_setzero_si256(), c21 = _mm256_setzero_si256();
  __m256i c30 = _mm256_setzero_si256(), c31 = _mm256_setzero_si256();
  __m256i c40 = _mm256_setzero_si256(), c41 = _mm256_setzero_si256();
  __m256i c50 = _mm256_setzero_si256(), c51 = _mm256_setzero_si256();

  if (!first) {
    auto load = [partial](size_t i) { return _mm256_load_si256(reinterpret_cast<const __m256i*>(partial + 8 * i)); };
    c00 = load(0), c01 = load(1), c10 = load(2), c11 = load(3), c20 = load(4), c21 = load(5);
    c30 = load(6), c31 = load(7), c40 = load(8), c41 = load(9), c50 = load(10), c51 = load(11);
  }
  if (last) {
    for (size_t r = 0; r < mr; ++r) {
      _mm_prefetch(reinterpret_cast<const char*>(c + r * ldc), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(c + r * ldc + 15), _MM_HINT_T0);
    }
  }

  // The six rows written out one by one on purpose, as in SGEMM's micro-kernel.
#pragma GCC unroll 4
  for (size_t t = 0; t < kc2; ++t) {
    const __m256i b0 = _mm256_load_si256(reinterpret_cast<const __m256i*>(b));
    const __m256i b1 = _mm256_load_si256(reinterpret_cast<const __m256i*>(b + 16));
    __m256i av = _mm256_set1_epi32(static_cast<int>(a0[t]));
    c00 = _mm256_add_epi32(c00, _mm256_madd_epi16(av, b0));
    c01 = _mm256_add_epi32(c01, _mm256_madd_epi16(av, b1));
    av = _mm256_set1_epi32(static_cast<int>(a1[t]));
    c10 = _mm256_add_epi32(c10, _mm256_madd_epi16(av, b0));
    c11 = _mm256_add_epi32(c11, _mm256_madd_epi16(av, b1));
    av = _mm256_set1_epi32(static_cast<int>(a2[t]));
    c20 = _mm256_add_epi32(c20, _mm256_madd_epi16(av, b0));
    c21 = _mm256_add_epi32(c21, _mm256_madd_epi16(av, b1));
    av = _mm256_set1_epi32(static_cast<int>(a3[t]));
    c30 = _mm256_add_epi32(c30, _mm256_madd_epi16(av, b0));
    c31 = _mm256_add_epi32(c31, _mm256_madd_epi16(av, b1));
    av = _mm256_set1_epi32(static_cast<int>(a4[t]));
    c40 = _mm256_add_epi32(c40, _mm256_madd_epi16(av, b0));
    c41 = _mm256_add_epi32(c41, _mm256_madd_epi16(av, b1));
    av = _mm256_set1_epi32(static_cast<int>(a5[t]));
    c50 = _mm256_add_epi32(c50, _mm256_madd_epi16(av, b0));
    c51 = _mm256_add_epi32(c51, _mm256_madd_epi16(av, b1));
    b += 2 * kNr;
  }

  const __m256i acc[kMr][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
  if (!last) {
    for (size_t r = 0; r < kMr; ++r) {
      _mm256_store_si256(reinterpret_cast<__m256i*>(partial + 16 * r), acc[r][0]);
      _mm256_store_si256(reinterpret_cast<__m256i*>(partial + 16 * r + 8), acc[r][1]);
    }
    return;
  }
  const __m256 ws0 = _mm256_loadu_ps(w_scale), ws1 = _mm256_loadu_ps(w_scale + 8);
  if (nr == kNr) {
    for (size_t r = 0; r < mr; ++r) {
      const __m256 as = _mm256_set1_ps(a_scale[r]);
      _mm256_storeu_ps(c + r * ldc, dequantize(acc[r][0], as, ws0));
      _mm256_storeu_ps(c + r * ldc + 8, dequantize(acc[r][1], as, ws1));
    }
    return;
  }
  const __m256i m0 = lane_mask(std::min<size_t>(nr, 8)), m1 = lane_mask(nr > 8 ? nr - 8 : 0);
  for (size_t r = 0; r < mr; ++r) {
    const __m256 as = _mm256_set1_ps(a_scale[r]);
    _mm256_maskstore_ps(c + r * ldc, m0, dequantize(acc[r][0], as, ws0));
    if (nr > 8) _mm256_maskstore_ps(c + r * ldc + 8, m1, dequantize(acc[r][1], as, ws1));
  }
}

}  // namespace

size_t packed_q8_bytes(size_t k, size_t n) { return round_up(n, kNr) * round_up(k, 2) * sizeof(int16_t); }

void pack_q8(size_t k, size_t n, const int8_t* q, void* dst) {
  auto* out = static_cast<int16_t*>(dst);
  const size_t kp2 = ceil_div(k, 2);
  for (size_t j0 = 0; j0 < n; j0 += kNr) {
    for (size_t t = 0; t < kp2; ++t) {
      for (size_t jj = 0; jj < kNr; ++jj) {
        const size_t j = j0 + jj;
        for (size_t h = 0; h < 2; ++h) {
          const size_t p = 2 * t + h;
          *out++ = j < n && p < k ? int16_t{q[j * k + p]} : int16_t{0};
        }
      }
    }
  }
}

void qgemm_packed(size_t m, size_t n, size_t k, const float* a, size_t lda, const void* packed, const float* w_scale,
                  float* c, size_t ldc) {
  if (m == 0 || n == 0) return;
  const size_t kp2 = ceil_div(k, 2);
  const size_t mc_max = block_size(m, kMc, kMr);
  const size_t kc2_max = kp2 == 0 ? 1 : block_size(kp2, kKc2, 1);
  Buffer<uint32_t> a_quant = allocate<uint32_t>(mc_max * kp2);
  Buffer<float> a_scale = allocate<float>(mc_max);
  Buffer<int32_t> partial = allocate<int32_t>(ceil_div(mc_max, kMr) * kMr * kNr);
  const auto* b = static_cast<const int16_t*>(packed);
  for (size_t ic = 0; ic < m; ic += mc_max) {
    const size_t mc = std::min(mc_max, m - ic);
    quantize_block(a + ic * lda, lda, mc, k, a_quant.get(), a_scale.get());
    for (size_t jr = 0; jr < n; jr += kNr) {
      const int16_t* b_strip = b + jr * 2 * kp2;
      // With k == 0 there is no block, but C still gets its (zero) result: one empty block.
      for (size_t pc = 0; pc < std::max<size_t>(kp2, 1); pc += kc2_max) {
        const size_t kc2 = std::min(kc2_max, kp2 - pc);
        const bool first = pc == 0, last = pc + kc2 >= kp2;
        for (size_t ir = 0; ir < mc; ir += kMr) {
          micro_kernel(kc2, a_quant.get() + ir * kp2 + pc, kp2, b_strip + pc * 2 * kNr, partial.get() + ir * kNr, first,
                       last, c + (ic + ir) * ldc + jr, ldc, a_scale.get() + ir, w_scale + jr, std::min(kMr, mc - ir),
                       std::min(kNr, n - jr));
        }
      }
    }
  }
}

}  // namespace bitmill::kernels::avx2
