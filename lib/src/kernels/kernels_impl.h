// Per-ISA implementations behind the dispatch in kernels.cc. Contracts are those of the
// same-named functions in bitmill/kernels/kernels.h.
//
// Each namespace's functions are compiled for its instruction set only (*_avx2.cc with -mavx2
// -mfma, *_avx512.cc with AVX-512 F/BW/VL/DQ, ...): calling one on a CPU without it is undefined,
// so everything outside the kernels goes through the dispatch table (kernel_table.h), which never
// picks a level above the CPU's.
#pragma once

#include <cstddef>
#include <cstdint>

namespace bitmill::kernels {

// Each ISA's namespace declares the same kernels under the same names (per-ISA twins, on purpose):
// kernels.cc dispatches to one of them, and the tests compare each with scalar::.
namespace scalar {

// The reference: for each C element, a float dot product accumulated in k order, then
// alpha * sum (+ beta * c).
void sgemm(bool trans_a, bool trans_b, size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda,
           const float* b, size_t ldb, float beta, float* c, size_t ldc);
// A packed B is op(B) as a dense k x n row-major copy, so sgemm_packed is sgemm on it untransposed.
size_t packed_b_size(size_t k, size_t n);
void pack_b_all(bool trans_b, size_t k, size_t n, const float* b, size_t ldb, float* dst);
void sgemm_packed(bool trans_a, size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda,
                  const float* packed, float beta, float* c, size_t ldc);
// int8 quantisation, as specified in kernels.h. q8_scale is the per-row decision from the row's
// largest magnitude (`finite` false if the row holds a NaN or an infinity), shared by every ISA
// so that they cannot disagree on it: scale is the row's scale, inv the factor 127 / amax that
// maps the row to [-127, 127] (0 for a row that counts as zero; for a non-finite row q is 0
// whatever inv says).
struct Q8Scale {
  float scale, inv;
};
Q8Scale q8_scale(float amax, bool finite);
void quantize_row_q8(const float* x, size_t k, int8_t* q, float* scale);
// A packed scalar weight is the quantised n x k matrix, row-major, dense.
size_t packed_q8_bytes(size_t k, size_t n);
void pack_q8(size_t k, size_t n, const int8_t* q, void* dst);
void qgemm_packed(size_t m, size_t n, size_t k, const float* a, size_t lda, const void* packed, const float* w_scale,
                  float* c, size_t ldc);
void layer_norm(float* x, size_t rows, size_t cols, size_t ld, const float* gamma, const float* beta, float eps);
void gelu_erf(float* x, size_t n);
void tanh_inplace(float* x, size_t n);
void softmax_rows(float* x, size_t rows, size_t cols, size_t ld, size_t valid);
void add_bias(float* x, size_t rows, size_t cols, size_t ld, const float* bias);
void f16_to_f32(const void* in, float* out, size_t n);
// bf16 rounding (f32_to_bf16 of kernels.h) and its exact inverse.
uint16_t f32_to_bf16(float x);
float bf16_to_f32(uint16_t h);
// A packed scalar int8 B is B itself, n x k, dense.
size_t packed_s8_bytes(size_t k, size_t n);
void pack_s8(size_t k, size_t n, const int8_t* b, size_t ldb, void* dst);
void s8gemm_packed(size_t m, size_t n, size_t k, const int8_t* a, size_t lda, const void* packed, int32_t* c,
                   size_t ldc);
float dot_f32(const float* a, const float* b, size_t n);
float dot_f32_scaled(const float* a, const void* b, bool b_is_half, float b_scale, size_t n);
size_t s8_hits(const int32_t* c, size_t n, float row_scale, const float* col_scale, float row_cut, const float* col_cut,
               uint32_t* hits);

}  // namespace scalar

namespace avx2 {

void sgemm(bool trans_a, bool trans_b, size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda,
           const float* b, size_t ldb, float beta, float* c, size_t ldc);
// A packed B is the sequence of KC x NC blocks, in NR-wide strips, that sgemm packs on each call,
// in the order sgemm's loops use them; its size in floats depends on k and n only.
size_t packed_b_size(size_t k, size_t n);
void pack_b_all(bool trans_b, size_t k, size_t n, const float* b, size_t ldb, float* dst);
void sgemm_packed(bool trans_a, size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda,
                  const float* packed, float beta, float* c, size_t ldc);
// A packed int8 weight (q: the quantised n x k matrix, row-major) is ceil(n / 16) strips of 16
// output rows; strip s holds, for each pair of k indices (2t, 2t + 1), the 16 rows' pairs
// (q[j][2t], q[j][2t + 1]) widened to int16, zero past n and past k. Its size in bytes depends on
// k and n only.
size_t packed_q8_bytes(size_t k, size_t n);
void pack_q8(size_t k, size_t n, const int8_t* q, void* dst);
// w_scale must be readable up to n rounded up to 16.
void qgemm_packed(size_t m, size_t n, size_t k, const float* a, size_t lda, const void* packed, const float* w_scale,
                  float* c, size_t ldc);
void layer_norm(float* x, size_t rows, size_t cols, size_t ld, const float* gamma, const float* beta, float eps);
// F16C conversion (every AVX2 CPU has F16C; *_avx2.cc files are compiled with -mf16c).
void f16_to_f32(const void* in, float* out, size_t n);
void gelu_erf(float* x, size_t n);
void softmax_rows(float* x, size_t rows, size_t cols, size_t ld, size_t valid);

// The vector math under gelu_erf and softmax_rows, exposed so that the tests can hold them to
// std::erf and std::exp directly: x[i] <- erf(x[i]) (absolute error below 1e-7 everywhere, and
// relative error below 1e-7 near 0) and x[i] <- exp(x[i]) (relative error below 1e-7 for normal
// results, rounded to the subnormal grid below them, 0 past -104 and +inf past ln(FLT_MAX) as
// expf). NaN stays NaN.
void erf_inplace(float* x, size_t n);
void exp_inplace(float* x, size_t n);
float dot_f32(const float* a, const float* b, size_t n);
float dot_f32_scaled(const float* a, const void* b, bool b_is_half, float b_scale, size_t n);

}  // namespace avx2

// AVX2 with AVX-VNNI, the VEX form of vpdpbusd (*_avxvnni.cc): the encoder's int8 GEMM only. A
// packed weight is ceil(n / 16) strips of 16 columns; strip s holds, for each group of 4 k indices
// g, two 32-byte vectors (columns 16s .. 16s + 7, then the next 8), whose 32-bit lane c is the 4
// bytes q[col][4g + t] + 128, zero (128) past k and past n. Bit for bit the scalar reference.
namespace avxvnni {

size_t packed_q8_bytes(size_t k, size_t n);
void pack_q8(size_t k, size_t n, const int8_t* q, void* dst);
void qgemm_packed(size_t m, size_t n, size_t k, const float* a, size_t lda, const void* packed, const float* w_scale,
                  float* c, size_t ldc);

}  // namespace avxvnni

// AVX-512 F/BW/VL/DQ (*_avx512.cc). A packed B is sgemm's KC x NC blocks in 48-wide strips, in the
// order its loops use them (as AVX2's, with other block sizes); its size depends on k and n only.
namespace avx512 {

void sgemm(bool trans_a, bool trans_b, size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda,
           const float* b, size_t ldb, float beta, float* c, size_t ldc);
size_t packed_b_size(size_t k, size_t n);
void pack_b_all(bool trans_b, size_t k, size_t n, const float* b, size_t ldb, float* dst);
void sgemm_packed(bool trans_a, size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda,
                  const float* packed, float beta, float* c, size_t ldc);
void layer_norm(float* x, size_t rows, size_t cols, size_t ld, const float* gamma, const float* beta, float eps);
// gelu_erf, erf_inplace and exp_inplace give AVX2's bits (the same lane-wise operations).
void gelu_erf(float* x, size_t n);
void softmax_rows(float* x, size_t rows, size_t cols, size_t ld, size_t valid);
void erf_inplace(float* x, size_t n);
void exp_inplace(float* x, size_t n);

}  // namespace avx512

namespace avx512vnni {

// A packed AVX-512 VNNI int8 B is ceil(n / 32) strips of 32 columns; strip s holds, for each group of 4
// k indices g = 0 .. ceil(k / 4) - 1, two 64-byte vectors (columns 32s .. 32s + 15, then the next
// 16), whose 32-bit lane c is the 4 bytes b[col][4g + t] + 128 (t = 0..3) as unsigned bytes, with
// b = 0 past k and past n. VNNI multiplies unsigned by signed bytes: the +128 makes B unsigned, and
// 128 * sum(A row) comes off again at the end, exactly.
size_t packed_s8_bytes(size_t k, size_t n);
void pack_s8(size_t k, size_t n, const int8_t* b, size_t ldb, void* dst);
void s8gemm_packed(size_t m, size_t n, size_t k, const int8_t* a, size_t lda, const void* packed, int32_t* c,
                   size_t ldc);
size_t s8_hits(const int32_t* c, size_t n, float row_scale, const float* col_scale, float row_cut, const float* col_cut,
               uint32_t* hits);
// The encoder's int8 weight (q: the quantised n x k matrix, row-major) is packed as pack_s8 packs
// B, so that qgemm_packed runs on the same micro-tile; the result is the scalar reference's bit
// for bit.
size_t packed_q8_bytes(size_t k, size_t n);
void pack_q8(size_t k, size_t n, const int8_t* q, void* dst);
void qgemm_packed(size_t m, size_t n, size_t k, const float* a, size_t lda, const void* packed, const float* w_scale,
                  float* c, size_t ldc);
// The bf16 GEMM on AVX512-BF16 (the caller checks the CPU has it). A packed bf16 weight is ceil(n /
// 32) strips of 32 columns; strip s holds, for each k pair g = 0 .. ceil(k / 2) - 1, two 64-byte
// vectors (columns 32s .. 32s + 15, then the next 16) whose 32-bit lane c is (w[col][2g],
// w[col][2g + 1]) rounded to bf16, zero past k and past n.
size_t packed_bf16_bytes(size_t k, size_t n);
void pack_bf16(size_t k, size_t n, const float* w, size_t ldw, void* dst);
void bf16gemm_packed(size_t m, size_t n, size_t k, const float* a, size_t lda, const void* packed, float* c,
                     size_t ldc);

}  // namespace avx512vnni

}  // namespace bitmill::kernels
