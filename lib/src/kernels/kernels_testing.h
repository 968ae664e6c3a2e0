// Every kernel on a given ISA, for the unit tests and the benchmarks beside them (private to the
// kernels area): contracts are those of the same-named functions of bitmill/kernels/kernels.h
// without the _isa suffix. An ISA the CPU lacks runs (or packs) as kScalar; AVX2 has no int8
// product of its own and packs PackedS8 for kScalar. The programs outside the kernels call the
// dispatching functions, which run on active_isa().
#pragma once

#include <cstddef>
#include <cstdint>

#include "bitmill/kernels/kernels.h"

namespace bitmill::kernels {

void sgemm_isa(Isa isa, bool trans_a, bool trans_b, size_t m, size_t n, size_t k, float alpha, const float* a,
               size_t lda, const float* b, size_t ldb, float beta, float* c, size_t ldc);
PackedB pack_b_isa(Isa isa, bool trans_b, size_t k, size_t n, const float* b, size_t ldb);
PackedQ8 pack_q8_isa(Isa isa, size_t k, size_t n, const float* w, size_t ldw);
PackedBf16 pack_bf16_isa(Isa isa, size_t k, size_t n, const float* w, size_t ldw);
PackedS8 pack_s8_isa(Isa isa, size_t k, size_t n, const int8_t* b, size_t ldb);
size_t s8_hits_isa(Isa isa, const int32_t* c, size_t n, float row_scale, const float* col_scale, float row_cut,
                   const float* col_cut, uint32_t* hits);
float dot_f32_isa(Isa isa, const float* a, const float* b, size_t n);
float dot_f32_scaled_isa(Isa isa, const float* a, const void* b, bool b_is_half, float b_scale, size_t n);
void layer_norm_isa(Isa isa, float* x, size_t rows, size_t cols, size_t ld, const float* gamma, const float* beta,
                    float eps);
void gelu_erf_isa(Isa isa, float* x, size_t n);
void softmax_rows_isa(Isa isa, float* x, size_t rows, size_t cols, size_t ld, size_t valid);
void f16_to_f32_isa(Isa isa, const void* in, float* out, size_t n);

}  // namespace bitmill::kernels
