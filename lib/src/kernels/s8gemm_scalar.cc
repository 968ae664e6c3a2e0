// The reference int8 product: plain int32 dot products, obviously right, so that the AVX-512 VNNI
// kernel can be checked against it bit for bit. It is also what runs without AVX-512.
#include <cstring>

#include "kernels/kernels_impl.h"

namespace bitmill::kernels::scalar {

size_t packed_s8_bytes(size_t k, size_t n) { return k * n; }

void pack_s8(size_t k, size_t n, const int8_t* b, size_t ldb, void* dst) {
  auto* out = static_cast<int8_t*>(dst);
  for (size_t j = 0; j < n; ++j) std::memcpy(out + j * k, b + j * ldb, k);
}

void s8gemm_packed(size_t m, size_t n, size_t k, const int8_t* a, size_t lda, const void* packed, int32_t* c,
                   size_t ldc) {
  const auto* b = static_cast<const int8_t*>(packed);
  for (size_t i = 0; i < m; ++i) {
    for (size_t j = 0; j < n; ++j) {
      int32_t sum = 0;
      for (size_t p = 0; p < k; ++p) sum += int32_t{a[i * lda + p]} * int32_t{b[j * k + p]};
      c[i * ldc + j] = sum;
    }
  }
}

size_t s8_hits(const int32_t* c, size_t n, float row_scale, const float* col_scale, float row_cut, const float* col_cut,
               uint32_t* hits) {
  size_t count = 0;
  for (size_t j = 0; j < n; ++j) {
    const float a = static_cast<float>(c[j]) * row_scale * col_scale[j];
    if (a >= row_cut || a >= col_cut[j]) hits[count++] = static_cast<uint32_t>(j);
  }
  return count;
}

}  // namespace bitmill::kernels::scalar
