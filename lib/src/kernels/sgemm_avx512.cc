// SGEMM for AVX-512 (F): an 8 x 48 micro-kernel (24 zmm accumulators) under the blocked driver of
// sgemm_driver.h, which the AVX2 SGEMM shares; only the micro-kernel and the block sizes differ.
//
// Where AVX-512 runs at full width (Intel Xeon since Skylake-SP with two FMA units, AMD Zen 5)
// this doubles the FMA work per instruction over AVX2; on Zen 4, which splits each 512-bit FMA
// in two, it still halves the instruction count.
#include <immintrin.h>

#include <algorithm>

#include "kernels/kernels_impl.h"
#include "kernels/sgemm_driver.h"

namespace bitmill::kernels::avx512 {
namespace {

// 8 x 48: 24 accumulators, 3 B vectors and the A broadcasts (folded into the FMAs as embedded
// broadcasts) within the 32 zmm registers; per k step 24 FMAs against 3 loads and 8 broadcasts.
constexpr size_t kMr = 8;
constexpr size_t kNr = 48;
// KC: a B strip is KC x 48 floats (48 KiB), about the L1 of Zen 5 or Sapphire Rapids; with a
// 1.7 MiB C (144 x 3072) that lives in L3, fewer KC passes over C matter more than a B strip
// wholly in L1: at M = 144 on Zen 5, KC 192 / 256 / 384 gave 236-254 / 254-257 / 257-258 GFLOP/s
// on the 768-wide layers' packed GEMMs (scripts/bench/sgemm.sh), the same on the 384-wide ones.
constexpr size_t kKc = 256;
// MC: the packed A block (MC x KC floats = 192 KiB) stays in L2 while all B strips pass by.
constexpr size_t kMc = 192;
// NC: the packed B block (KC x NC floats = 3 MiB) is meant for L3. A multiple of 48 (and of 32,
// for the narrow kernel) that covers the widest encoder GEMM (3072 columns) in one block.
constexpr size_t kNc = 3072;

// How a micro-tile's sum is merged into C: C = alpha * sum + beta * C, where beta is the caller's
// for the first KC block and 1 for the later ones.
struct Merge {
  __m512 alpha;
  __m512 beta;
  float beta_value;
};

inline __m512 merge(const Merge& mg, __m512 acc, const float* c, __mmask16 mask) {
  if (mg.beta_value == 0.0f) return _mm512_mul_ps(mg.alpha, acc);  // C is not read
  const __m512 old = _mm512_maskz_loadu_ps(mask, c);
  if (mg.beta_value == 1.0f) return _mm512_fmadd_ps(mg.alpha, acc, old);
  return _mm512_fmadd_ps(mg.alpha, acc, _mm512_mul_ps(mg.beta, old));
}

inline __mmask16 lanes(size_t n) {
  return n >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << n) - 1u);
}

// C[mr x nr] (mr <= 8, nr <= 16 NV) merged with the 8 x 16 NV product of a packed A strip and a
// packed B strip (16 NV wide) over kc steps. Only the first mr rows and nr columns of C are
// touched. Not inlined, as in the AVX2 kernel: with NV = 3 the loop needs 27 of the 32 registers.
template <size_t NV>
__attribute__((noinline)) void micro_kernel(size_t kc, const float* __restrict a, const float* __restrict b, float* c,
                                            size_t ldc, const Merge& mg, size_t mr, size_t nr) {
  constexpr size_t kWidth = 16 * NV;
  __m512 acc[kMr][NV];
#pragma GCC unroll 8
  for (size_t r = 0; r < kMr; ++r) {
#pragma GCC unroll 3
    for (size_t v = 0; v < NV; ++v) acc[r][v] = _mm512_setzero_ps();
  }
  for (size_t r = 0; r < mr; ++r) {
    _mm_prefetch(reinterpret_cast<const char*>(c + r * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(c + r * ldc + kWidth - 1), _MM_HINT_T0);
  }
#pragma GCC unroll 2
  for (size_t p = 0; p < kc; ++p) {
    __m512 bv[NV];
#pragma GCC unroll 3
    for (size_t v = 0; v < NV; ++v) bv[v] = _mm512_load_ps(b + 16 * v);
#pragma GCC unroll 8
    for (size_t r = 0; r < kMr; ++r) {
      const __m512 av = _mm512_set1_ps(a[r]);
#pragma GCC unroll 3
      for (size_t v = 0; v < NV; ++v) acc[r][v] = _mm512_fmadd_ps(av, bv[v], acc[r][v]);
    }
    a += kMr;
    b += kWidth;
  }
  for (size_t r = 0; r < mr; ++r) {
    float* row = c + r * ldc;
#pragma GCC unroll 3
    for (size_t v = 0; v < NV; ++v) {
      if (nr <= 16 * v) break;
      const __mmask16 m = lanes(nr - 16 * v);
      _mm512_mask_storeu_ps(row + 16 * v, m, merge(mg, acc[r][v], row + 16 * v, m));
    }
  }
}

// The driver's view of a micro-kernel 16 NV wide: 48 (24 accumulators) for the weights' GEMMs,
// 32 (16 accumulators) where n is a multiple of 32 and not of 48, as attention's product with V
// at a head size of 32 or 64, which a 48-wide strip would fill to two thirds.
template <size_t NV>
struct Kernel {
  static constexpr size_t kMr = avx512::kMr, kNr = 16 * NV, kKc = avx512::kKc, kMc = avx512::kMc, kNc = avx512::kNc;
  static constexpr size_t kASlack = 0;  // 8-tall strips are whole 8-lane stores
  using Merge = avx512::Merge;
  static Merge make_merge(float alpha, float beta) { return Merge{_mm512_set1_ps(alpha), _mm512_set1_ps(beta), beta}; }
  static void micro_kernel(size_t kc, const float* a, const float* b, float* c, size_t ldc, const Merge& mg, size_t mr,
                           size_t nr) {
    avx512::micro_kernel<NV>(kc, a, b, c, ldc, mg, mr, nr);
  }
};
using Driver = SgemmDriver<Kernel<3>>;
using NarrowDriver = SgemmDriver<Kernel<2>>;

}  // namespace

void sgemm(bool trans_a, bool trans_b, size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda,
           const float* b, size_t ldb, float beta, float* c, size_t ldc) {
  if (m == 1 && n > 0 && k > 0) {
    // One row: memory-bound, B streamed once without packing; the AVX2 code does that as well as
    // wider vectors would.
    avx2::sgemm(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    return;
  }
  // The strip width that pads n least (48 on a tie): a packed B is always 48 wide.
  const BSource src{nullptr, trans_b, b, ldb};
  if (round_up(n, 32) - n < round_up(n, kNr) - n) {
    NarrowDriver::gemm(trans_a, m, n, k, alpha, a, lda, src, beta, c, ldc);
  } else {
    Driver::gemm(trans_a, m, n, k, alpha, a, lda, src, beta, c, ldc);
  }
}

size_t packed_b_size(size_t k, size_t n) { return Driver::packed_b_size(k, n); }

void pack_b_all(bool trans_b, size_t k, size_t n, const float* b, size_t ldb, float* dst) {
  Driver::pack_b_all(trans_b, k, n, b, ldb, dst);
}

void sgemm_packed(bool trans_a, size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda,
                  const float* packed, float beta, float* c, size_t ldc) {
  Driver::gemm(trans_a, m, n, k, alpha, a, lda, BSource{packed, false, nullptr, 0}, beta, c, ldc);
}

}  // namespace bitmill::kernels::avx512
