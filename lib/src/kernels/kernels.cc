// Dispatch from the public kernel API to the per-ISA implementations, through kernel_table.h.
#include "bitmill/kernels/kernels.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <new>
#include <utility>
#include <vector>

#include "kernels/kernel_table.h"
#include "kernels/kernels_impl.h"
#include "kernels/kernels_testing.h"

namespace bitmill::kernels {
namespace {

// 64 bytes: a cache line, which also satisfies the 32-byte aligned loads of the AVX2 kernel.
constexpr std::align_val_t kPackedAlignment{64};

void* allocate_aligned(size_t bytes) { return bytes == 0 ? nullptr : ::operator new[](bytes, kPackedAlignment); }

void free_aligned(void* p) {
  if (p != nullptr) ::operator delete[](p, kPackedAlignment);
}

// The int8 GEMM of the avx2 and avx512 levels runs on AVX-VNNI where the CPU has it (the
// avx512vnni level has its own, twice as wide).
bool avx_vnni_q8(Isa table_isa) { return (table_isa == Isa::kAvx2 || table_isa == Isa::kAvx512) && cpu_has_avx_vnni(); }

}  // namespace

PackedStorage::~PackedStorage() { release(); }

PackedStorage::PackedStorage(PackedStorage&& other) noexcept
    : isa(other.isa),
      variant(std::exchange(other.variant, 0)),
      k(std::exchange(other.k, 0)),
      n(std::exchange(other.n, 0)),
      data(std::exchange(other.data, nullptr)),
      scales(std::exchange(other.scales, nullptr)) {}

PackedStorage& PackedStorage::operator=(PackedStorage&& other) noexcept {
  if (this != &other) {
    release();
    isa = other.isa;
    variant = std::exchange(other.variant, 0);
    k = std::exchange(other.k, 0);
    n = std::exchange(other.n, 0);
    data = std::exchange(other.data, nullptr);
    scales = std::exchange(other.scales, nullptr);
  }
  return *this;
}

void PackedStorage::release() {
  free_aligned(data);
  free_aligned(scales);
  data = nullptr;
  scales = nullptr;
}

void PackedStorage::allocate_data(size_t bytes) {
  free_aligned(data);
  data = allocate_aligned(bytes);
}

void PackedStorage::allocate_scales(size_t count) {
  free_aligned(scales);
  scales = static_cast<float*>(allocate_aligned(count * sizeof(float)));
  if (scales != nullptr) std::memset(scales, 0, count * sizeof(float));
}

void sgemm_isa(Isa isa, bool trans_a, bool trans_b, size_t m, size_t n, size_t k, float alpha, const float* a,
               size_t lda, const float* b, size_t ldb, float beta, float* c, size_t ldc) {
  kernel_table(isa).sgemm(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void sgemm(bool trans_a, bool trans_b, size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda,
           const float* b, size_t ldb, float beta, float* c, size_t ldc) {
  sgemm_isa(active_isa(), trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

PackedB pack_b_isa(Isa isa, bool trans_b, size_t k, size_t n, const float* b, size_t ldb) {
  const KernelTable& t = kernel_table(isa);
  PackedB out;
  PackedStorage& s = out.s_ = PackedStorage(t.isa, k, n);
  s.allocate_data(t.packed_b_size(k, n) * sizeof(float));
  t.pack_b_all(trans_b, k, n, b, ldb, static_cast<float*>(s.data));
  return out;
}

PackedB pack_b(bool trans_b, size_t k, size_t n, const float* b, size_t ldb) {
  return pack_b_isa(active_isa(), trans_b, k, n, b, ldb);
}

void sgemm_packed(bool trans_a, size_t m, float alpha, const float* a, size_t lda, const PackedB& b, float beta,
                  float* c, size_t ldc) {
  // The packed B's level is one the CPU had when it was packed, and its layout is that level's.
  const PackedStorage& s = b.s_;
  kernel_table(s.isa).sgemm_packed(trans_a, m, s.n, s.k, alpha, a, lda, static_cast<const float*>(s.data), beta, c,
                                   ldc);
}

PackedQ8 pack_q8_isa(Isa isa, size_t k, size_t n, const float* w, size_t ldw) {
  const KernelTable& t = kernel_table(isa);
  PackedQ8 out;
  PackedStorage& s = out.s_ = PackedStorage(t.isa, k, n);
  // The quantisation is the scalar reference's for every ISA; only the layout differs. The scales
  // are padded with zeros to a whole 64-byte line, which a vector kernel may load in full.
  s.allocate_scales((n + 15) / 16 * 16);
  std::vector<int8_t> q(n * k);
  for (size_t j = 0; j < n; ++j) scalar::quantize_row_q8(w + j * ldw, k, q.data() + j * k, s.scales + j);
  if (avx_vnni_q8(t.isa)) {
    s.variant = 2;
    s.allocate_data(avxvnni::packed_q8_bytes(k, n));
    avxvnni::pack_q8(k, n, q.data(), s.data);
    return out;
  }
  s.allocate_data(t.packed_q8_bytes(k, n));
  t.pack_q8(k, n, q.data(), s.data);
  return out;
}

PackedQ8 pack_q8(size_t k, size_t n, const float* w, size_t ldw) { return pack_q8_isa(active_isa(), k, n, w, ldw); }

void qgemm_packed(size_t m, const float* a, size_t lda, const PackedQ8& b, float* c, size_t ldc) {
  const PackedStorage& s = b.s_;
  if (s.variant == 2) {
    avxvnni::qgemm_packed(m, s.n, s.k, a, lda, s.data, s.scales, c, ldc);
    return;
  }
  kernel_table(s.isa).qgemm_packed(m, s.n, s.k, a, lda, s.data, s.scales, c, ldc);
}

uint16_t f32_to_bf16(float x) { return scalar::f32_to_bf16(x); }

bool bf16_native(Isa isa) { return kernel_table(isa).isa >= Isa::kAvx512Vnni && cpu_has_avx512_bf16(); }

PackedBf16 pack_bf16_isa(Isa isa, size_t k, size_t n, const float* w, size_t ldw) {
  const KernelTable& t = kernel_table(isa);
  PackedBf16 out;
  PackedStorage& s = out.s_ = PackedStorage(t.isa, k, n);
  if (bf16_native(t.isa)) {
    s.variant = 1;
    s.allocate_data(avx512vnni::packed_bf16_bytes(k, n));
    avx512vnni::pack_bf16(k, n, w, ldw, s.data);
    return out;
  }
  // Without bf16 products: the rounded weights as the level's f32 packed B.
  std::vector<float> r(n * k);
  for (size_t j = 0; j < n; ++j) {
    for (size_t p = 0; p < k; ++p) r[j * k + p] = scalar::bf16_to_f32(scalar::f32_to_bf16(w[j * ldw + p]));
  }
  s.allocate_data(t.packed_b_size(k, n) * sizeof(float));
  t.pack_b_all(true, k, n, r.data(), k, static_cast<float*>(s.data));
  return out;
}

PackedBf16 pack_bf16(size_t k, size_t n, const float* w, size_t ldw) {
  return pack_bf16_isa(active_isa(), k, n, w, ldw);
}

void bf16gemm_packed(size_t m, const float* a, size_t lda, const PackedBf16& b, float* c, size_t ldc) {
  const PackedStorage& s = b.s_;
  if (s.variant == 1) {
    avx512vnni::bf16gemm_packed(m, s.n, s.k, a, lda, s.data, c, ldc);
    return;
  }
  std::vector<float> r(m * s.k);
  for (size_t i = 0; i < m; ++i) {
    for (size_t p = 0; p < s.k; ++p) r[i * s.k + p] = scalar::bf16_to_f32(scalar::f32_to_bf16(a[i * lda + p]));
  }
  kernel_table(s.isa).sgemm_packed(false, m, s.n, s.k, 1.0f, r.data(), s.k, static_cast<const float*>(s.data), 0.0f, c,
                                   ldc);
}

PackedS8 pack_s8_isa(Isa isa, size_t k, size_t n, const int8_t* b, size_t ldb) {
  const KernelTable& t = kernel_table(isa);
  PackedS8 out;
  PackedStorage& s = out.s_ = PackedStorage(t.isa, k, n);
  s.allocate_data(t.packed_s8_bytes(k, n));
  t.pack_s8(k, n, b, ldb, s.data);
  return out;
}

PackedS8 pack_s8(size_t k, size_t n, const int8_t* b, size_t ldb) { return pack_s8_isa(active_isa(), k, n, b, ldb); }

void s8gemm_packed(size_t m, const int8_t* a, size_t lda, const PackedS8& b, int32_t* c, size_t ldc) {
  const PackedStorage& s = b.s_;
  kernel_table(s.isa).s8gemm_packed(m, s.n, s.k, a, lda, s.data, c, ldc);
}

size_t s8_hits_isa(Isa isa, const int32_t* c, size_t n, float row_scale, const float* col_scale, float row_cut,
                   const float* col_cut, uint32_t* hits) {
  return kernel_table(isa).s8_hits(c, n, row_scale, col_scale, row_cut, col_cut, hits);
}

size_t s8_hits(const int32_t* c, size_t n, float row_scale, const float* col_scale, float row_cut, const float* col_cut,
               uint32_t* hits) {
  return s8_hits_isa(active_isa(), c, n, row_scale, col_scale, row_cut, col_cut, hits);
}

float quantize_row_q8(const float* x, size_t k, int8_t* q, float* scale) {
  scalar::quantize_row_q8(x, k, q, scale);
  double ss = 0;
  for (size_t p = 0; p < k; ++p) {
    const double e = static_cast<double>(x[p]) - static_cast<double>(*scale) * q[p];
    ss += e * e;
  }
  if (!std::isfinite(ss)) return std::numeric_limits<float>::infinity();
  // The double sum is within a relative 1e-12 or so of the true one; rounding the float up by a
  // relative 2^-20 more makes it an upper bound.
  return static_cast<float>(std::sqrt(ss)) * (1.0f + 0x1p-20f);
}

float dot_f32_isa(Isa isa, const float* a, const float* b, size_t n) { return kernel_table(isa).dot_f32(a, b, n); }

float dot_f32(const float* a, const float* b, size_t n) { return dot_f32_isa(active_isa(), a, b, n); }

float dot_f32_scaled_isa(Isa isa, const float* a, const void* b, bool b_is_half, float b_scale, size_t n) {
  return kernel_table(isa).dot_f32_scaled(a, b, b_is_half, b_scale, n);
}

float dot_f32_scaled(const float* a, const void* b, bool b_is_half, float b_scale, size_t n) {
  return dot_f32_scaled_isa(active_isa(), a, b, b_is_half, b_scale, n);
}

void layer_norm_isa(Isa isa, float* x, size_t rows, size_t cols, size_t ld, const float* gamma, const float* beta,
                    float eps) {
  kernel_table(isa).layer_norm(x, rows, cols, ld, gamma, beta, eps);
}

void layer_norm(float* x, size_t rows, size_t cols, size_t ld, const float* gamma, const float* beta, float eps) {
  layer_norm_isa(active_isa(), x, rows, cols, ld, gamma, beta, eps);
}

void gelu_erf_isa(Isa isa, float* x, size_t n) { kernel_table(isa).gelu_erf(x, n); }

void gelu_erf(float* x, size_t n) { gelu_erf_isa(active_isa(), x, n); }

void softmax_rows_isa(Isa isa, float* x, size_t rows, size_t cols, size_t ld, size_t valid) {
  kernel_table(isa).softmax_rows(x, rows, cols, ld, valid);
}

void softmax_rows(float* x, size_t rows, size_t cols, size_t ld, size_t valid) {
  softmax_rows_isa(active_isa(), x, rows, cols, ld, valid);
}

void f16_to_f32_isa(Isa isa, const void* in, float* out, size_t n) { kernel_table(isa).f16_to_f32(in, out, n); }

void f16_to_f32(const void* in, float* out, size_t n) { f16_to_f32_isa(active_isa(), in, out, n); }

// Not in the table: add_bias is memory-bound and its loop is vectorised by the compiler for the
// baseline ISA, and tanh only runs on the pooler's one row per sequence.
void tanh_inplace(float* x, size_t n) { scalar::tanh_inplace(x, n); }

void add_bias(float* x, size_t rows, size_t cols, size_t ld, const float* bias) {
  scalar::add_bias(x, rows, cols, ld, bias);
}

}  // namespace bitmill::kernels
