// The reference int8 GEMM: each row of A quantised on its own, then plain int32 dot products
// against the quantised weight rows, so that it is obviously right and the AVX2 kernel can be
// checked against it bit for bit. It is also what runs on CPUs without AVX2.
//
// Also home to the quantisation rule itself (q8_scale, quantize_row_q8), which the AVX2 code
// calls too, so that the two cannot drift apart.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "bitmill/kernels/kernels.h"
#include "kernels/kernels_impl.h"

namespace bitmill::kernels::scalar {

Q8Scale q8_scale(float amax, bool finite) {
  if (!finite) return {std::numeric_limits<float>::quiet_NaN(), 0.0f};
  if (amax < kQ8MinAmax) return {0.0f, 0.0f};
  return {amax / 127.0f, 127.0f / amax};
}

void quantize_row_q8(const float* x, size_t k, int8_t* q, float* scale) {
  float amax = 0.0f;
  bool finite = true;
  for (size_t p = 0; p < k; ++p) {
    finite = finite && std::isfinite(x[p]);
    amax = std::max(amax, std::fabs(x[p]));
  }
  const Q8Scale s = q8_scale(amax, finite);
  *scale = s.scale;
  for (size_t p = 0; p < k; ++p) {
    // |x| <= amax keeps the product within 127 (plus rounding), so the clamp is only a guard.
    const float v = finite ? std::nearbyint(x[p] * s.inv) : 0.0f;
    q[p] = static_cast<int8_t>(std::clamp(v, -127.0f, 127.0f));
  }
}

size_t packed_q8_bytes(size_t k, size_t n) { return k * n; }

void pack_q8(size_t k, size_t n, const int8_t* q, void* dst) {
  if (k * n > 0) std::memcpy(dst, q, k * n);
}

void qgemm_packed(size_t m, size_t n, size_t k, const float* a, size_t lda, const void* packed, const float* w_scale,
                  float* c, size_t ldc) {
  const auto* w = static_cast<const int8_t*>(packed);
  std::vector<int8_t> qa(k);
  for (size_t i = 0; i < m; ++i) {
    float a_scale = 0.0f;
    quantize_row_q8(a + i * lda, k, qa.data(), &a_scale);
    for (size_t j = 0; j < n; ++j) {
      int32_t sum = 0;
      for (size_t p = 0; p < k; ++p) sum += int32_t{qa[p]} * int32_t{w[j * k + p]};
      c[i * ldc + j] = static_cast<float>(sum) * a_scale * w_scale[j];
    }
  }
}

}  // namespace bitmill::kernels::scalar
