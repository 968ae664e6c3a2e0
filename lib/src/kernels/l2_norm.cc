#include "bitmill/kernels/l2_norm.h"

#include <algorithm>
#include <cmath>

namespace bitmill::kernels {

double sum_of_squares(const float* x, size_t n) {
  double ss = 0;
  for (size_t i = 0; i < n; ++i) ss += static_cast<double>(x[i]) * static_cast<double>(x[i]);
  return ss;
}

float inverse_l2_norm(double ss) { return ss > 0 ? static_cast<float>(1.0 / std::sqrt(ss)) : 1.0f; }

bool l2_normalize(float* x, size_t n) {
  const double ss = sum_of_squares(x, n);
  if (!std::isfinite(ss)) return false;
  if (ss > 0) {
    const float inv = inverse_l2_norm(ss);
    for (size_t i = 0; i < n; ++i) x[i] *= inv;
  }
  return true;
}

void l2_normalize_torch(float* x, size_t n) {
  const double ss = sum_of_squares(x, n);
  const float inv = 1.0f / std::max(static_cast<float>(std::sqrt(ss)), 1e-12f);
  for (size_t i = 0; i < n; ++i) x[i] *= inv;
}

}  // namespace bitmill::kernels
