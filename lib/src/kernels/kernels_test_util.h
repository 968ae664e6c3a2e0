// Helpers of the kernels' unit tests (*_test.cc in this folder only).
#pragma once

#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <vector>

#include "kernels/kernels_testing.h"

namespace bitmill::kernels::test {

// The references run in double; -Wdouble-promotion wants the widening spelled out.
inline double wide(float v) { return v; }

// The ISAs to compare on this CPU: kScalar, then `top` when the CPU has it (a test of a kernel
// whose fast version is at that level). Says so in the test log when it is skipped.
inline std::vector<Isa> isas_up_to(Isa top) {
  std::vector<Isa> out{Isa::kScalar};
  if (top == Isa::kScalar) return out;
  if (cpu_supports(top)) {
    out.push_back(top);
  } else {
    MESSAGE("this CPU lacks ", isa_name(top), ": only the scalar reference is tested");
  }
  return out;
}

// sum over p < n of a[p * sa] * b[p * sb] in double, and the sum of the products' magnitudes,
// which bounds the rounding error of any f32 evaluation order: |got - sum| <= (n + 2) eps mag.
struct RefDot {
  double sum = 0, mag = 0;
};
inline RefDot ref_dot(const float* a, size_t sa, const float* b, size_t sb, size_t n) {
  RefDot r;
  for (size_t p = 0; p < n; ++p) {
    const double t = wide(a[p * sa]) * wide(b[p * sb]);
    r.sum += t;
    r.mag += std::fabs(t);
  }
  return r;
}

}  // namespace bitmill::kernels::test
