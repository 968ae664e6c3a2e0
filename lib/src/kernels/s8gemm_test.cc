#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "kernels/kernels_test_util.h"

namespace bitmill::kernels {
namespace {

constexpr int32_t kSentinel = 0x5EED;  // in C's padding between rows; must survive

std::vector<Isa> isas() { return test::all_levels(); }

// The plainest possible exact product, independent of both kernels.
std::vector<int32_t> naive(size_t m, size_t n, size_t k, const std::vector<int8_t>& a, size_t lda,
                           const std::vector<int8_t>& b, size_t ldb) {
  std::vector<int32_t> c(m * n);
  for (size_t i = 0; i < m; ++i) {
    for (size_t j = 0; j < n; ++j) {
      int64_t s = 0;
      for (size_t p = 0; p < k; ++p) s += int64_t{a[i * lda + p]} * int64_t{b[j * ldb + p]};
      c[i * n + j] = static_cast<int32_t>(s);
    }
  }
  return c;
}

void check_product(size_t m, size_t n, size_t k, std::mt19937& rng, int lo = -127, int hi = 127) {
  // Rows are padded with -128s, which no kernel may read (a read would change the sums).
  const size_t lda = k + 3, ldb = k + 5, ldc = n + 2;
  std::uniform_int_distribution<int> v(lo, hi);
  std::vector<int8_t> a(m * lda, -128), b(n * ldb, -128);
  for (size_t i = 0; i < m; ++i)
    for (size_t p = 0; p < k; ++p) a[i * lda + p] = static_cast<int8_t>(v(rng));
  for (size_t j = 0; j < n; ++j)
    for (size_t p = 0; p < k; ++p) b[j * ldb + p] = static_cast<int8_t>(v(rng));
  const std::vector<int32_t> want = naive(m, n, k, a, lda, b, ldb);
  for (Isa isa : isas()) {
    CAPTURE(isa_name(isa));
    const PackedS8 packed = pack_s8_isa(isa, k, n, b.data(), ldb);
    CHECK(packed.k() == k);
    CHECK(packed.n() == n);
    std::vector<int32_t> c(m * ldc, kSentinel);
    s8gemm_packed(m, a.data(), lda, packed, c.data(), ldc);
    size_t wrong = 0, trampled = 0;
    for (size_t i = 0; i < m; ++i) {
      for (size_t j = 0; j < n; ++j) wrong += c[i * ldc + j] != want[i * n + j];
      for (size_t j = n; j < ldc; ++j) trampled += c[i * ldc + j] != kSentinel;
    }
    CHECK(wrong == 0);
    CHECK(trampled == 0);
  }
}

TEST_CASE("s8gemm_packed: exact on every tail of the 12 x 32 micro-tile, the 4-byte groups and 256-column blocks") {
  std::mt19937 rng(7);
  // m around 12 and beyond; n around 16, 32 and a block of 8 strips; k around the group of 4.
  for (size_t m : {1, 2, 11, 12, 13, 25}) {
    for (size_t n : {1, 15, 16, 17, 31, 32, 33, 255, 256, 257, 300}) {
      for (size_t k : {1, 2, 3, 4, 5, 7, 8, 64, 67}) {
        CAPTURE(m);
        CAPTURE(n);
        CAPTURE(k);
        check_product(m, n, k, rng);
      }
    }
  }
}

TEST_CASE("s8gemm_packed: the largest sums stay exact (all +-127, long k)") {
  std::mt19937 rng(11);
  check_product(13, 33, 1024, rng, 127, 127);
  check_product(13, 33, 1024, rng, -127, -127);
  check_product(5, 40, 4099, rng, -127, 127);
}

TEST_CASE("PackedS8: empty, moves, and m = 0") {
  PackedS8 empty;
  CHECK(empty.k() == 0);
  CHECK(empty.n() == 0);
  const std::vector<int8_t> b(6, 1);
  PackedS8 p = pack_s8(3, 2, b.data(), 3);
  PackedS8 q = std::move(p);
  CHECK(q.n() == 2);
  CHECK(p.n() == 0);  // NOLINT(bugprone-use-after-move)
  std::vector<int32_t> c(2, kSentinel);
  s8gemm_packed(0, nullptr, 3, q, c.data(), 2);
  CHECK(c[0] == kSentinel);
}

TEST_CASE("quantize_row_q8: the returned error norm bounds the true one, and is tight") {
  std::mt19937 rng(3);
  std::normal_distribution<float> g(0.0f, 1.0f);
  for (size_t k : {1, 7, 64, 1024}) {
    std::vector<float> x(k);
    for (float& v : x) v = g(rng);
    std::vector<int8_t> q(k);
    float scale = 0;
    const float bound = quantize_row_q8(x.data(), k, q.data(), &scale);
    long double ss = 0;
    for (size_t p = 0; p < k; ++p) {
      const long double e = static_cast<long double>(x[p]) - static_cast<long double>(scale) * q[p];
      ss += e * e;
    }
    const auto truth = static_cast<double>(std::sqrt(ss));
    CAPTURE(k);
    CHECK(static_cast<double>(bound) >= truth);
    CHECK(static_cast<double>(bound) <= truth * (1 + 1e-5) + 1e-30);
  }
  std::vector<float> zero(5, 0.0f);
  std::vector<int8_t> q(5);
  float scale = 1;
  CHECK(quantize_row_q8(zero.data(), 5, q.data(), &scale) == 0.0f);
  CHECK(scale == 0.0f);
  std::vector<float> bad{1.0f, NAN};
  CHECK(std::isinf(quantize_row_q8(bad.data(), 2, q.data(), &scale)));
}

TEST_CASE("dot_f32: the same bits on every ISA, on every tail of the 16 lanes") {
  std::mt19937 rng(5);
  std::normal_distribution<float> g(0.0f, 1.0f);
  for (size_t n : {0, 1, 2, 7, 8, 15, 16, 17, 31, 32, 33, 100, 1024, 1027}) {
    std::vector<float> a(n), b(n);
    for (size_t p = 0; p < n; ++p) {
      a[p] = g(rng);
      b[p] = g(rng);
    }
    const float ref = dot_f32_isa(Isa::kScalar, a.data(), b.data(), n);
    double exact = 0;
    for (size_t p = 0; p < n; ++p) exact += static_cast<double>(a[p]) * static_cast<double>(b[p]);
    CAPTURE(n);
    CHECK(std::fabs(static_cast<double>(ref) - exact) <= 1e-5 * (1 + std::sqrt(static_cast<double>(n))));
    for (Isa isa : {Isa::kAvx2, Isa::kAvx512Vnni}) {
      const float got = dot_f32_isa(isa, a.data(), b.data(), n);
      CHECK(std::memcmp(&got, &ref, sizeof got) == 0);
    }
    // The scaled form from f32 and from halves: the bits of dot_f32 on the materialised row.
    const float scale = 0.37f;
    std::vector<uint16_t> half(n);
    std::vector<float> from_half(n), scaled(n), scaled_half(n);
    for (size_t p = 0; p < n; ++p) {
      half[p] = static_cast<uint16_t>(rng() & 0x7BFF);  // finite halves of both signs
      from_half[p] = 0;
    }
    f16_to_f32(half.data(), from_half.data(), n);
    for (size_t p = 0; p < n; ++p) {
      scaled[p] = b[p] * scale;
      scaled_half[p] = from_half[p] * scale;
    }
    const float want_f32 = dot_f32_isa(Isa::kScalar, a.data(), scaled.data(), n);
    const float want_half = dot_f32_isa(Isa::kScalar, a.data(), scaled_half.data(), n);
    for (Isa isa : {Isa::kScalar, Isa::kAvx2, Isa::kAvx512Vnni}) {
      const float g1 = dot_f32_scaled_isa(isa, a.data(), b.data(), false, scale, n);
      const float g2 = dot_f32_scaled_isa(isa, a.data(), half.data(), true, scale, n);
      CHECK(std::memcmp(&g1, &want_f32, sizeof g1) == 0);
      CHECK(std::memcmp(&g2, &want_half, sizeof g2) == 0);
    }
  }
}

TEST_CASE("s8_hits: the same indices on every ISA, on every tail of 16, with -inf and NaN-free cuts") {
  std::mt19937 rng(9);
  std::uniform_int_distribution<int32_t> cv(-100000, 100000);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  for (size_t n : {0, 1, 5, 15, 16, 17, 31, 32, 33, 100, 2048}) {
    for (float row_cut : {-INFINITY, 0.0f, 30.0f, INFINITY}) {
      std::vector<int32_t> c(n);
      std::vector<float> col_scale(n), col_cut(n);
      for (size_t j = 0; j < n; ++j) {
        c[j] = cv(rng);
        col_scale[j] = u(rng) * 1e-3f;
        col_cut[j] = j % 7 == 0 ? -INFINITY : 60.0f * u(rng);
      }
      std::vector<uint32_t> want(n + 1), got(n + 1);
      // The reference, written out here independently of both kernels.
      size_t nw = 0;
      for (size_t j = 0; j < n; ++j) {
        const float a = static_cast<float>(c[j]) * 0.7f * col_scale[j];
        if (a >= row_cut || a >= col_cut[j]) want[nw++] = static_cast<uint32_t>(j);
      }
      for (Isa isa : isas()) {
        CAPTURE(isa_name(isa));
        CAPTURE(n);
        const size_t ng = s8_hits_isa(isa, c.data(), n, 0.7f, col_scale.data(), row_cut, col_cut.data(), got.data());
        REQUIRE(ng == nw);
        CHECK(std::equal(want.begin(), want.begin() + static_cast<std::ptrdiff_t>(nw), got.begin()));
      }
    }
  }
}

}  // namespace
}  // namespace bitmill::kernels
