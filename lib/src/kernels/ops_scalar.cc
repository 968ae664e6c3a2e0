// Reference implementations of the row-wise ops: straightforward loops over libm, against which
// the AVX2 versions are tested, and what runs on CPUs without AVX2.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "bitmill/util/half.h"
#include "kernels/kernels_impl.h"

namespace bitmill::kernels::scalar {

void layer_norm(float* x, size_t rows, size_t cols, size_t ld, const float* gamma, const float* beta, float eps) {
  if (cols == 0) return;
  // Divisions rather than a multiply by 1/cols: exact whenever the sum is a multiple of cols,
  // which the tests use to compare the ISAs bit for bit.
  const float n = static_cast<float>(cols);
  for (size_t r = 0; r < rows; ++r) {
    float* row = x + r * ld;
    float sum = 0.0f;
    for (size_t j = 0; j < cols; ++j) sum += row[j];
    const float mean = sum / n;
    // Two passes (variance of the deviations rather than E[x^2] - mean^2): no cancellation when
    // the mean is large against the spread.
    float sq = 0.0f;
    for (size_t j = 0; j < cols; ++j) {
      const float d = row[j] - mean;
      sq += d * d;
    }
    const float rstd = 1.0f / std::sqrt(sq / n + eps);
    for (size_t j = 0; j < cols; ++j) row[j] = (row[j] - mean) * rstd * gamma[j] + beta[j];
  }
}

void gelu_erf(float* x, size_t n) {
  constexpr float kSqrtHalf = 0.707106781186547524f;
  for (size_t i = 0; i < n; ++i) x[i] = x[i] * 0.5f * (1.0f + std::erf(x[i] * kSqrtHalf));
}

void tanh_inplace(float* x, size_t n) {
  for (size_t i = 0; i < n; ++i) x[i] = std::tanh(x[i]);
}

void softmax_rows(float* x, size_t rows, size_t cols, size_t ld, size_t valid) {
  valid = std::min(valid, cols);
  for (size_t r = 0; r < rows; ++r) {
    float* row = x + r * ld;
    if (valid > 0) {
      // Subtracting the maximum keeps exp from overflowing; the result is the same in exact math.
      float mx = row[0];
      for (size_t j = 1; j < valid; ++j) mx = std::max(mx, row[j]);
      // The sum in double: over a few hundred terms a float sum would be the largest error.
      double sum = 0.0;
      for (size_t j = 0; j < valid; ++j) {
        row[j] = std::exp(row[j] - mx);
        sum += static_cast<double>(row[j]);
      }
      const float inv = static_cast<float>(1.0 / sum);
      for (size_t j = 0; j < valid; ++j) row[j] *= inv;
    }
    std::fill(row + valid, row + cols, 0.0f);
  }
}

void add_bias(float* x, size_t rows, size_t cols, size_t ld, const float* bias) {
  for (size_t r = 0; r < rows; ++r) {
    float* row = x + r * ld;
    for (size_t j = 0; j < cols; ++j) row[j] += bias[j];
  }
}

uint16_t f32_to_bf16(float x) {
  uint32_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  if (std::isnan(x)) return static_cast<uint16_t>((bits >> 16) | 0x40u);  // quiet, sign kept
  // Round to nearest even on the bit pattern: add half an ulp of bf16 less one, plus the lowest
  // kept bit, and truncate (a carry into the exponent rounds up to the next binade or infinity).
  return static_cast<uint16_t>((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);
}

float bf16_to_f32(uint16_t h) { return bitmill::bf16_to_f32(h); }

void f16_to_f32(const void* in, float* out, size_t n) {
  const auto* p = static_cast<const unsigned char*>(in);
  for (size_t i = 0; i < n; ++i) {
    uint16_t h;
    std::memcpy(&h, p + 2 * i, 2);
    out[i] = bitmill::f16_to_f32(h);
  }
}

float dot_f32(const float* a, const float* b, size_t n) {
  float lane[64] = {};
  for (size_t p = 0; p < n; ++p) lane[p % 64] = std::fma(a[p], b[p], lane[p % 64]);
  for (size_t half = 32; half >= 1; half /= 2) {
    for (size_t l = 0; l < half; ++l) lane[l] += lane[l + half];
  }
  return lane[0];
}

float dot_f32_scaled(const float* a, const void* b, bool b_is_half, float b_scale, size_t n) {
  float lane[64] = {};
  const auto* bytes = static_cast<const unsigned char*>(b);
  for (size_t p = 0; p < n; ++p) {
    float v;
    if (b_is_half) {
      uint16_t h;
      std::memcpy(&h, bytes + 2 * p, 2);
      v = bitmill::f16_to_f32(h);
    } else {
      std::memcpy(&v, bytes + 4 * p, 4);
    }
    lane[p % 64] = std::fma(a[p], v * b_scale, lane[p % 64]);
  }
  for (size_t half = 32; half >= 1; half /= 2) {
    for (size_t l = 0; l < half; ++l) lane[l] += lane[l + half];
  }
  return lane[0];
}

}  // namespace bitmill::kernels::scalar
