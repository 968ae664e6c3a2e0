// Dispatch from the public kernel API to the per-ISA implementations.
#include "bitmill/kernels/kernels.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <new>
#include <utility>
#include <vector>

#include "kernels/kernels_impl.h"
#include "kernels/kernels_testing.h"

namespace bitmill::kernels {
namespace {

// sgemm_isa and friends take any Isa from their caller; running AVX2 code on a CPU without it
// would be an illegal instruction, so a request the CPU cannot honour runs the reference. The
// AVX-512 level runs the AVX2 code of every kernel that has no AVX-512 version of its own.
bool use_avx2(Isa isa) { return isa >= Isa::kAvx2 && cpu_supports(Isa::kAvx2); }
bool use_avx512(Isa isa) { return isa >= Isa::kAvx512 && cpu_supports(Isa::kAvx512); }

// 64 bytes: a cache line, which also satisfies the 32-byte aligned loads of the AVX2 kernel.
constexpr std::align_val_t kPackedAlignment{64};

float* allocate_packed(size_t floats) {
  return floats == 0 ? nullptr : static_cast<float*>(::operator new[](floats * sizeof(float), kPackedAlignment));
}

void free_packed(float* p) {
  if (p != nullptr) ::operator delete[](p, kPackedAlignment);
}

void* allocate_bytes(size_t bytes) { return bytes == 0 ? nullptr : ::operator new[](bytes, kPackedAlignment); }

void free_bytes(void* p) {
  if (p != nullptr) ::operator delete[](p, kPackedAlignment);
}

}  // namespace

void sgemm_isa(Isa isa, bool trans_a, bool trans_b, size_t m, size_t n, size_t k, float alpha, const float* a,
               size_t lda, const float* b, size_t ldb, float beta, float* c, size_t ldc) {
  if (use_avx2(isa)) {
    avx2::sgemm(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  } else {
    scalar::sgemm(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  }
}

void sgemm(bool trans_a, bool trans_b, size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda,
           const float* b, size_t ldb, float beta, float* c, size_t ldc) {
  sgemm_isa(active_isa(), trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

PackedB::PackedB() = default;

PackedB::~PackedB() { free_packed(data_); }

PackedB::PackedB(PackedB&& other) noexcept
    : isa_(other.isa_),
      k_(std::exchange(other.k_, 0)),
      n_(std::exchange(other.n_, 0)),
      data_(std::exchange(other.data_, nullptr)) {}

PackedB& PackedB::operator=(PackedB&& other) noexcept {
  if (this != &other) {
    free_packed(data_);
    isa_ = other.isa_;
    k_ = std::exchange(other.k_, 0);
    n_ = std::exchange(other.n_, 0);
    data_ = std::exchange(other.data_, nullptr);
  }
  return *this;
}

PackedB pack_b_isa(Isa isa, bool trans_b, size_t k, size_t n, const float* b, size_t ldb) {
  PackedB out;
  out.isa_ = use_avx2(isa) ? Isa::kAvx2 : Isa::kScalar;
  out.k_ = k;
  out.n_ = n;
  if (out.isa_ == Isa::kAvx2) {
    out.data_ = allocate_packed(avx2::packed_b_size(k, n));
    avx2::pack_b_all(trans_b, k, n, b, ldb, out.data_);
  } else {
    out.data_ = allocate_packed(scalar::packed_b_size(k, n));
    scalar::pack_b_all(trans_b, k, n, b, ldb, out.data_);
  }
  return out;
}

PackedB pack_b(bool trans_b, size_t k, size_t n, const float* b, size_t ldb) {
  return pack_b_isa(active_isa(), trans_b, k, n, b, ldb);
}

void sgemm_packed(bool trans_a, size_t m, float alpha, const float* a, size_t lda, const PackedB& b, float beta,
                  float* c, size_t ldc) {
  // b.isa_ is kAvx2 only if the CPU had it when b was packed.
  if (b.isa_ == Isa::kAvx2) {
    avx2::sgemm_packed(trans_a, m, b.n_, b.k_, alpha, a, lda, b.data_, beta, c, ldc);
  } else {
    scalar::sgemm_packed(trans_a, m, b.n_, b.k_, alpha, a, lda, b.data_, beta, c, ldc);
  }
}

PackedQ8::PackedQ8() = default;

PackedQ8::~PackedQ8() {
  free_bytes(data_);
  free_packed(scales_);
}

PackedQ8::PackedQ8(PackedQ8&& other) noexcept
    : isa_(other.isa_),
      k_(std::exchange(other.k_, 0)),
      n_(std::exchange(other.n_, 0)),
      data_(std::exchange(other.data_, nullptr)),
      scales_(std::exchange(other.scales_, nullptr)) {}

PackedQ8& PackedQ8::operator=(PackedQ8&& other) noexcept {
  if (this != &other) {
    free_bytes(data_);
    free_packed(scales_);
    isa_ = other.isa_;
    k_ = std::exchange(other.k_, 0);
    n_ = std::exchange(other.n_, 0);
    data_ = std::exchange(other.data_, nullptr);
    scales_ = std::exchange(other.scales_, nullptr);
  }
  return *this;
}

PackedQ8 pack_q8_isa(Isa isa, size_t k, size_t n, const float* w, size_t ldw) {
  PackedQ8 out;
  out.isa_ = use_avx2(isa) ? Isa::kAvx2 : Isa::kScalar;
  out.k_ = k;
  out.n_ = n;
  // The quantisation is the scalar reference's for every ISA; only the layout differs. The scales
  // are padded with zeros to a whole 16-float strip, which the AVX2 kernel loads in full.
  const size_t padded_n = (n + 15) / 16 * 16;
  out.scales_ = allocate_packed(padded_n);
  if (out.scales_ != nullptr) std::memset(out.scales_, 0, padded_n * sizeof(float));
  std::vector<int8_t> q(n * k);
  for (size_t j = 0; j < n; ++j) scalar::quantize_row_q8(w + j * ldw, k, q.data() + j * k, out.scales_ + j);
  if (out.isa_ == Isa::kAvx2) {
    out.data_ = allocate_bytes(avx2::packed_q8_bytes(k, n));
    avx2::pack_q8(k, n, q.data(), out.data_);
  } else {
    out.data_ = allocate_bytes(scalar::packed_q8_bytes(k, n));
    scalar::pack_q8(k, n, q.data(), out.data_);
  }
  return out;
}

PackedQ8 pack_q8(size_t k, size_t n, const float* w, size_t ldw) { return pack_q8_isa(active_isa(), k, n, w, ldw); }

void qgemm_packed(size_t m, const float* a, size_t lda, const PackedQ8& b, float* c, size_t ldc) {
  // b.isa_ is kAvx2 only if the CPU had it when b was packed.
  if (b.isa_ == Isa::kAvx2) {
    avx2::qgemm_packed(m, b.n_, b.k_, a, lda, b.data_, b.scales_, c, ldc);
  } else {
    scalar::qgemm_packed(m, b.n_, b.k_, a, lda, b.data_, b.scales_, c, ldc);
  }
}

PackedS8::PackedS8() = default;

PackedS8::~PackedS8() { free_bytes(data_); }

PackedS8::PackedS8(PackedS8&& other) noexcept
    : isa_(other.isa_),
      k_(std::exchange(other.k_, 0)),
      n_(std::exchange(other.n_, 0)),
      data_(std::exchange(other.data_, nullptr)) {}

PackedS8& PackedS8::operator=(PackedS8&& other) noexcept {
  if (this != &other) {
    free_bytes(data_);
    isa_ = other.isa_;
    k_ = std::exchange(other.k_, 0);
    n_ = std::exchange(other.n_, 0);
    data_ = std::exchange(other.data_, nullptr);
  }
  return *this;
}

PackedS8 pack_s8_isa(Isa isa, size_t k, size_t n, const int8_t* b, size_t ldb) {
  PackedS8 out;
  out.isa_ = use_avx512(isa) ? Isa::kAvx512 : Isa::kScalar;
  out.k_ = k;
  out.n_ = n;
  if (out.isa_ == Isa::kAvx512) {
    out.data_ = allocate_bytes(avx512::packed_s8_bytes(k, n));
    avx512::pack_s8(k, n, b, ldb, out.data_);
  } else {
    out.data_ = allocate_bytes(scalar::packed_s8_bytes(k, n));
    scalar::pack_s8(k, n, b, ldb, out.data_);
  }
  return out;
}

PackedS8 pack_s8(size_t k, size_t n, const int8_t* b, size_t ldb) { return pack_s8_isa(active_isa(), k, n, b, ldb); }

void s8gemm_packed(size_t m, const int8_t* a, size_t lda, const PackedS8& b, int32_t* c, size_t ldc) {
  // b.isa_ is kAvx512 only if the CPU had it when b was packed.
  if (b.isa_ == Isa::kAvx512) {
    avx512::s8gemm_packed(m, b.n_, b.k_, a, lda, b.data_, c, ldc);
  } else {
    scalar::s8gemm_packed(m, b.n_, b.k_, a, lda, b.data_, c, ldc);
  }
}

size_t s8_hits_isa(Isa isa, const int32_t* c, size_t n, float row_scale, const float* col_scale, float row_cut,
                   const float* col_cut, uint32_t* hits) {
  return use_avx512(isa) ? avx512::s8_hits(c, n, row_scale, col_scale, row_cut, col_cut, hits)
                         : scalar::s8_hits(c, n, row_scale, col_scale, row_cut, col_cut, hits);
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

float dot_f32_isa(Isa isa, const float* a, const float* b, size_t n) {
  return use_avx2(isa) ? avx2::dot_f32(a, b, n) : scalar::dot_f32(a, b, n);
}

float dot_f32(const float* a, const float* b, size_t n) { return dot_f32_isa(active_isa(), a, b, n); }

float dot_f32_scaled_isa(Isa isa, const float* a, const void* b, bool b_is_half, float b_scale, size_t n) {
  return use_avx2(isa) ? avx2::dot_f32_scaled(a, b, b_is_half, b_scale, n)
                       : scalar::dot_f32_scaled(a, b, b_is_half, b_scale, n);
}

float dot_f32_scaled(const float* a, const void* b, bool b_is_half, float b_scale, size_t n) {
  return dot_f32_scaled_isa(active_isa(), a, b, b_is_half, b_scale, n);
}

void layer_norm_isa(Isa isa, float* x, size_t rows, size_t cols, size_t ld, const float* gamma, const float* beta,
                    float eps) {
  if (use_avx2(isa)) {
    avx2::layer_norm(x, rows, cols, ld, gamma, beta, eps);
  } else {
    scalar::layer_norm(x, rows, cols, ld, gamma, beta, eps);
  }
}

void layer_norm(float* x, size_t rows, size_t cols, size_t ld, const float* gamma, const float* beta, float eps) {
  layer_norm_isa(active_isa(), x, rows, cols, ld, gamma, beta, eps);
}

void gelu_erf_isa(Isa isa, float* x, size_t n) {
  if (use_avx2(isa)) {
    avx2::gelu_erf(x, n);
  } else {
    scalar::gelu_erf(x, n);
  }
}

void gelu_erf(float* x, size_t n) { gelu_erf_isa(active_isa(), x, n); }

void softmax_rows_isa(Isa isa, float* x, size_t rows, size_t cols, size_t ld, size_t valid) {
  if (use_avx2(isa)) {
    avx2::softmax_rows(x, rows, cols, ld, valid);
  } else {
    scalar::softmax_rows(x, rows, cols, ld, valid);
  }
}

void softmax_rows(float* x, size_t rows, size_t cols, size_t ld, size_t valid) {
  softmax_rows_isa(active_isa(), x, rows, cols, ld, valid);
}

void f16_to_f32_isa(Isa isa, const void* in, float* out, size_t n) {
  if (use_avx2(isa)) {
    avx2::f16_to_f32(in, out, n);
  } else {
    scalar::f16_to_f32(in, out, n);
  }
}

void f16_to_f32(const void* in, float* out, size_t n) { f16_to_f32_isa(active_isa(), in, out, n); }

// No AVX2 versions: add_bias is memory-bound and its loop is vectorised by the compiler for the
// baseline ISA, and tanh only runs on the pooler's one row per sequence.
void tanh_inplace(float* x, size_t n) { scalar::tanh_inplace(x, n); }

void add_bias(float* x, size_t rows, size_t cols, size_t ld, const float* bias) {
  scalar::add_bias(x, rows, cols, ld, bias);
}

}  // namespace bitmill::kernels
