// The int8 product on AVX-512 VNNI: vpdpbusd multiplies 64 unsigned by 64 signed bytes and adds
// each group of four products into a 32-bit lane, 64 multiply-adds per instruction where an f32
// FMA does 16. The exact k-NN search runs its whole all-pairs product through this.
//
// Blocking: a micro-tile is 12 rows of A by one 32-column strip of packed B, held in 24 zmm
// accumulators for the whole k (no C traffic until the end); the 4 bytes of A for each row are
// broadcast from memory, the strip's two vectors loaded once per group and used 12 times. Eight
// strips (256 columns) make a block that stays in L2 while every row of A passes by, and a 12-row
// panel of A stays in L1 across the block's strips.
#include <immintrin.h>

// GCC 12 flags the _mm512_undefined_* placeholders inside its own AVX-512 intrinsics (unmasked
// cvt, min) as maybe-uninitialized: a false positive in the header, not in this code.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <algorithm>
#include <cstring>
#include <vector>

#include "kernels/kernels_impl.h"
#include "kernels/s8_tile_avx512vnni.h"

namespace bitmill::kernels::avx512vnni {

// The tile in assembly because GCC 12 does not keep 24 vpdpbusd accumulators in registers: through
// the intrinsic it copies each one to a fresh register and spills it to the stack on every group,
// which halves the throughput. The same loop serves two instructions with the same operand shapes
// (OP: vpdpbusd, u8 x s8 in groups of 4 into int32; vdpbf16ps, bf16 x bf16 in pairs into f32), so
// it is written once, as a macro over the mnemonic. The assembler takes vdpbf16ps whatever the
// compiler's -m flags; only CPUs with AVX512-BF16 may run it (bf16_tiles_usable()).
// clang-format off
#define BITMILL_VNNI_TILE_ASM(OP) \
  __asm__ volatile( \
      "vpxord %%zmm0, %%zmm0, %%zmm0\n\t" \
      "vpxord %%zmm1, %%zmm1, %%zmm1\n\t" \
      "vpxord %%zmm2, %%zmm2, %%zmm2\n\t" \
      "vpxord %%zmm3, %%zmm3, %%zmm3\n\t" \
      "vpxord %%zmm4, %%zmm4, %%zmm4\n\t" \
      "vpxord %%zmm5, %%zmm5, %%zmm5\n\t" \
      "vpxord %%zmm6, %%zmm6, %%zmm6\n\t" \
      "vpxord %%zmm7, %%zmm7, %%zmm7\n\t" \
      "vpxord %%zmm8, %%zmm8, %%zmm8\n\t" \
      "vpxord %%zmm9, %%zmm9, %%zmm9\n\t" \
      "vpxord %%zmm10, %%zmm10, %%zmm10\n\t" \
      "vpxord %%zmm11, %%zmm11, %%zmm11\n\t" \
      "vpxord %%zmm12, %%zmm12, %%zmm12\n\t" \
      "vpxord %%zmm13, %%zmm13, %%zmm13\n\t" \
      "vpxord %%zmm14, %%zmm14, %%zmm14\n\t" \
      "vpxord %%zmm15, %%zmm15, %%zmm15\n\t" \
      "vpxord %%zmm16, %%zmm16, %%zmm16\n\t" \
      "vpxord %%zmm17, %%zmm17, %%zmm17\n\t" \
      "vpxord %%zmm18, %%zmm18, %%zmm18\n\t" \
      "vpxord %%zmm19, %%zmm19, %%zmm19\n\t" \
      "vpxord %%zmm20, %%zmm20, %%zmm20\n\t" \
      "vpxord %%zmm21, %%zmm21, %%zmm21\n\t" \
      "vpxord %%zmm22, %%zmm22, %%zmm22\n\t" \
      "vpxord %%zmm23, %%zmm23, %%zmm23\n\t" \
      "test %[n], %[n]\n\t" \
      "jz 2f\n\t" \
      "1:\n\t" \
      "vmovdqa64 (%[b]), %%zmm24\n\t" \
      "vmovdqa64 64(%[b]), %%zmm25\n\t" \
      "vpbroadcastd (%[a0]), %%zmm26\n\t" \
      OP " %%zmm26, %%zmm24, %%zmm0\n\t" \
      OP " %%zmm26, %%zmm25, %%zmm1\n\t" \
      "vpbroadcastd (%[a0],%[ld],1), %%zmm27\n\t" \
      OP " %%zmm27, %%zmm24, %%zmm2\n\t" \
      OP " %%zmm27, %%zmm25, %%zmm3\n\t" \
      "vpbroadcastd (%[a0],%[ld],2), %%zmm28\n\t" \
      OP " %%zmm28, %%zmm24, %%zmm4\n\t" \
      OP " %%zmm28, %%zmm25, %%zmm5\n\t" \
      "vpbroadcastd (%[a1]), %%zmm29\n\t" \
      OP " %%zmm29, %%zmm24, %%zmm6\n\t" \
      OP " %%zmm29, %%zmm25, %%zmm7\n\t" \
      "vpbroadcastd (%[a1],%[ld],1), %%zmm26\n\t" \
      OP " %%zmm26, %%zmm24, %%zmm8\n\t" \
      OP " %%zmm26, %%zmm25, %%zmm9\n\t" \
      "vpbroadcastd (%[a1],%[ld],2), %%zmm27\n\t" \
      OP " %%zmm27, %%zmm24, %%zmm10\n\t" \
      OP " %%zmm27, %%zmm25, %%zmm11\n\t" \
      "vpbroadcastd (%[a2]), %%zmm28\n\t" \
      OP " %%zmm28, %%zmm24, %%zmm12\n\t" \
      OP " %%zmm28, %%zmm25, %%zmm13\n\t" \
      "vpbroadcastd (%[a2],%[ld],1), %%zmm29\n\t" \
      OP " %%zmm29, %%zmm24, %%zmm14\n\t" \
      OP " %%zmm29, %%zmm25, %%zmm15\n\t" \
      "vpbroadcastd (%[a2],%[ld],2), %%zmm26\n\t" \
      OP " %%zmm26, %%zmm24, %%zmm16\n\t" \
      OP " %%zmm26, %%zmm25, %%zmm17\n\t" \
      "vpbroadcastd (%[a3]), %%zmm27\n\t" \
      OP " %%zmm27, %%zmm24, %%zmm18\n\t" \
      OP " %%zmm27, %%zmm25, %%zmm19\n\t" \
      "vpbroadcastd (%[a3],%[ld],1), %%zmm28\n\t" \
      OP " %%zmm28, %%zmm24, %%zmm20\n\t" \
      OP " %%zmm28, %%zmm25, %%zmm21\n\t" \
      "vpbroadcastd (%[a3],%[ld],2), %%zmm29\n\t" \
      OP " %%zmm29, %%zmm24, %%zmm22\n\t" \
      OP " %%zmm29, %%zmm25, %%zmm23\n\t" \
      "add $4, %[a0]\n\t" \
      "add $4, %[a1]\n\t" \
      "add $4, %[a2]\n\t" \
      "add $4, %[a3]\n\t" \
      "add $128, %[b]\n\t" \
      "dec %[n]\n\t" \
      "jnz 1b\n\t" \
      "2:\n\t" \
      "vmovdqa64 %%zmm0, 0(%[out])\n\t" \
      "vmovdqa64 %%zmm1, 64(%[out])\n\t" \
      "vmovdqa64 %%zmm2, 128(%[out])\n\t" \
      "vmovdqa64 %%zmm3, 192(%[out])\n\t" \
      "vmovdqa64 %%zmm4, 256(%[out])\n\t" \
      "vmovdqa64 %%zmm5, 320(%[out])\n\t" \
      "vmovdqa64 %%zmm6, 384(%[out])\n\t" \
      "vmovdqa64 %%zmm7, 448(%[out])\n\t" \
      "vmovdqa64 %%zmm8, 512(%[out])\n\t" \
      "vmovdqa64 %%zmm9, 576(%[out])\n\t" \
      "vmovdqa64 %%zmm10, 640(%[out])\n\t" \
      "vmovdqa64 %%zmm11, 704(%[out])\n\t" \
      "vmovdqa64 %%zmm12, 768(%[out])\n\t" \
      "vmovdqa64 %%zmm13, 832(%[out])\n\t" \
      "vmovdqa64 %%zmm14, 896(%[out])\n\t" \
      "vmovdqa64 %%zmm15, 960(%[out])\n\t" \
      "vmovdqa64 %%zmm16, 1024(%[out])\n\t" \
      "vmovdqa64 %%zmm17, 1088(%[out])\n\t" \
      "vmovdqa64 %%zmm18, 1152(%[out])\n\t" \
      "vmovdqa64 %%zmm19, 1216(%[out])\n\t" \
      "vmovdqa64 %%zmm20, 1280(%[out])\n\t" \
      "vmovdqa64 %%zmm21, 1344(%[out])\n\t" \
      "vmovdqa64 %%zmm22, 1408(%[out])\n\t" \
      "vmovdqa64 %%zmm23, 1472(%[out])\n\t" \
      : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [b] "+r"(bp), [n] "+r"(count) \
      : [ld] "r"(lda), [out] "r"(out) \
      : "memory", "cc", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", \
        "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "xmm16", "xmm17", "xmm18", "xmm19", "xmm20", "xmm21", "xmm22", \
        "xmm23", "xmm24", "xmm25", "xmm26", "xmm27", "xmm28", "xmm29");
// clang-format on

namespace {

template <bool Bf16>
void tile(const void* a, size_t lda, size_t ng, const void* strip, void* out) {
  const auto* a0 = static_cast<const uint8_t*>(a);
  const uint8_t* a1 = a0 + 3 * lda;
  const uint8_t* a2 = a0 + 6 * lda;
  const uint8_t* a3 = a0 + 9 * lda;
  const auto* bp = static_cast<const uint8_t*>(strip);
  size_t count = ng;
  if constexpr (Bf16) {
    BITMILL_VNNI_TILE_ASM("vdpbf16ps");
  } else {
    BITMILL_VNNI_TILE_ASM("vpdpbusd");
  }
}

}  // namespace

void micro_tile(const int8_t* a, size_t lda, size_t ng, const uint8_t* strip, int32_t* out) {
  tile<false>(a, lda, ng, strip, out);
}

void micro_tile_bf16(const uint16_t* a, size_t lda, size_t ng, const uint16_t* strip, float* out) {
  tile<true>(a, lda, ng, strip, out);
}

#undef BITMILL_VNNI_TILE_ASM

size_t packed_s8_bytes(size_t k, size_t n) { return (n + kNr - 1) / kNr * groups(k) * kGroupBytes; }

void pack_s8(size_t k, size_t n, const int8_t* b, size_t ldb, void* dst) {
  auto* out = static_cast<uint8_t*>(dst);
  const size_t ng = groups(k), strips = (n + kNr - 1) / kNr;
  for (size_t s = 0; s < strips; ++s) {
    for (size_t g = 0; g < ng; ++g) {
      uint8_t* o = out + (s * ng + g) * kGroupBytes;
      for (size_t lane = 0; lane < kNr; ++lane) {  // lanes 0-15 fill the first vector, 16-31 the second
        const size_t col = s * kNr + lane;
        for (size_t t = 0; t < 4; ++t) {
          const size_t p = 4 * g + t;
          const int v = col < n && p < k ? b[col * ldb + p] : 0;
          o[lane * 4 + t] = static_cast<uint8_t>(v + 128);
        }
      }
    }
  }
}

void s8gemm_packed(size_t m, size_t n, size_t k, const int8_t* a, size_t lda, const void* packed, int32_t* c,
                   size_t ldc) {
  const auto* bp = static_cast<const uint8_t*>(packed);
  const size_t ng = groups(k), strip_bytes = ng * kGroupBytes, strips = (n + kNr - 1) / kNr;
  std::vector<int32_t> corr(m);
  for (size_t i = 0; i < m; ++i) {
    int32_t sum = 0;
    for (size_t p = 0; p < k; ++p) sum += a[i * lda + p];
    corr[i] = times128(sum);
  }
  // A panel with fewer than 12 rows, or whose rows end inside a group, is copied zero-padded.
  const size_t kp = 4 * ng;
  std::vector<int8_t> panel;
  alignas(64) int32_t sums[kMr * kNr];
  for (size_t s0 = 0; s0 < strips; s0 += kStripsPerBlock) {
    const size_t s1 = std::min(strips, s0 + kStripsPerBlock);
    for (size_t i0 = 0; i0 < m; i0 += kMr) {
      const size_t mr = std::min(kMr, m - i0);
      const int8_t* ap = a + i0 * lda;
      size_t ap_ld = lda;
      if (mr < kMr || kp != k) {
        panel.assign(kMr * kp, 0);
        for (size_t r = 0; r < mr; ++r) std::memcpy(&panel[r * kp], ap + r * lda, k);
        ap = panel.data();
        ap_ld = kp;
      }
      for (size_t s = s0; s < s1; ++s) {
        const size_t ncols = std::min(kNr, n - s * kNr);
        const auto m0 = static_cast<__mmask16>(ncols >= 16 ? 0xFFFFu : (1u << ncols) - 1u);
        const auto m1 = static_cast<__mmask16>(ncols >= 32 ? 0xFFFFu : ncols > 16 ? (1u << (ncols - 16)) - 1u : 0u);
        micro_tile(ap, ap_ld, ng, bp + s * strip_bytes, sums);
        int32_t* cp = c + i0 * ldc + s * kNr;
        for (size_t r = 0; r < mr; ++r) {
          const __m512i cr = _mm512_set1_epi32(corr[i0 + r]);
          _mm512_mask_storeu_epi32(cp + r * ldc, m0, _mm512_sub_epi32(_mm512_load_si512(sums + r * kNr), cr));
          _mm512_mask_storeu_epi32(cp + r * ldc + 16, m1, _mm512_sub_epi32(_mm512_load_si512(sums + r * kNr + 16), cr));
        }
      }
    }
  }
}

size_t s8_hits(const int32_t* c, size_t n, float row_scale, const float* col_scale, float row_cut, const float* col_cut,
               uint32_t* hits) {
  // a >= row_cut or a >= col_cut[j] is a >= min(row_cut, col_cut[j]): one comparison. Hits are
  // compressed in a register and written with a masked store: vpcompressd straight to memory is
  // microcoded on Zen 4 and costs over a hundred cycles, which the first tiles (every column a
  // hit) would pay on every vector.
  const __m512 rs = _mm512_set1_ps(row_scale), rc = _mm512_set1_ps(row_cut);
  __m512i idx = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  const __m512i step = _mm512_set1_epi32(16);
  size_t count = 0, j = 0;
  auto emit = [&](__mmask16 hit) {
    if (hit != 0) {  // rare once the lists have filled
      const auto m = static_cast<unsigned>(__builtin_popcount(hit));
      _mm512_mask_storeu_epi32(hits + count, static_cast<__mmask16>((1u << m) - 1u),
                               _mm512_maskz_compress_epi32(hit, idx));
      count += m;
    }
    idx = _mm512_add_epi32(idx, step);
  };
  for (; j + 16 <= n; j += 16) {
    const __m512 a =
        _mm512_mul_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_loadu_si512(c + j)), rs), _mm512_loadu_ps(col_scale + j));
    emit(_mm512_cmp_ps_mask(a, _mm512_min_ps(rc, _mm512_loadu_ps(col_cut + j)), _CMP_GE_OQ));
  }
  if (j < n) {
    const auto valid = static_cast<__mmask16>((1u << (n - j)) - 1u);
    const __m512 a =
        _mm512_mul_ps(_mm512_mul_ps(_mm512_maskz_cvtepi32_ps(valid, _mm512_maskz_loadu_epi32(valid, c + j)), rs),
                      _mm512_maskz_loadu_ps(valid, col_scale + j));
    emit(_mm512_mask_cmp_ps_mask(valid, a, _mm512_min_ps(rc, _mm512_maskz_loadu_ps(valid, col_cut + j)), _CMP_GE_OQ));
  }
  return count;
}

}  // namespace bitmill::kernels::avx512vnni
