// The blocked SGEMM driver shared by the AVX2 and the AVX-512 SGEMM (Goto's algorithm, as in BLIS
// and OpenBLAS):
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
// single shape and only its final store is masked at the edges. A B packed once by pack_b_all
// (the PackedB API) is read in place of the per-call packing.
//
// Each ISA supplies a Kernel type: the block sizes kMr, kNr, kKc, kMc, kNc, kASlack (floats that
// pack_a may write past its block), a Merge type made by make_merge(alpha, beta) (C = alpha * sum
// + beta * C), and micro_kernel(kc, a_strip, b_strip, c, ldc, merge, mr, nr). Internal linkage,
// as in blocking.h: each ISA's file compiles its own copy.
#pragma once

#include <algorithm>
#include <cstddef>

#include "kernels/blocking.h"
#include "kernels/sgemm_pack.h"

namespace bitmill::kernels {
namespace {  // NOLINT(google-build-namespaces, cert-dcl59-cpp): see above

// Where the driver gets its packed B blocks: packed from B on every call, or read in place from a
// PackedB's blocks, laid out by pack_b_all in the driver's loop order.
struct BSource {
  const float* prepacked;  // null: pack from the fields below
  bool trans_b;
  const float* b;
  size_t ldb;
};

template <class Kernel>
struct SgemmDriver {
  static_assert(Kernel::kMc % Kernel::kMr == 0 && Kernel::kNc % Kernel::kNr == 0);

  // The blocking of the k and n dimensions, which a prepacked B's layout depends on (m's does not).
  static size_t kc_block(size_t k) { return block_size(k, Kernel::kKc, 1); }
  static size_t nc_block(size_t n) { return block_size(n, Kernel::kNc, Kernel::kNr); }

  // Packs op(B)[pc : pc+kc, jc : jc+nc] into NR-wide strips: the lines are op(B)'s columns, and
  // row p of op(B) is row p of B unless trans_b.
  static void pack_b(bool trans_b, const float* b, size_t ldb, size_t pc, size_t jc, size_t kc, size_t nc, float* dst) {
    pack_strips<Kernel::kNr>(!trans_b, trans_b ? b + jc * ldb + pc : b + pc * ldb + jc, ldb, kc, nc, dst);
  }

  // Packs op(A)[ic : ic+mc, pc : pc+kc] into MR-tall strips: the lines are op(A)'s rows; A is
  // k x m when trans_a.
  static void pack_a(bool trans_a, const float* a, size_t lda, size_t ic, size_t pc, size_t mc, size_t kc, float* dst) {
    pack_strips<Kernel::kMr>(trans_a, trans_a ? a + pc * lda + ic : a + ic * lda + pc, lda, kc, mc, dst);
  }

  // C = beta * C, for k == 0 where there is no product to add.
  static void scale_c(size_t m, size_t n, float beta, float* c, size_t ldc) {
    for (size_t i = 0; i < m; ++i) {
      float* row = c + i * ldc;
      for (size_t j = 0; j < n; ++j) row[j] = beta == 0.0f ? 0.0f : beta * row[j];
    }
  }

  static void gemm(bool trans_a, size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda,
                   const BSource& src, float beta, float* c, size_t ldc) {
    constexpr size_t kMr = Kernel::kMr, kNr = Kernel::kNr;
    if (m == 0 || n == 0) return;
    if (k == 0) {
      scale_c(m, n, beta, c, ldc);
      return;
    }
    const size_t kc_max = kc_block(k);
    const size_t mc_max = block_size(m, Kernel::kMc, kMr);
    const size_t nc_max = nc_block(n);
    Buffer<float> b_pack = src.prepacked ? nullptr : allocate<float>(kc_max * round_up(nc_max, kNr));
    Buffer<float> a_pack = allocate<float>(kc_max * round_up(mc_max, kMr) + Kernel::kASlack);

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
        // The first KC block merges with the caller's beta, the later ones add to it.
        const auto mg = Kernel::make_merge(alpha, pc == 0 ? beta : 1.0f);
        for (size_t ic = 0; ic < m; ic += mc_max) {
          const size_t mc = std::min(mc_max, m - ic);
          pack_a(trans_a, a, lda, ic, pc, mc, kc, a_pack.get());
          for (size_t jr = 0; jr < nc; jr += kNr) {
            const float* b_strip = b_block + jr * kc;
            for (size_t ir = 0; ir < mc; ir += kMr) {
              Kernel::micro_kernel(kc, a_pack.get() + ir * kc, b_strip, c + (ic + ir) * ldc + jc + jr, ldc, mg,
                                   std::min(kMr, mc - ir), std::min(kNr, nc - jr));
            }
          }
        }
      }
    }
  }

  static size_t packed_b_size(size_t k, size_t n) {
    if (n == 0) return 0;
    const size_t nc_max = nc_block(n);
    size_t total = 0;
    // Each jc block holds all k rows of its columns, padded to whole strips.
    for (size_t jc = 0; jc < n; jc += nc_max) total += k * round_up(std::min(nc_max, n - jc), Kernel::kNr);
    return total;
  }

  static void pack_b_all(bool trans_b, size_t k, size_t n, const float* b, size_t ldb, float* dst) {
    if (k == 0 || n == 0) return;
    const size_t kc_max = kc_block(k), nc_max = nc_block(n);
    for (size_t jc = 0; jc < n; jc += nc_max) {
      const size_t nc = std::min(nc_max, n - jc);
      for (size_t pc = 0; pc < k; pc += kc_max) {
        const size_t kc = std::min(kc_max, k - pc);
        pack_b(trans_b, b, ldb, pc, jc, kc, nc, dst);
        dst += kc * round_up(nc, Kernel::kNr);
      }
    }
  }
};

}  // namespace
}  // namespace bitmill::kernels
