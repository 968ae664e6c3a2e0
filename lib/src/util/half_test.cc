#include "bitmill/util/half.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <random>

namespace bitmill {
namespace {

TEST_CASE("f16_to_f32 is exact for all 65536 half values") {
  for (uint32_t h = 0; h < 65536; ++h) {
    const uint32_t s = h >> 15, e = (h >> 10) & 0x1F, m = h & 0x3FF;
    // Reference straight from the IEEE 754 binary16 definition.
    double ref;
    if (e == 0)
      ref = std::ldexp(static_cast<double>(m), -24);
    else if (e == 31)
      ref = m == 0 ? INFINITY : NAN;
    else
      ref = std::ldexp(1.0 + m / 1024.0, static_cast<int>(e) - 15);
    if (s) ref = -ref;
    const float got = f16_to_f32(static_cast<uint16_t>(h));
    if (std::isnan(ref)) {
      CHECK(std::isnan(got));
    } else {
      CHECK(static_cast<double>(got) == ref);
      CHECK(std::signbit(got) == (s != 0));
    }
  }
  CHECK(bf16_to_f32(0xBF80) == -1.0f);
}

TEST_CASE("f32_to_f16 rounds to nearest even and round-trips every half") {
  for (uint32_t h = 0; h < 65536; ++h) {
    const float f = f16_to_f32(static_cast<uint16_t>(h));
    if (std::isnan(f)) {
      CHECK(std::isnan(f16_to_f32(f32_to_f16(f))));
      continue;
    }
    CHECK(f32_to_f16(f) == h);
  }
  // Reference rounding: the nearer of the two neighbouring halves, ties to the even one, computed
  // in double from the exact half values.
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> dist(-70000.0f, 70000.0f);
  for (int i = 0; i < 200000; ++i) {
    const float f = i % 3 == 0 ? dist(rng) * 1e-6f : dist(rng);
    const uint16_t got = f32_to_f16(f);
    const double g = f16_to_f32(got);
    if (std::isinf(g)) {
      CHECK(std::fabs(f) >= 65520.0f);
      continue;
    }
    // No other half is closer.
    for (int d : {-1, 1}) {
      const auto other = static_cast<uint16_t>(got + d);
      const double o = f16_to_f32(other);
      if (std::isnan(o) || std::isinf(o) || ((other ^ got) & 0x8000u)) continue;
      const double fd = static_cast<double>(f);
      const double eg = std::fabs(g - fd), eo = std::fabs(o - fd);
      CHECK((eg < eo || (eg == eo && (got & 1u) == 0)));
    }
  }
  CHECK(f32_to_f16(1e6f) == 0x7C00);
  CHECK(f32_to_f16(-1e6f) == 0xFC00);
  CHECK(f32_to_f16(1e-9f) == 0);
}

}  // namespace
}  // namespace bitmill
