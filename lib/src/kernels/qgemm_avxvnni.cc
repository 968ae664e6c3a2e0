// The encoder's int8 GEMM on AVX-VNNI, the 256-bit VEX form of vpdpbusd that AVX2-only CPUs have
// (Intel Alder Lake and later client cores, Sierra Forest; AMD Zen 5 has it beside AVX-512): 32
// multiply-adds per instruction where the AVX2 kernel's vpmaddwd does 16 and needs an add. It
// runs at the avx2 and avx512 levels when the CPU has AVX-VNNI (kernels.cc), as the AVX-512 VNNI
// kernel does at its level (qgemm_avx512vnni.cc), with the same method at half the width:
//   - the weight packed in 16-column strips of 4-byte groups, each byte offset by +128 (unsigned),
//   - activations quantised per row into signed bytes, 128 * (row sum) taken off exactly,
//   - a 6 x 16 tile in 12 ymm accumulators, dequantised into C in the reference's order,
// so the result is the scalar reference's bit for bit.
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "kernels/blocking.h"
#include "kernels/kernels_impl.h"

namespace bitmill::kernels::avxvnni {
namespace {

constexpr size_t kNr = 16;              // columns per strip: two 8-lane vectors
constexpr size_t kMr = 6;               // rows per tile
constexpr size_t kStripsPerBlock = 16;  // 256 columns of the weight in L2 while the rows pass by
constexpr size_t kGroupBytes = 64;      // one group of 4 k indices of a strip
constexpr size_t kMc = 192;             // rows quantised per block
static_assert(kMc % kMr == 0);

size_t groups(size_t k) { return (k + 3) / 4; }

// 128 * sum modulo 2^32, as the tile's int32 lanes wrap: the raw sums and this correction may
// each pass 2^31 at the largest k although their difference, the exact product, does not.
int32_t times128(int32_t sum) { return static_cast<int32_t>(static_cast<uint32_t>(sum) * 128u); }

__m256i lane_mask(size_t n) {
  const __m256i idx = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(std::min<size_t>(n, 8))), idx);
}

// quantize_row_q8's rule into q[0, kp) (zero past k); returns the sum of the quantised values.
// The row maximum on the bit patterns with the sign cleared, as in the other kernels.
int32_t quantize_row(const float* x, size_t k, size_t kp, int8_t* q, float* scale) {
  const __m256i abs_mask = _mm256_set1_epi32(0x7fffffff);
  __m256i mx = _mm256_setzero_si256();
  for (size_t p = 0; p < k; p += 8) {
    const __m256i v = _mm256_maskload_epi32(reinterpret_cast<const int*>(x + p), lane_mask(k - p));
    mx = _mm256_max_epu32(mx, _mm256_and_si256(v, abs_mask));
  }
  __m128i m4 = _mm_max_epu32(_mm256_castsi256_si128(mx), _mm256_extracti128_si256(mx, 1));
  m4 = _mm_max_epu32(m4, _mm_shuffle_epi32(m4, _MM_SHUFFLE(1, 0, 3, 2)));
  m4 = _mm_max_epu32(m4, _mm_shuffle_epi32(m4, _MM_SHUFFLE(2, 3, 0, 1)));
  const auto bits = static_cast<uint32_t>(_mm_cvtsi128_si32(m4));
  float amax;
  std::memcpy(&amax, &bits, sizeof amax);
  const bool finite = bits < 0x7f800000u;
  const scalar::Q8Scale s = scalar::q8_scale(amax, finite);
  *scale = s.scale;
  std::memset(q, 0, kp);
  if (!finite) return 0;
  const __m256 inv = _mm256_set1_ps(s.inv);
  const __m256i hi = _mm256_set1_epi32(127), lo = _mm256_set1_epi32(-127);
  __m256i sum = _mm256_setzero_si256();
  alignas(32) int32_t lanes[8];
  for (size_t p = 0; p < k; p += 8) {
    const __m256i m = lane_mask(k - p);
    // cvtps rounds to nearest even, as nearbyint does in the reference; masked-off lanes are 0.
    __m256i v = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_maskload_ps(x + p, m), inv));
    v = _mm256_max_epi32(_mm256_min_epi32(v, hi), lo);
    sum = _mm256_add_epi32(sum, v);
    _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), v);
    for (size_t t = 0; t < 8 && p + t < k; ++t) q[p + t] = static_cast<int8_t>(lanes[t]);
  }
  __m128i s4 = _mm_add_epi32(_mm256_castsi256_si128(sum), _mm256_extracti128_si256(sum, 1));
  s4 = _mm_add_epi32(s4, _mm_shuffle_epi32(s4, _MM_SHUFFLE(1, 0, 3, 2)));
  s4 = _mm_add_epi32(s4, _mm_shuffle_epi32(s4, _MM_SHUFFLE(2, 3, 0, 1)));
  return _mm_cvtsi128_si32(s4);
}

// One tile: 6 rows of A (row r at a + r * lda, 4 ng bytes each) by one strip; raw sums to
// out[6 x 16].
void micro_tile(const int8_t* a, size_t lda, size_t ng, const uint8_t* strip, int32_t* out) {
  __m256i c00 = _mm256_setzero_si256(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  __m256i c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  for (size_t g = 0; g < ng; ++g) {
    const __m256i b0 = _mm256_load_si256(reinterpret_cast<const __m256i*>(strip + g * kGroupBytes));
    const __m256i b1 = _mm256_load_si256(reinterpret_cast<const __m256i*>(strip + g * kGroupBytes + 32));
    auto bcast = [&](size_t r) {
      int32_t v;
      std::memcpy(&v, a + r * lda + 4 * g, 4);
      return _mm256_set1_epi32(v);
    };
    __m256i av = bcast(0);
    c00 = _mm256_dpbusd_avx_epi32(c00, b0, av);
    c01 = _mm256_dpbusd_avx_epi32(c01, b1, av);
    av = bcast(1);
    c10 = _mm256_dpbusd_avx_epi32(c10, b0, av);
    c11 = _mm256_dpbusd_avx_epi32(c11, b1, av);
    av = bcast(2);
    c20 = _mm256_dpbusd_avx_epi32(c20, b0, av);
    c21 = _mm256_dpbusd_avx_epi32(c21, b1, av);
    av = bcast(3);
    c30 = _mm256_dpbusd_avx_epi32(c30, b0, av);
    c31 = _mm256_dpbusd_avx_epi32(c31, b1, av);
    av = bcast(4);
    c40 = _mm256_dpbusd_avx_epi32(c40, b0, av);
    c41 = _mm256_dpbusd_avx_epi32(c41, b1, av);
    av = bcast(5);
    c50 = _mm256_dpbusd_avx_epi32(c50, b0, av);
    c51 = _mm256_dpbusd_avx_epi32(c51, b1, av);
  }
  const __m256i acc[kMr][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
  for (size_t r = 0; r < kMr; ++r) {
    _mm256_store_si256(reinterpret_cast<__m256i*>(out + r * kNr), acc[r][0]);
    _mm256_store_si256(reinterpret_cast<__m256i*>(out + r * kNr + 8), acc[r][1]);
  }
}

void store_tile(const int32_t* sums, size_t mr, size_t ncols, const int32_t* corr, const float* a_scale,
                const float* w_scale, float* c, size_t ldc) {
  const __m256i m0 = lane_mask(ncols), m1 = lane_mask(ncols > 8 ? ncols - 8 : 0);
  const __m256 ws0 = _mm256_maskload_ps(w_scale, m0), ws1 = _mm256_maskload_ps(w_scale + 8, m1);
  for (size_t r = 0; r < mr; ++r) {
    const __m256i cr = _mm256_set1_epi32(corr[r]);
    const __m256 as = _mm256_set1_ps(a_scale[r]);
    const __m256 v0 =
        _mm256_cvtepi32_ps(_mm256_sub_epi32(_mm256_load_si256(reinterpret_cast<const __m256i*>(sums + r * kNr)), cr));
    _mm256_maskstore_ps(c + r * ldc, m0, _mm256_mul_ps(_mm256_mul_ps(v0, as), ws0));
    if (ncols > 8) {
      const __m256 v1 = _mm256_cvtepi32_ps(
          _mm256_sub_epi32(_mm256_load_si256(reinterpret_cast<const __m256i*>(sums + r * kNr + 8)), cr));
      _mm256_maskstore_ps(c + r * ldc + 8, m1, _mm256_mul_ps(_mm256_mul_ps(v1, as), ws1));
    }
  }
}

}  // namespace

size_t packed_q8_bytes(size_t k, size_t n) { return ceil_div(n, kNr) * groups(k) * kGroupBytes; }

void pack_q8(size_t k, size_t n, const int8_t* q, void* dst) {
  auto* out = static_cast<uint8_t*>(dst);
  const size_t ng = groups(k), strips = ceil_div(n, kNr);
  for (size_t s = 0; s < strips; ++s) {
    for (size_t g = 0; g < ng; ++g) {
      uint8_t* o = out + (s * ng + g) * kGroupBytes;
      for (size_t lane = 0; lane < kNr; ++lane) {  // lanes 0-7 fill the first vector, 8-15 the second
        const size_t col = s * kNr + lane;
        for (size_t t = 0; t < 4; ++t) {
          const size_t p = 4 * g + t;
          const int v = col < n && p < k ? q[col * k + p] : 0;
          o[lane * 4 + t] = static_cast<uint8_t>(v + 128);
        }
      }
    }
  }
}

void qgemm_packed(size_t m, size_t n, size_t k, const float* a, size_t lda, const void* packed, const float* w_scale,
                  float* c, size_t ldc) {
  if (m == 0 || n == 0) return;
  const auto* bp = static_cast<const uint8_t*>(packed);
  const size_t ng = groups(k), kp = 4 * ng, strip_bytes = ng * kGroupBytes, strips = ceil_div(n, kNr);
  const size_t mc_max = std::min(kMc, round_up(m, kMr));
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
        std::memset(qa.get() + i * kp, 0, kp);  // rows past m: computed, never stored
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

}  // namespace bitmill::kernels::avxvnni
