// The encoder's bf16 GEMM (bitmill-embed --quantize bf16) on AVX512-BF16: weights rounded to bf16
// and packed once, activations rounded per call, and the product summed in f32 by vdpbf16ps on
// the micro-tile of the int8 kernels (s8_tile_avx512vnni.h), 32 multiply-adds per instruction
// where an f32 FMA does 16. Blocked as qgemm_avx512vnni.cc: rows rounded in blocks of MC, weight
// strips in blocks of 8 (256 columns) in L2 while the rows pass by.
//
// Compiled with the AVX-512 VNNI flags (its file suffix); vdpbf16ps itself is in the tile's
// assembly, and the dispatch (kernels.cc) runs this only on CPUs with AVX512-BF16.
#include <immintrin.h>

// GCC 12 flags the _mm512_undefined_* placeholders inside its own AVX-512 intrinsics as
// maybe-uninitialized: a false positive in the header (as in s8gemm_avx512vnni.cc).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <algorithm>
#include <cstring>

#include "kernels/blocking.h"
#include "kernels/kernels_impl.h"
#include "kernels/s8_tile_avx512vnni.h"

namespace bitmill::kernels::avx512vnni {
namespace {

constexpr size_t kMc = 192;  // rows of A rounded per block (MC x k bf16 = 1.1 MiB at k = 3072)
static_assert(kMc % kMr == 0);
constexpr size_t kPairBytes = 2 * 64;  // one k pair of a strip: 32 columns x 2 bf16

size_t pairs(size_t k) { return (k + 1) / 2; }

// scalar::f32_to_bf16 on 16 lanes: round to nearest even on the bit pattern, NaN kept quiet.
inline __m256i to_bf16(__m512 x) {
  const __m512i bits = _mm512_castps_si512(x);
  const __m512i lsb = _mm512_and_si512(_mm512_srli_epi32(bits, 16), _mm512_set1_epi32(1));
  __m512i r = _mm512_srli_epi32(_mm512_add_epi32(bits, _mm512_add_epi32(lsb, _mm512_set1_epi32(0x7FFF))), 16);
  const __mmask16 nan = _mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q);
  r = _mm512_mask_or_epi32(r, nan, _mm512_srli_epi32(bits, 16), _mm512_set1_epi32(0x40));
  return _mm512_cvtepi32_epi16(r);
}

// x[0, k) rounded to bf16 into q[0, 2 * pairs(k)), zero past k.
void round_row(const float* x, size_t k, uint16_t* q) {
  if (k % 2 != 0) q[k] = 0;
  for (size_t p = 0; p < k; p += 16) {
    const auto m = static_cast<__mmask16>(k - p >= 16 ? 0xFFFFu : (1u << (k - p)) - 1u);
    _mm256_mask_storeu_epi16(q + p, m, to_bf16(_mm512_maskz_loadu_ps(m, x + p)));
  }
}

void store_tile(const float* sums, size_t mr, size_t ncols, float* c, size_t ldc) {
  const auto m0 = static_cast<__mmask16>(ncols >= 16 ? 0xFFFFu : (1u << ncols) - 1u);
  const auto m1 = static_cast<__mmask16>(ncols >= 32 ? 0xFFFFu : ncols > 16 ? (1u << (ncols - 16)) - 1u : 0u);
  for (size_t r = 0; r < mr; ++r) {
    _mm512_mask_storeu_ps(c + r * ldc, m0, _mm512_load_ps(sums + r * kNr));
    if (m1 != 0) _mm512_mask_storeu_ps(c + r * ldc + 16, m1, _mm512_load_ps(sums + r * kNr + 16));
  }
}

}  // namespace

size_t packed_bf16_bytes(size_t k, size_t n) { return ceil_div(n, kNr) * pairs(k) * kPairBytes; }

void pack_bf16(size_t k, size_t n, const float* w, size_t ldw, void* dst) {
  auto* out = static_cast<uint16_t*>(dst);
  const size_t np = pairs(k), strips = ceil_div(n, kNr);
  for (size_t s = 0; s < strips; ++s) {
    for (size_t g = 0; g < np; ++g) {
      uint16_t* o = out + (s * np + g) * (kPairBytes / 2);
      for (size_t lane = 0; lane < kNr; ++lane) {  // lanes 0-15 fill the first vector, 16-31 the second
        const size_t col = s * kNr + lane;
        for (size_t t = 0; t < 2; ++t) {
          const size_t p = 2 * g + t;
          o[lane * 2 + t] = col < n && p < k ? scalar::f32_to_bf16(w[col * ldw + p]) : 0;
        }
      }
    }
  }
}

void bf16gemm_packed(size_t m, size_t n, size_t k, const float* a, size_t lda, const void* packed, float* c,
                     size_t ldc) {
  if (m == 0 || n == 0) return;
  const auto* bp = static_cast<const uint16_t*>(packed);
  const size_t np = pairs(k), kp = 2 * np, strip_elems = np * kPairBytes / 2, strips = ceil_div(n, kNr);
  const size_t mc_max = std::min(kMc, round_up(m, kMr));
  // Rows past m in the last tile are zero rows, whose sums are computed and not stored.
  Buffer<uint16_t> qa = allocate<uint16_t>(mc_max * kp);
  Buffer<float> sums = allocate<float>(kMr * kNr);
  for (size_t ic = 0; ic < m; ic += mc_max) {
    const size_t mc = std::min(mc_max, m - ic);
    for (size_t i = 0; i < round_up(mc, kMr); ++i) {
      if (i < mc) {
        round_row(a + (ic + i) * lda, k, qa.get() + i * kp);
      } else {
        std::memset(qa.get() + i * kp, 0, kp * sizeof(uint16_t));
      }
    }
    for (size_t s0 = 0; s0 < strips; s0 += kStripsPerBlock) {
      const size_t s1 = std::min(strips, s0 + kStripsPerBlock);
      for (size_t ir = 0; ir < mc; ir += kMr) {
        const size_t mr = std::min(kMr, mc - ir);
        for (size_t s = s0; s < s1; ++s) {
          micro_tile_bf16(qa.get() + ir * kp, kp * sizeof(uint16_t), np, bp + s * strip_elems, sums.get());
          store_tile(sums.get(), mr, std::min(kNr, n - s * kNr), c + (ic + ir) * ldc + s * kNr, ldc);
        }
      }
    }
  }
}

}  // namespace bitmill::kernels::avx512vnni
