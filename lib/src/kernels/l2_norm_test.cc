#include "bitmill/kernels/l2_norm.h"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

namespace bitmill::kernels {
namespace {

// ||x|| in long double: the definition, without the f32 roundings under test.
long double norm_ld(const std::vector<float>& x) {
  long double ss = 0;
  for (float v : x) ss += static_cast<long double>(v) * v;
  return std::sqrt(ss);
}

std::vector<float> random_row(std::mt19937& rng, size_t n, float scale) {
  std::normal_distribution<float> d(0.0f, scale);
  std::vector<float> x(n);
  for (float& v : x) v = d(rng);
  return x;
}

}  // namespace

TEST_CASE("l2_normalize: each element is x / ||x|| to within two f32 roundings") {
  std::mt19937 rng(7);
  for (size_t n : {1, 3, 64, 257, 1024}) {
    for (float scale : {1e-20f, 1.0f, 1e15f}) {
      CAPTURE(n);
      CAPTURE(scale);
      std::vector<float> x = random_row(rng, n, scale);
      const long double norm = norm_ld(x);
      std::vector<float> y = x;
      REQUIRE(l2_normalize(y.data(), n));
      for (size_t i = 0; i < n; ++i) {
        const long double want = x[i] / norm;
        CHECK(std::fabs(static_cast<long double>(y[i]) - want) <= 2.5e-7L * std::fabs(want) + 1e-45L);
      }
      CHECK(std::fabs(norm_ld(y) - 1.0L) < 1e-6L);
    }
  }
}

TEST_CASE("l2_normalize: zero rows stay zero, non-finite rows are refused and left alone") {
  std::vector<float> zero(16, 0.0f);
  CHECK(l2_normalize(zero.data(), zero.size()));
  for (float v : zero) CHECK(v == 0.0f);
  CHECK(inverse_l2_norm(0.0) == 1.0f);

  for (float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()}) {
    std::vector<float> x = {1.0f, bad, 2.0f};
    CHECK_FALSE(l2_normalize(x.data(), x.size()));
    CHECK(x[0] == 1.0f);
    CHECK(x[2] == 2.0f);
  }
  std::vector<float> huge(4, 3e38f);  // the squared norm fits a double: no overflow
  CHECK(l2_normalize(huge.data(), huge.size()));
  CHECK(huge[0] == doctest::Approx(0.5));
  CHECK(inverse_l2_norm(std::numeric_limits<double>::infinity()) == 0.0f);
  CHECK(std::isnan(sum_of_squares(std::vector<float>{std::nanf("")}.data(), 1)));
}

TEST_CASE("l2_normalize_torch: x / max(||x||, 1e-12), as torch.nn.functional.normalize") {
  std::mt19937 rng(11);
  for (float scale : {1.0f, 1e-3f}) {
    std::vector<float> x = random_row(rng, 384, scale);
    const long double norm = norm_ld(x);
    std::vector<float> y = x;
    l2_normalize_torch(y.data(), y.size());
    for (size_t i = 0; i < y.size(); ++i) {
      const long double want = x[i] / norm;
      CHECK(std::fabs(static_cast<long double>(y[i]) - want) <= 3e-7L * std::fabs(want) + 1e-45L);
    }
  }
  // Below the epsilon the row is divided by 1e-12, not by its norm: torch's clamp.
  std::vector<float> tiny = {3e-14f, -4e-14f};  // norm 5e-14
  l2_normalize_torch(tiny.data(), tiny.size());
  CHECK(tiny[0] == doctest::Approx(0.03).epsilon(1e-6));
  CHECK(tiny[1] == doctest::Approx(-0.04).epsilon(1e-6));
  std::vector<float> zero(8, 0.0f);
  l2_normalize_torch(zero.data(), zero.size());
  for (float v : zero) CHECK(v == 0.0f);
}

}  // namespace bitmill::kernels
