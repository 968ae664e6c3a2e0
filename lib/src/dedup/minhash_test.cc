#include "dedup/minhash.h"

#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <vector>

namespace bitmill::dedup::detail {
namespace {

// Two sets of n hashes sharing `common` of them, from a fixed generator.
void make_pair(size_t n, size_t common, uint64_t seed, std::vector<uint64_t>& a, std::vector<uint64_t>& b) {
  std::mt19937_64 rng(seed);
  a.clear();
  b.clear();
  for (size_t i = 0; i < n; ++i) {
    const uint64_t x = rng();
    a.push_back(x);
    b.push_back(i < common ? x : rng());
  }
}

TEST_CASE("MinHash: signatures estimate the Jaccard similarity") {
  const MinHasher h(1024, 1);
  std::vector<uint32_t> sa(1024), sb(1024);
  std::vector<uint64_t> a, b;
  for (size_t common : {0, 100, 250, 333, 400, 500}) {
    make_pair(500, common, common + 1, a, b);
    std::vector<uint64_t> ca = a, cb = b;
    const double exact = exact_jaccard(ca, cb);
    CHECK(exact == doctest::Approx(common / (1000.0 - common)));
    h.signature(a, sa.data());
    h.signature(b, sb.data());
    const double est = estimated_jaccard(sa.data(), sb.data(), 1024);
    // Four standard errors of the estimate.
    CHECK(std::fabs(est - exact) <= 4 * std::sqrt(exact * (1 - exact) / 1024) + 1e-9);
  }
}

TEST_CASE("MinHash: the same set gives the same signature, whatever its duplicates and order") {
  const MinHasher h(112, 3);
  std::vector<uint32_t> s1(112), s2(112), s3(112);
  h.signature({5, 9, 13}, s1.data());
  h.signature({13, 5, 9, 9, 5}, s2.data());
  CHECK(s1 == s2);
  h.signature({}, s3.data());
  CHECK(s3 == std::vector<uint32_t>(112, 0xFFFFFFFFu));
  CHECK(band_key(s1.data(), 0, 8, 1) == band_key(s2.data(), 0, 8, 1));
  CHECK(band_key(s1.data(), 0, 8, 1) != band_key(s1.data(), 1, 8, 1));
  // Seeds are part of the definition: fixed values, the same on every machine.
  const MinHasher fixed(2, 42);
  std::vector<uint32_t> f(2);
  fixed.signature({1, 2, 3}, f.data());
  const MinHasher again(2, 42);
  std::vector<uint32_t> g(2);
  again.signature({3, 2, 1}, g.data());
  CHECK(f == g);
}

TEST_CASE("S-curve and the banding chosen for a threshold") {
  CHECK(s_curve(0, 14, 8) == doctest::Approx(0));
  CHECK(s_curve(1, 14, 8) == doctest::Approx(1));
  CHECK(s_curve(0.8, 14, 8) == doctest::Approx(1 - std::pow(1 - std::pow(0.8, 8), 14)));
  // The chosen curve rises through the threshold: low below it, high above it.
  for (double t : {0.5, 0.7, 0.8, 0.9}) {
    const Banding b = choose_banding(t, 112);
    CAPTURE(t);
    CHECK(b.bands * b.rows <= 112);
    CHECK(s_curve(t - 0.15, b.bands, b.rows) < 0.25);
    CHECK(s_curve(std::min(1.0, t + 0.1), b.bands, b.rows) > 0.75);
  }
  std::vector<uint64_t> e1, e2;
  CHECK(exact_jaccard(e1, e2) == 1.0);
}

}  // namespace
}  // namespace bitmill::dedup::detail

#include "bitmill/kernels/kernels.h"
#include "dedup/minhash_kernels.h"

namespace bitmill::dedup::detail {
namespace {

TEST_CASE("minhash_update: the AVX2 and AVX-512 twins give the scalar reference's bits") {
  if (!kernels::cpu_supports(kernels::Isa::kAvx2)) return;
  const bool avx512 = kernels::cpu_supports(kernels::Isa::kAvx512);
  std::mt19937_64 rng(11);
  for (size_t k : {1, 7, 8, 13, 16, 17, 112, 128}) {
    for (size_t n : {0, 1, 5, 300}) {
      std::vector<uint64_t> a(k), b(k), s(n);
      for (auto& x : a) x = rng() | 1;
      for (auto& x : b) x = rng();
      for (auto& x : s) x = rng();
      std::vector<uint32_t> want(k, 0xFFFFFFFFu), got(k, 0xFFFFFFFFu);
      want[0] = got[0] = 12345;  // a running minimum is carried on
      scalar::minhash_update(a.data(), b.data(), k, s.data(), n, want.data());
      std::vector<uint32_t> got512 = got;
      avx2::minhash_update(a.data(), b.data(), k, s.data(), n, got.data());
      CAPTURE(k);
      CAPTURE(n);
      CHECK(got == want);
      if (avx512) {
        avx512::minhash_update(a.data(), b.data(), k, s.data(), n, got512.data());
        CHECK(got512 == want);
      }
    }
  }
}

}  // namespace
}  // namespace bitmill::dedup::detail
