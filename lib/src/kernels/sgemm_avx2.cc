// SGEMM for AVX2 + FMA, organised as in BLIS / OpenBLAS (Goto's algorithm):
//
//   for jc in steps of NC over n:           op(B) block KC x NC packed once, lives in L3
//     for pc in steps of KC over k:
//       pack op(B)[pc.., jc..] into NR-wide strips
//       for ic in steps of MC over m:       op(A) block MC x KC packed, lives in L2
//         pack op(A)[ic.., pc..] into MR-tall strips
//         for jr in steps of NR:            one B strip (KC x NR) stays in L1 ...
//           for ir in steps of MR:          ... while the A strips stream past it
//             C[MR x NR] += A strip * B strip, in registers
//
// Packing makes the micro-kernel's loads contiguous and aligned whatever the transposes and
// leading dimensions, and zero-pads the m and n tails to whole strips, so the micro-kernel has a
// single shape and only its final store is masked at the edges.
//
// Two variations: a B packed once by pack_b_all is read in place of the per-call packing (the
// PackedB API), and m == 1 skips packing altogether (row_times_matrix).
#include <immintrin.h>

#include <algorithm>
#include <memory>
#include <new>

#include "kernels/avx2_common.h"
#include "kernels/kernels_impl.h"

namespace bitmill::kernels::avx2 {
namespace {

// 6 x 16: 12 ymm accumulators, 2 for the B row and 1 for the A broadcast use 15 of the 16
// registers; per k step 12 FMAs against 2 loads and 6 broadcasts, which keeps both FMA pipes of
// Zen 3/4 and Haswell-class cores busy without saturating the load ports.
constexpr size_t kMr = 6;
constexpr size_t kNr = 16;
// KC: a B strip (KC x 16 floats = 16 KiB) must stay in the 32 KiB L1 next to the A strip and C.
constexpr size_t kKc = 256;
// MC: the packed A block (MC x KC floats = 144 KiB) stays in L2 while all B strips pass by.
constexpr size_t kMc = 144;
// NC: the packed B block (KC x NC floats = 4 MiB) is only meant for L3; it is large so that A is
// packed as few times as possible.
constexpr size_t kNc = 4096;

static_assert(kMc % kMr == 0 && kNc % kNr == 0);

void transpose8(__m256& r0, __m256& r1, __m256& r2, __m256& r3, __m256& r4, __m256& r5, __m256& r6, __m256& r7) {
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

// Packs op(B)[pc : pc+kc, jc : jc+nc] into 16-wide strips (pack_strips): the lines are op(B)'s
// columns, and row p of op(B) is row p of B unless trans_b.
void pack_b(bool trans_b, const float* b, size_t ldb, size_t pc, size_t jc, size_t kc, size_t nc, float* dst) {
  pack_strips<kNr>(!trans_b, trans_b ? b + jc * ldb + pc : b + pc * ldb + jc, ldb, kc, nc, dst);
}

// Packs op(A)[ic : ic+mc, pc : pc+kc] into 6-tall strips (pack_strips): the lines are op(A)'s
// rows; A is k x m when trans_a. Writes up to 2 floats past the last strip.
void pack_a(bool trans_a, const float* a, size_t lda, size_t ic, size_t pc, size_t mc, size_t kc, float* dst) {
  pack_strips<kMr>(trans_a, trans_a ? a + pc * lda + ic : a + ic * lda + pc, lda, kc, mc, dst);
}

// How a micro-tile's sum is merged into C: C = alpha * sum + beta * C, where beta is the caller's
// for the first KC block and 1 for the later ones (they add to what the first one wrote).
struct Merge {
  __m256 alpha;
  __m256 beta;
  float beta_value;
};

// alpha * acc + beta * C for the 8 floats at c (only the lanes of `mask` when Masked: the edge
// of C, whose other lanes may lie past the matrix).
template <bool Masked>
inline __m256 merge(const Merge& mg, __m256 acc, const float* c, __m256i mask = __m256i{}) {
  if (mg.beta_value == 0.0f) return _mm256_mul_ps(mg.alpha, acc);  // C is not read
  const __m256 old = Masked ? _mm256_maskload_ps(c, mask) : _mm256_loadu_ps(c);
  if (mg.beta_value == 1.0f) return _mm256_fmadd_ps(mg.alpha, acc, old);
  return _mm256_fmadd_ps(mg.alpha, acc, _mm256_mul_ps(mg.beta, old));
}

// C[mr x nr] (mr <= 6, nr <= 16) merged with the 6 x 16 product of a packed A strip and a
// packed B strip over kc steps. Only the first mr rows and nr columns of C are touched.
// Not inlined: the loop needs 15 of the 16 ymm registers, and inlining into the block loops would
// only give the register allocator reasons to spill.
__attribute__((noinline)) void micro_kernel(size_t kc, const float* __restrict a, const float* __restrict b, float* c,
                                            size_t ldc, const Merge& mg, size_t mr, size_t nr) {
  __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
  __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
  __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
  __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
  __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps();
  __m256 c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();

  // Warm the C tile now so that its misses overlap with the arithmetic, not the final merge.
  for (size_t r = 0; r < mr; ++r) {
    _mm_prefetch(reinterpret_cast<const char*>(c + r * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(c + r * ldc + 15), _MM_HINT_T0);
  }

  // The six rows written out one by one on purpose: 12 named accumulators stay in registers.
#pragma GCC unroll 4
  for (size_t p = 0; p < kc; ++p) {
    const __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8);
    __m256 av = _mm256_broadcast_ss(a + 0);
    c00 = _mm256_fmadd_ps(av, b0, c00);
    c01 = _mm256_fmadd_ps(av, b1, c01);
    av = _mm256_broadcast_ss(a + 1);
    c10 = _mm256_fmadd_ps(av, b0, c10);
    c11 = _mm256_fmadd_ps(av, b1, c11);
    av = _mm256_broadcast_ss(a + 2);
    c20 = _mm256_fmadd_ps(av, b0, c20);
    c21 = _mm256_fmadd_ps(av, b1, c21);
    av = _mm256_broadcast_ss(a + 3);
    c30 = _mm256_fmadd_ps(av, b0, c30);
    c31 = _mm256_fmadd_ps(av, b1, c31);
    av = _mm256_broadcast_ss(a + 4);
    c40 = _mm256_fmadd_ps(av, b0, c40);
    c41 = _mm256_fmadd_ps(av, b1, c41);
    av = _mm256_broadcast_ss(a + 5);
    c50 = _mm256_fmadd_ps(av, b0, c50);
    c51 = _mm256_fmadd_ps(av, b1, c51);
    a += kMr;
    b += kNr;
  }

  const __m256 acc[kMr][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
  if (nr == kNr) {
    for (size_t r = 0; r < mr; ++r) {
      float* row = c + r * ldc;
      _mm256_storeu_ps(row, merge<false>(mg, acc[r][0], row));
      _mm256_storeu_ps(row + 8, merge<false>(mg, acc[r][1], row + 8));
    }
    return;
  }
  const __m256i m0 = lane_mask(std::min<size_t>(nr, 8)), m1 = lane_mask(nr > 8 ? nr - 8 : 0);
  for (size_t r = 0; r < mr; ++r) {
    float* row = c + r * ldc;
    _mm256_maskstore_ps(row, m0, merge<true>(mg, acc[r][0], row, m0));
    if (nr > 8) _mm256_maskstore_ps(row + 8, m1, merge<true>(mg, acc[r][1], row + 8, m1));
  }
}

inline void merge_scalar(float sum, float alpha, float beta, float* c) {
  *c = beta == 0.0f ? alpha * sum : alpha * sum + beta * *c;
}

// m == 1: each element of B is used once, so packing B (a full pass over it) would cost as much
// as the product itself and leave the micro-kernel 5/6 idle; stream B instead.
void row_times_matrix(bool trans_a, bool trans_b, size_t n, size_t k, float alpha, const float* a, size_t lda,
                      const float* b, size_t ldb, float beta, float* c) {
  Buffer<float> a_row;
  if (trans_a) {  // the row of op(A) is a column of A: gather it once
    a_row = allocate<float>(k);
    for (size_t p = 0; p < k; ++p) a_row[p] = a[p * lda];
    a = a_row.get();
  }
  const size_t k8 = k / 8 * 8;
  const __m256i k_tail = lane_mask(k - k8);
  if (trans_b) {
    // c[j] = a . (row j of B), four rows at a time so that four accumulators hide the FMA latency.
    for (size_t j0 = 0; j0 < n; j0 += 4) {
      const size_t rows = std::min<size_t>(4, n - j0);
      const float* bj[4];
      for (size_t q = 0; q < 4; ++q) bj[q] = b + (j0 + std::min(q, rows - 1)) * ldb;  // repeats past n: harmless
      __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
      for (size_t p = 0; p < k8; p += 8) {
        const __m256 av = _mm256_loadu_ps(a + p);
        for (size_t q = 0; q < 4; ++q) acc[q] = _mm256_fmadd_ps(av, _mm256_loadu_ps(bj[q] + p), acc[q]);
      }
      if (k8 < k) {
        const __m256 av = _mm256_maskload_ps(a + k8, k_tail);
        for (size_t q = 0; q < 4; ++q) acc[q] = _mm256_fmadd_ps(av, _mm256_maskload_ps(bj[q] + k8, k_tail), acc[q]);
      }
      for (size_t q = 0; q < rows; ++q) merge_scalar(hsum(acc[q]), alpha, beta, c + j0 + q);
    }
    return;
  }
  // c = sum over p of a[p] * (row p of B), accumulated in a scratch row (C may not be read when
  // beta == 0, and must get alpha applied once at the end).
  const size_t n8 = n / 8 * 8;
  const __m256i n_tail = lane_mask(n - n8);
  Buffer<float> acc = allocate<float>(n8 + 8);
  std::fill(acc.get(), acc.get() + n8 + 8, 0.0f);
  for (size_t p = 0; p < k; ++p) {
    const __m256 av = _mm256_set1_ps(a[p]);
    const float* row = b + p * ldb;
    for (size_t j = 0; j < n8; j += 8) {
      _mm256_store_ps(acc.get() + j, _mm256_fmadd_ps(av, _mm256_loadu_ps(row + j), _mm256_load_ps(acc.get() + j)));
    }
    if (n8 < n) {
      const __m256 bv = _mm256_maskload_ps(row + n8, n_tail);
      _mm256_store_ps(acc.get() + n8, _mm256_fmadd_ps(av, bv, _mm256_load_ps(acc.get() + n8)));
    }
  }
  for (size_t j = 0; j < n; ++j) merge_scalar(acc[j], alpha, beta, c + j);
}

// C = beta * C, for k == 0 where there is no product to add.
void scale_c(size_t m, size_t n, float beta, float* c, size_t ldc) {
  for (size_t i = 0; i < m; ++i) {
    float* row = c + i * ldc;
    for (size_t j = 0; j < n; ++j) row[j] = beta == 0.0f ? 0.0f : beta * row[j];
  }
}

// Where the driver gets its packed B blocks: packed from B on every call, or, for a PackedB, read
// in place from blocks that pack_b_all laid out in the driver's loop order.
struct BSource {
  const float* prepacked;  // null: pack from the fields below
  bool trans_b;
  const float* b;
  size_t ldb;
};

// The blocking of the k and n dimensions, which a prepacked B's layout depends on (m's does not).
size_t kc_block(size_t k) { return block_size(k, kKc, 1); }
size_t nc_block(size_t n) { return block_size(n, kNc, kNr); }

void gemm_blocked(bool trans_a, size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda,
                  const BSource& src, float beta, float* c, size_t ldc) {
  if (m == 0 || n == 0) return;
  if (k == 0) {
    scale_c(m, n, beta, c, ldc);
    return;
  }
  const size_t kc_max = kc_block(k);
  const size_t mc_max = block_size(m, kMc, kMr);
  const size_t nc_max = nc_block(n);
  Buffer<float> b_pack = src.prepacked ? nullptr : allocate<float>(kc_max * round_up(nc_max, kNr));
  Buffer<float> a_pack = allocate<float>(kc_max * round_up(mc_max, kMr) + 2);  // + the slack pack_a may write

  const float* next_prepacked = src.prepacked;
  for (size_t jc = 0; jc < n; jc += nc_max) {
    const size_t nc = std::min(nc_max, n - jc);
    for (size_t pc = 0; pc < k; pc += kc_max) {
      const size_t kc = std::min(kc_max, k - pc);
      const float* b_block = next_prepacked;
      if (b_block) {
        next_prepacked += kc * round_up(nc, kNr);
      } else {
        pack_b(src.trans_b, src.b, src.ldb, pc, jc, kc, nc, b_pack.get());
        b_block = b_pack.get();
      }
      const float beta_value = pc == 0 ? beta : 1.0f;
      const Merge mg{_mm256_set1_ps(alpha), _mm256_set1_ps(beta_value), beta_value};
      for (size_t ic = 0; ic < m; ic += mc_max) {
        const size_t mc = std::min(mc_max, m - ic);
        pack_a(trans_a, a, lda, ic, pc, mc, kc, a_pack.get());
        for (size_t jr = 0; jr < nc; jr += kNr) {
          const float* b_strip = b_block + jr * kc;
          for (size_t ir = 0; ir < mc; ir += kMr) {
            micro_kernel(kc, a_pack.get() + ir * kc, b_strip, c + (ic + ir) * ldc + jc + jr, ldc, mg,
                         std::min(kMr, mc - ir), std::min(kNr, nc - jr));
          }
        }
      }
    }
  }
}

}  // namespace

void sgemm(bool trans_a, bool trans_b, size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda,
           const float* b, size_t ldb, float beta, float* c, size_t ldc) {
  if (m == 1 && n > 0 && k > 0) {
    row_times_matrix(trans_a, trans_b, n, k, alpha, a, lda, b, ldb, beta, c);
    return;
  }
  gemm_blocked(trans_a, m, n, k, alpha, a, lda, BSource{nullptr, trans_b, b, ldb}, beta, c, ldc);
}

size_t packed_b_size(size_t k, size_t n) {
  if (n == 0) return 0;
  const size_t nc_max = nc_block(n);
  size_t total = 0;
  // Each jc block holds all k rows of its columns, padded to whole strips.
  for (size_t jc = 0; jc < n; jc += nc_max) total += k * round_up(std::min(nc_max, n - jc), kNr);
  return total;
}

void pack_b_all(bool trans_b, size_t k, size_t n, const float* b, size_t ldb, float* dst) {
  if (k == 0 || n == 0) return;
  const size_t kc_max = kc_block(k), nc_max = nc_block(n);
  for (size_t jc = 0; jc < n; jc += nc_max) {
    const size_t nc = std::min(nc_max, n - jc);
    for (size_t pc = 0; pc < k; pc += kc_max) {
      const size_t kc = std::min(kc_max, k - pc);
      pack_b(trans_b, b, ldb, pc, jc, kc, nc, dst);
      dst += kc * round_up(nc, kNr);
    }
  }
}

void sgemm_packed(bool trans_a, size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda,
                  const float* packed, float beta, float* c, size_t ldc) {
  gemm_blocked(trans_a, m, n, k, alpha, a, lda, BSource{packed, false, nullptr, 0}, beta, c, ldc);
}

}  // namespace bitmill::kernels::avx2
