// The per-ISA dispatch table: one KernelTable per level, each naming the implementation of every
// kernel that runs at that level (its own, or a lower level's where it has none), chosen once per
// call site from a level, the way FAISS's SIMD levels or CTranslate2's CPU_ISA_DISPATCH choose.
// Contracts are those of kernels_impl.h and bitmill/kernels/kernels.h.
#pragma once

#include <cstddef>
#include <cstdint>

#include "bitmill/kernels/kernels.h"

namespace bitmill::kernels {

struct KernelTable {
  Isa isa;  // the level whose table this is

  void (*sgemm)(bool trans_a, bool trans_b, size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda,
                const float* b, size_t ldb, float beta, float* c, size_t ldc);
  size_t (*packed_b_size)(size_t k, size_t n);  // in floats
  void (*pack_b_all)(bool trans_b, size_t k, size_t n, const float* b, size_t ldb, float* dst);
  void (*sgemm_packed)(bool trans_a, size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda,
                       const float* packed, float beta, float* c, size_t ldc);

  size_t (*packed_q8_bytes)(size_t k, size_t n);
  void (*pack_q8)(size_t k, size_t n, const int8_t* q, void* dst);
  void (*qgemm_packed)(size_t m, size_t n, size_t k, const float* a, size_t lda, const void* packed,
                       const float* w_scale, float* c, size_t ldc);

  size_t (*packed_s8_bytes)(size_t k, size_t n);
  void (*pack_s8)(size_t k, size_t n, const int8_t* b, size_t ldb, void* dst);
  void (*s8gemm_packed)(size_t m, size_t n, size_t k, const int8_t* a, size_t lda, const void* packed, int32_t* c,
                        size_t ldc);
  size_t (*s8_hits)(const int32_t* c, size_t n, float row_scale, const float* col_scale, float row_cut,
                    const float* col_cut, uint32_t* hits);

  float (*dot_f32)(const float* a, const float* b, size_t n);
  float (*dot_f32_scaled)(const float* a, const void* b, bool b_is_half, float b_scale, size_t n);
  void (*layer_norm)(float* x, size_t rows, size_t cols, size_t ld, const float* gamma, const float* beta, float eps);
  void (*gelu_erf)(float* x, size_t n);
  void (*softmax_rows)(float* x, size_t rows, size_t cols, size_t ld, size_t valid);
  void (*f16_to_f32)(const void* in, float* out, size_t n);
};

// The table of `isa`, or of the best level below it that this CPU supports: a level the CPU lacks
// would be an illegal instruction, so a request for it runs the best one the CPU has.
const KernelTable& kernel_table(Isa isa);

}  // namespace bitmill::kernels
