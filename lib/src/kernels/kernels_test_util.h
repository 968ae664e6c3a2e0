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

// Every level that this CPU has, kScalar first; each level it lacks is named in the test log as
// skipped, never silently passed. A level without its own version of a kernel runs a lower
// level's through the dispatch table, which its test then checks too.
inline std::vector<Isa> all_levels() {
  std::vector<Isa> out;
  for (Isa l : {Isa::kScalar, Isa::kAvx2, Isa::kAvx512, Isa::kAvx512Vnni, Isa::kAmx}) {
    if (cpu_supports(l)) {
      out.push_back(l);
    } else {
      MESSAGE("skipped: this CPU lacks ", isa_name(l));
    }
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
