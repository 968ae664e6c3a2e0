#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "kernels/kernels_impl.h"
#include "kernels/kernels_test_util.h"

namespace bitmill::kernels {
namespace {

constexpr float kSentinel = 12345.0f;  // in the padding between rows of C; must survive
const float kNaN = std::numeric_limits<float>::quiet_NaN();

// Sizes on and around every tail of the 6 x 16 (AVX2) and 12 x 32 (VNNI) micro-tiles, the 8- and
// 16-wide quantisation loops, the k pairs and 4-byte groups, and past one MC block (144 rows for
// AVX2, 192 for VNNI) and one 256-column VNNI block; KC blocks (256 k pairs) are tested separately.
const size_t kSizes[] = {1,  2,  3,  4,  5,  7,  8,   11,  12,  13,  15,  16, 17,
                         31, 32, 33, 63, 64, 65, 127, 128, 129, 193, 257, 300};
constexpr size_t kNumSizes = sizeof(kSizes) / sizeof(kSizes[0]);

bool same_bits(float x, float y) { return std::memcmp(&x, &y, sizeof x) == 0; }

// An int8 GEMM problem: A [m x k] and the weight W [n x k], each row padded by `pad` NaNs (a
// kernel that read them would poison its row maximum, so the output), C padded by the sentinel.
struct Problem {
  size_t m = 0, n = 0, k = 0;
  size_t lda = 0, ldw = 0, ldc = 0;
  std::vector<float> a, w;
};

template <typename Gen>
Problem make_problem(size_t m, size_t n, size_t k, size_t pad, Gen&& value) {
  Problem pr{m, n, k, k + pad, k + pad, n + pad, {}, {}};
  auto fill = [&](std::vector<float>& v, size_t rows, size_t ld) {
    v.assign(rows * ld, kNaN);
    for (size_t r = 0; r < rows; ++r) {
      for (size_t p = 0; p < k; ++p) v[r * ld + p] = value();
    }
  };
  fill(pr.a, m, pr.lda);
  fill(pr.w, n, pr.ldw);
  return pr;
}

// The contract of kernels.h written out naively: the quantisation of one row in float, as
// specified, the sums in int64, then the specified float dequantisation.
struct QuantRow {
  std::vector<int32_t> q;
  float scale = 0.0f;
};

QuantRow quantize(const float* x, size_t k) {
  QuantRow out{std::vector<int32_t>(k, 0), 0.0f};
  float amax = 0.0f;
  for (size_t p = 0; p < k; ++p) {
    if (!std::isfinite(x[p])) {
      out.scale = kNaN;
      return out;
    }
    amax = std::max(amax, std::fabs(x[p]));
  }
  if (amax < kQ8MinAmax) return out;
  out.scale = amax / 127.0f;
  const float inv = 127.0f / amax;
  for (size_t p = 0; p < k; ++p) out.q[p] = static_cast<int32_t>(std::nearbyint(x[p] * inv));
  return out;
}

std::vector<float> reference(const Problem& pr) {
  std::vector<QuantRow> qa, qw;
  for (size_t i = 0; i < pr.m; ++i) qa.push_back(quantize(&pr.a[i * pr.lda], pr.k));
  for (size_t j = 0; j < pr.n; ++j) qw.push_back(quantize(&pr.w[j * pr.ldw], pr.k));
  std::vector<float> c(pr.m * pr.n);
  for (size_t i = 0; i < pr.m; ++i) {
    for (size_t j = 0; j < pr.n; ++j) {
      int64_t sum = 0;
      for (size_t p = 0; p < pr.k; ++p) sum += int64_t{qa[i].q[p]} * int64_t{qw[j].q[p]};
      REQUIRE(sum == static_cast<int32_t>(sum));  // the problem respects kQ8MaxK
      c[i * pr.n + j] = static_cast<float>(sum) * qa[i].scale * qw[j].scale;
    }
  }
  return c;
}

std::vector<float> run(Isa isa, const Problem& pr) {
  const PackedQ8 packed = pack_q8_isa(isa, pr.k, pr.n, pr.w.data(), pr.ldw);
  REQUIRE(packed.isa() == isa);
  REQUIRE(packed.k() == pr.k);
  REQUIRE(packed.n() == pr.n);
  // C is only written: NaN where the result goes shows through any read.
  std::vector<float> c(pr.m * pr.ldc, kSentinel);
  for (size_t i = 0; i < pr.m; ++i) std::fill(c.begin() + i * pr.ldc, c.begin() + i * pr.ldc + pr.n, kNaN);
  qgemm_packed(pr.m, pr.a.data(), pr.lda, packed, c.data(), pr.ldc);
  return c;
}

// Elements of C whose bits differ from `want` (NaN matches NaN of the same bits), plus any
// change to the padding between rows.
size_t mismatches(const Problem& pr, const std::vector<float>& want, const std::vector<float>& c) {
  size_t bad = 0;
  for (size_t i = 0; i < pr.m; ++i) {
    for (size_t j = 0; j < pr.ldc; ++j) {
      const float got = c[i * pr.ldc + j];
      bad += (j < pr.n ? same_bits(got, want[i * pr.n + j]) : got == kSentinel) ? 0 : 1;
    }
  }
  return bad;
}

std::vector<Isa> isas() { return test::all_levels(); }

// Every ISA against the naive reference, bit for bit: the sums are integers, so there is no
// summation order to excuse a difference.
void check_exact(const Problem& pr) {
  CAPTURE(pr.m);
  CAPTURE(pr.n);
  CAPTURE(pr.k);
  CAPTURE(pr.lda);
  const std::vector<float> want = reference(pr);
  for (Isa isa : isas()) {
    CAPTURE(std::string(isa_name(isa)));
    CHECK(mismatches(pr, want, run(isa, pr)) == 0);
  }
}

auto normal(std::mt19937& rng) {
  return [&rng, dist = std::normal_distribution<float>(0.0f, 1.0f)]() mutable { return dist(rng); };
}

TEST_CASE("qgemm: every m, n tail pair at k = 1, 2, 17, 300 equals the reference bit for bit") {
  std::mt19937 rng(1);
  size_t round = 0;
  for (size_t k : {1, 2, 17, 300}) {
    for (size_t m : kSizes) {
      for (size_t n : kSizes) check_exact(make_problem(m, n, k, ++round % 3 == 0 ? 0 : 3, normal(rng)));
    }
  }
}

TEST_CASE("qgemm: random sizes from the tail set equal the reference bit for bit") {
  std::mt19937 rng(2);
  for (int t = 0; t < 150; ++t) {
    const size_t m = kSizes[rng() % kNumSizes], n = kSizes[rng() % kNumSizes], k = kSizes[rng() % kNumSizes];
    check_exact(make_problem(m, n, k, rng() % 4, normal(rng)));
  }
}

TEST_CASE("qgemm: the encoder's shapes and several KC blocks equal the reference bit for bit") {
  std::mt19937 rng(3);
  struct Shape {
    size_t m, n, k;
  };
  // QKV, attention out, FFN in and FFN out of a hidden-384 model on a batch of 150 tokens (k =
  // 1536 is 3 KC blocks of the AVX2 kernel), and odd k across uneven KC blocks.
  for (const Shape& s : {Shape{150, 1152, 384}, Shape{150, 384, 384}, Shape{150, 1536, 384}, Shape{150, 384, 1536},
                         Shape{37, 45, 1027}, Shape{7, 33, 513}, Shape{400, 300, 70}}) {
    check_exact(make_problem(s.m, s.n, s.k, 1, normal(rng)));
  }
}

// Integers in [-127, 127] with a 127 in magnitude in every row quantise to themselves (scale 1,
// inv 1), so the output must be the exact integer product, computed here in int64.
// Where the CPU has AVX-VNNI the avx2 and avx512 levels run the AVX-VNNI kernel, so the AVX2
// vpmaddwd kernel that other AVX2 CPUs run is also called here directly (and the AVX-VNNI one,
// where the CPU has it), each against the reference on the tail sizes.
TEST_CASE("qgemm: the AVX2 and the AVX-VNNI kernels, called directly, equal the reference bit for bit") {
  std::mt19937 rng(11);
  struct Kernel {
    const char* name;
    bool present;
    size_t (*bytes)(size_t, size_t);
    void (*pack)(size_t, size_t, const int8_t*, void*);
    void (*run)(size_t, size_t, size_t, const float*, size_t, const void*, const float*, float*, size_t);
  };
  const Kernel kernels[] = {
      {"avx2 vpmaddwd", cpu_supports(Isa::kAvx2), avx2::packed_q8_bytes, avx2::pack_q8, avx2::qgemm_packed},
      {"avx-vnni", cpu_has_avx_vnni(), avxvnni::packed_q8_bytes, avxvnni::pack_q8, avxvnni::qgemm_packed},
  };
  for (const Kernel& kn : kernels) {
    if (!kn.present) {
      MESSAGE("skipped: this CPU lacks ", kn.name);
      continue;
    }
    CAPTURE(kn.name);
    for (int t = 0; t < 60; ++t) {
      const size_t m = kSizes[rng() % kNumSizes], n = kSizes[rng() % kNumSizes], k = kSizes[rng() % kNumSizes];
      const Problem pr = make_problem(m, n, k, rng() % 3, normal(rng));
      std::vector<int8_t> q(n * k);
      std::vector<float> scales((n + 15) / 16 * 16, 0.0f);
      for (size_t j = 0; j < n; ++j) scalar::quantize_row_q8(&pr.w[j * pr.ldw], k, &q[j * k], &scales[j]);
      std::vector<uint8_t> packed(kn.bytes(k, n) + 64);
      // 64-byte aligned, as PackedStorage allocates.
      void* aligned = packed.data() + (64 - reinterpret_cast<uintptr_t>(packed.data()) % 64) % 64;
      kn.pack(k, n, q.data(), aligned);
      std::vector<float> c(m * pr.ldc, kSentinel);
      kn.run(m, n, k, pr.a.data(), pr.lda, aligned, scales.data(), c.data(), pr.ldc);
      CAPTURE(m);
      CAPTURE(n);
      CAPTURE(k);
      CHECK(mismatches(pr, reference(pr), c) == 0);
    }
  }
}

TEST_CASE("qgemm: extreme values (+-127 everywhere) give the exact integer product: no saturation") {
  struct Case {
    const char* what;
    int a_sign, w_sign;  // 0: random signs
  };
  std::mt19937 rng(4);
  for (const Case& cs :
       {Case{"127 x 127", 1, 1}, Case{"-127 x 127", -1, 1}, Case{"-127 x -127", -1, -1}, Case{"random signs", 0, 0}}) {
    auto sign = [&](int s) { return s != 0 ? s : (rng() % 2 == 0 ? 1 : -1); };
    for (size_t t = 0; t < 40; ++t) {
      const size_t m = kSizes[rng() % kNumSizes], n = kSizes[rng() % kNumSizes];
      // Up to 1000: |sum| <= 1000 * 16129 < 2^24, so float(sum) is exact.
      const size_t k = t < 30 ? kSizes[rng() % kNumSizes] : 1000;
      Problem pr = make_problem(m, n, k, t % 2, [&] { return 127.0f * static_cast<float>(sign(cs.a_sign)); });
      for (size_t j = 0; j < n; ++j) {
        for (size_t p = 0; p < k; ++p) pr.w[j * pr.ldw + p] = 127.0f * static_cast<float>(sign(cs.w_sign));
      }
      CAPTURE(cs.what);
      CAPTURE(m);
      CAPTURE(n);
      CAPTURE(k);
      for (Isa isa : isas()) {
        CAPTURE(std::string(isa_name(isa)));
        const std::vector<float> c = run(isa, pr);
        size_t bad = 0;
        for (size_t i = 0; i < m; ++i) {
          for (size_t j = 0; j < n; ++j) {
            int64_t sum = 0;
            for (size_t p = 0; p < k; ++p) {
              sum += static_cast<int64_t>(pr.a[i * pr.lda + p]) * static_cast<int64_t>(pr.w[j * pr.ldw + p]);
            }
            bad += c[i * pr.ldc + j] == static_cast<float>(sum) ? 0 : 1;
          }
        }
        CHECK(bad == 0);
      }
    }
  }
}

TEST_CASE("qgemm: sums up to kQ8MaxK * 127 * 127 do not overflow int32") {
  for (float a_value : {127.0f, -127.0f}) {
    Problem pr = make_problem(2, 3, kQ8MaxK, 0, [] { return 127.0f; });
    for (size_t p = 0; p < kQ8MaxK; ++p) pr.a[p] = a_value;  // row 0; row 1 stays +127
    const auto extreme = static_cast<float>(int64_t{kQ8MaxK} * 127 * 127);
    for (Isa isa : isas()) {
      CAPTURE(std::string(isa_name(isa)));
      CAPTURE(a_value);
      const std::vector<float> c = run(isa, pr);
      CHECK(c[0] == (a_value > 0 ? extreme : -extreme));
      CHECK(c[pr.ldc] == extreme);
    }
  }
}

TEST_CASE("qgemm: zero, tiny and non-finite rows") {
  std::mt19937 rng(5);
  Problem pr = make_problem(7, 21, 37, 1, normal(rng));
  auto a_row = [&](size_t i) { return pr.a.begin() + static_cast<std::ptrdiff_t>(i * pr.lda); };
  auto w_row = [&](size_t j) { return pr.w.begin() + static_cast<std::ptrdiff_t>(j * pr.ldw); };
  std::fill(a_row(0), a_row(0) + 37, 0.0f);
  std::fill(a_row(1), a_row(1) + 37, 1e-35f);  // below kQ8MinAmax: counts as zero
  a_row(2)[5] = kNaN;
  a_row(3)[36] = std::numeric_limits<float>::infinity();
  a_row(4)[0] = -std::numeric_limits<float>::infinity();
  std::fill(w_row(3), w_row(3) + 37, 0.0f);
  w_row(20)[17] = kNaN;
  check_exact(pr);
  const std::vector<float> c = run(Isa::kScalar, pr);
  for (size_t j = 0; j < 20; ++j) {
    CAPTURE(j);
    CHECK(c[0 * pr.ldc + j] == 0.0f);
    CHECK(c[1 * pr.ldc + j] == 0.0f);
    CHECK(std::isnan(c[2 * pr.ldc + j]));
    CHECK(std::isnan(c[3 * pr.ldc + j]));
    CHECK(std::isnan(c[4 * pr.ldc + j]));
    CHECK(c[5 * pr.ldc + 3] == 0.0f);
    if (j != 3) CHECK(c[5 * pr.ldc + j] != 0.0f);
  }
  for (size_t i = 0; i < 7; ++i) CHECK(std::isnan(c[i * pr.ldc + 20]));
}

// A row's result must not depend on the rows it is batched with: the encoder's output is the same
// for any batch composition only if this holds.
TEST_CASE("qgemm: each row's result is independent of the other rows") {
  std::mt19937 rng(6);
  const Problem pr = make_problem(150, 70, 129, 2, normal(rng));
  for (Isa isa : isas()) {
    CAPTURE(std::string(isa_name(isa)));
    const PackedQ8 packed = pack_q8_isa(isa, pr.k, pr.n, pr.w.data(), pr.ldw);
    std::vector<float> all(pr.m * pr.n), one(pr.n);
    qgemm_packed(pr.m, pr.a.data(), pr.lda, packed, all.data(), pr.n);
    size_t bad = 0;
    for (size_t i = 0; i < pr.m; i += 7) {
      qgemm_packed(1, &pr.a[i * pr.lda], pr.lda, packed, one.data(), pr.n);
      for (size_t j = 0; j < pr.n; ++j) bad += same_bits(one[j], all[i * pr.n + j]) ? 0 : 1;
    }
    CHECK(bad == 0);
  }
}

// Against the unquantised product: each quantised value is within half a step (scale / 2) of
// the original, so |error| <= sum_p |a_p| dw + da |w_p| + da dw with da = a_scale / 2 and
// dw = w_scale / 2 (plus float rounding, a relative 1e-5 of the terms here); and on Gaussian data
// the error is the noise of uniform rounding, about 1% of the product's magnitude at k = 384.
TEST_CASE("qgemm: the dequantised product is within the quantisation error of the f32 product") {
  std::mt19937 rng(7);
  struct Case {
    size_t m, n, k;
  };
  for (const Case& cs : {Case{33, 70, 384}, Case{150, 40, 1536}, Case{5, 17, 7}}) {
    CAPTURE(cs.m);
    CAPTURE(cs.n);
    CAPTURE(cs.k);
    const Problem pr = make_problem(cs.m, cs.n, cs.k, 0, normal(rng));
    auto row_scale = [&](const std::vector<float>& v, size_t r) {
      double amax = 0;
      for (size_t p = 0; p < cs.k; ++p) amax = std::max(amax, std::fabs(static_cast<double>(v[r * cs.k + p])));
      return amax / 127;
    };
    for (Isa isa : isas()) {
      CAPTURE(std::string(isa_name(isa)));
      const std::vector<float> c = run(isa, pr);
      size_t bad = 0;
      double err2 = 0, ref2 = 0;
      for (size_t i = 0; i < cs.m; ++i) {
        const double da = row_scale(pr.a, i) / 2;
        for (size_t j = 0; j < cs.n; ++j) {
          const double dw = row_scale(pr.w, j) / 2;
          double exact = 0, bound = 0, mag = 0;
          for (size_t p = 0; p < cs.k; ++p) {
            const double a = pr.a[i * cs.k + p], w = pr.w[j * cs.k + p];
            exact += a * w;
            bound += std::fabs(a) * dw + da * std::fabs(w) + da * dw;
            mag += std::fabs(a * w);
          }
          const double err = std::fabs(static_cast<double>(c[i * pr.ldc + j]) - exact);
          bad += err <= bound + 1e-5 * mag ? 0 : 1;
          err2 += err * err;
          ref2 += exact * exact;
        }
      }
      CHECK(bad == 0);
      CAPTURE(std::sqrt(err2 / ref2));
      CHECK(std::sqrt(err2 / ref2) < 0.015);
    }
  }
}

TEST_CASE("qgemm: PackedQ8 moves leave the source empty, empty shapes do nothing") {
  const std::vector<float> w{1, 2, 3, 4, 5, 6};  // 3 x 2: scales 2/127, 4/127, 6/127
  PackedQ8 p = pack_q8(2, 3, w.data(), 2);
  PackedQ8 q = std::move(p);
  CHECK(p.k() == 0);  // NOLINT(bugprone-use-after-move): the moved-from state is the contract
  CHECK(p.n() == 0);
  CHECK(q.k() == 2);
  CHECK(q.n() == 3);
  CHECK(q.scales()[2] == 6.0f / 127.0f);
  const std::vector<float> a{1, -1};  // 1 x 2
  std::vector<float> c(3, kNaN);
  qgemm_packed(1, a.data(), 2, q, c.data(), 3);
  // w quantises to (64, 127), (95, 127), (106, 127) and a to (127, -127).
  for (size_t j = 0; j < 3; ++j) {
    const float want_sum = 127.0f * static_cast<float>(std::vector<int>{64 - 127, 95 - 127, 106 - 127}[j]);
    CHECK(c[j] == want_sum * (1.0f / 127.0f) * q.scales()[j]);
  }
  p = std::move(q);
  CHECK(p.n() == 3);
  CHECK(q.n() == 0);  // NOLINT(bugprone-use-after-move)
  PackedQ8 empty;
  CHECK(empty.k() == 0);
  qgemm_packed(0, a.data(), 2, empty, c.data(), 3);  // nothing to do
  for (Isa isa : isas()) {
    // k == 0: every sum is empty, so C is 0.
    const PackedQ8 no_k = pack_q8_isa(isa, 0, 3, w.data(), 0);
    std::vector<float> z(6, kNaN);
    qgemm_packed(2, a.data(), 0, no_k, z.data(), 3);
    CHECK(z == std::vector<float>(6, 0.0f));
  }
}

}  // namespace
}  // namespace bitmill::kernels
