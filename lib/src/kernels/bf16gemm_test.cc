#include <doctest/doctest.h>

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "kernels/kernels_test_util.h"

namespace bitmill::kernels {
namespace {

using test::wide;

constexpr float kSentinel = 12345.0f;  // in C's padding between rows; must survive
const float kNaN = std::numeric_limits<float>::quiet_NaN();

float from_bits(uint32_t b) {
  float f;
  std::memcpy(&f, &b, sizeof f);
  return f;
}
uint32_t to_bits(float f) {
  uint32_t b;
  std::memcpy(&b, &f, sizeof b);
  return b;
}
double bf16_value(uint16_t h) { return from_bits(uint32_t{h} << 16); }

// The bf16 nearest to x by the definition: of the two bf16 values around x (its bit pattern
// truncated, and the next one up in magnitude), the closer in exact (double) arithmetic, the one
// with an even last bit on a tie. Past the largest bf16 the next one up is infinity, which IEEE
// rounding treats as 2^128 (the value the next binade would start at).
uint16_t nearest_bf16(float x) {
  const auto lo = static_cast<uint16_t>(to_bits(x) >> 16);
  const auto hi = static_cast<uint16_t>(lo + 1);
  const double hi_value = (hi & 0x7FFF) == 0x7F80 ? std::copysign(0x1p128, wide(x)) : bf16_value(hi);
  const double dl = std::fabs(wide(x) - bf16_value(lo)), dh = std::fabs(hi_value - wide(x));
  if (dl < dh) return lo;
  if (dh < dl) return hi;
  return (lo & 1) == 0 ? lo : hi;
}

TEST_CASE("f32_to_bf16 rounds to the nearest bf16 with ties to even, keeps infinities and NaN") {
  std::mt19937 rng(1);
  size_t bad = 0;
  for (int t = 0; t < 200000; ++t) {
    uint32_t b = rng();
    if (t % 4 == 0) b = (b & 0xFFFF0000u) | 0x8000u;  // exact ties
    const float x = from_bits(b);
    if (!std::isfinite(x)) continue;
    bad += f32_to_bf16(x) == nearest_bf16(x) ? 0 : 1;
  }
  CHECK(bad == 0);
  CHECK(f32_to_bf16(std::numeric_limits<float>::infinity()) == 0x7F80);
  CHECK(f32_to_bf16(-std::numeric_limits<float>::infinity()) == 0xFF80);
  CHECK(f32_to_bf16(FLT_MAX) == 0x7F80);  // past the largest bf16 by more than half an ulp
  CHECK(f32_to_bf16(0.0f) == 0);
  CHECK(f32_to_bf16(-0.0f) == 0x8000);
  const uint16_t nan = f32_to_bf16(kNaN);
  CHECK(std::isnan(bf16_value(nan)));
  CHECK(std::isnan(bf16_value(f32_to_bf16(from_bits(0x7F800001u)))));  // a signalling NaN stays NaN
}

struct Problem {
  size_t m = 0, n = 0, k = 0, lda = 0, ldw = 0, ldc = 0;
  std::vector<float> a, w;
};

template <typename Gen>
Problem make_problem(size_t m, size_t n, size_t k, size_t pad, Gen&& value) {
  Problem pr{m, n, k, k + pad, k + pad, n + pad, {}, {}};
  pr.a.assign(m * pr.lda, kNaN);  // padding is NaN: reading it would poison the result
  pr.w.assign(n * pr.ldw, kNaN);
  for (size_t i = 0; i < m; ++i) {
    for (size_t p = 0; p < k; ++p) pr.a[i * pr.lda + p] = value();
  }
  for (size_t j = 0; j < n; ++j) {
    for (size_t p = 0; p < k; ++p) pr.w[j * pr.ldw + p] = value();
  }
  return pr;
}

std::vector<float> run(Isa isa, const Problem& pr) {
  const PackedBf16 packed = pack_bf16_isa(isa, pr.k, pr.n, pr.w.data(), pr.ldw);
  REQUIRE(packed.isa() == isa);
  REQUIRE(packed.k() == pr.k);
  REQUIRE(packed.n() == pr.n);
  CHECK(packed.native() == bf16_native(isa));
  std::vector<float> c(pr.m * pr.ldc, kSentinel);
  for (size_t i = 0; i < pr.m; ++i) std::fill(c.begin() + i * pr.ldc, c.begin() + i * pr.ldc + pr.n, kNaN);
  bf16gemm_packed(pr.m, pr.a.data(), pr.lda, packed, c.data(), pr.ldc);
  return c;
}

// Elements of C farther from the double product of the bf16-rounded operands than `rel` times
// the sum of the products' magnitudes (0: exactly equal), plus any change to C's padding.
size_t mismatches(const Problem& pr, const std::vector<float>& c, double rel) {
  size_t bad = 0;
  for (size_t i = 0; i < pr.m; ++i) {
    for (size_t j = 0; j < pr.ldc; ++j) {
      const float got = c[i * pr.ldc + j];
      if (j >= pr.n) {
        bad += got == kSentinel ? 0 : 1;
        continue;
      }
      double sum = 0, mag = 0;
      for (size_t p = 0; p < pr.k; ++p) {
        const double t = bf16_value(f32_to_bf16(pr.a[i * pr.lda + p])) * bf16_value(f32_to_bf16(pr.w[j * pr.ldw + p]));
        sum += t;
        mag += std::fabs(t);
      }
      bad += std::fabs(wide(got) - sum) <= rel * mag ? 0 : 1;  // false for NaN
    }
  }
  return bad;
}

void check_levels(const Problem& pr, double rel) {
  CAPTURE(pr.m);
  CAPTURE(pr.n);
  CAPTURE(pr.k);
  for (Isa isa : test::all_levels()) {
    CAPTURE(std::string(isa_name(isa)));
    CHECK(mismatches(pr, run(isa, pr), rel) == 0);
  }
}

// Sizes on and around every tail of the 12 x 32 tile, the k pairs, the 16-wide rounding loop,
// a 256-column block and a 192-row block, and the f32 fallback's tails.
const size_t kSizes[] = {1, 2, 3, 11, 12, 13, 16, 17, 31, 32, 33, 47, 48, 49, 193, 257};

TEST_CASE("bf16gemm: small integers (exact in bf16 and in every f32 sum) give exact products on every level") {
  if (!cpu_has_avx512_bf16()) MESSAGE("skipped: this CPU lacks AVX512-BF16; only the f32 fallback is tested");
  std::mt19937 rng(2);
  auto ints = [&rng] { return static_cast<float>(static_cast<int>(rng() % 9) - 4); };
  size_t round = 0;
  for (size_t k : {1, 2, 3, 33, 300}) {
    for (size_t m : kSizes) {
      for (size_t n : kSizes) {
        if (++round % 3 != 0 && k == 300) continue;  // a third of the pairs at the long k
        check_levels(make_problem(m, n, k, round % 2 * 3, ints), 0.0);
      }
    }
  }
}

TEST_CASE("bf16gemm: random floats agree with the double product of the rounded operands to f32 rounding") {
  std::mt19937 rng(3);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  auto value = [&] { return normal(rng); };
  struct Shape {
    size_t m, n, k;
  };
  for (const Shape& s :
       {Shape{150, 1152, 384}, Shape{144, 384, 1536}, Shape{37, 45, 1027}, Shape{200, 70, 3}, Shape{1, 1, 1000}}) {
    // An f32 sum of k terms in any order is within about k eps of the sum of their magnitudes.
    check_levels(make_problem(s.m, s.n, s.k, 1, value), static_cast<double>(s.k + 2) * wide(FLT_EPSILON));
  }
}

TEST_CASE("bf16gemm: a row's result does not depend on the other rows of its batch") {
  std::mt19937 rng(4);
  std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
  for (Isa isa : test::all_levels()) {
    CAPTURE(std::string(isa_name(isa)));
    const Problem pr = make_problem(200, 70, 97, 0, [&] { return unit(rng); });
    const std::vector<float> all = run(isa, pr);
    const PackedBf16 packed = pack_bf16_isa(isa, pr.k, pr.n, pr.w.data(), pr.ldw);
    size_t bad = 0;
    for (size_t i : {size_t{0}, size_t{13}, size_t{199}}) {
      std::vector<float> one(pr.n);
      bf16gemm_packed(1, pr.a.data() + i * pr.lda, pr.lda, packed, one.data(), pr.n);
      bad += std::memcmp(one.data(), all.data() + i * pr.ldc, pr.n * sizeof(float)) == 0 ? 0 : 1;
    }
    CHECK(bad == 0);
  }
}

TEST_CASE("bf16gemm: a PackedBf16 moved by construction or assignment multiplies as before") {
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
  for (Isa isa : test::all_levels()) {
    CAPTURE(std::string(isa_name(isa)));
    const Problem pr = make_problem(30, 70, 97, 0, [&] { return unit(rng); });
    PackedBf16 first = pack_bf16_isa(isa, pr.k, pr.n, pr.w.data(), pr.ldw);
    std::vector<float> want(pr.m * pr.n), by_ctor(pr.m * pr.n), by_assign(pr.m * pr.n);
    bf16gemm_packed(pr.m, pr.a.data(), pr.lda, first, want.data(), pr.n);
    const bool native = first.native();
    PackedBf16 second(std::move(first));
    CHECK(second.native() == native);
    bf16gemm_packed(pr.m, pr.a.data(), pr.lda, second, by_ctor.data(), pr.n);
    PackedBf16 third;
    third = std::move(second);
    CHECK(third.native() == native);
    bf16gemm_packed(pr.m, pr.a.data(), pr.lda, third, by_assign.data(), pr.n);
    CHECK(by_ctor == want);
    CHECK(by_assign == want);
  }
}

TEST_CASE("bf16gemm: empty shapes, k = 0 and moves") {
  for (Isa isa : test::all_levels()) {
    const std::vector<float> w(6, 1.0f);
    PackedBf16 p = pack_bf16_isa(isa, 0, 3, w.data(), 0);
    std::vector<float> c(6, kNaN);
    const std::vector<float> a(2, 1.0f);
    bf16gemm_packed(2, a.data(), 0, p, c.data(), 3);
    CHECK(c == std::vector<float>(6, 0.0f));  // an empty sum
    bf16gemm_packed(0, a.data(), 0, p, c.data(), 3);
    PackedBf16 q = std::move(p);
    CHECK(p.n() == 0);  // NOLINT(bugprone-use-after-move): the moved-from state is the contract
    CHECK(q.n() == 3);
  }
}

}  // namespace
}  // namespace bitmill::kernels
