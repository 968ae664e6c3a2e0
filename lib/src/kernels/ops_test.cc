#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "bitmill/util/half.h"
#include "kernels/kernels_impl.h"
#include "kernels/kernels_test_util.h"

namespace bitmill::kernels {
namespace {

constexpr float kSentinel = 12345.0f;  // in padding and past the end; must survive
const float kInf = std::numeric_limits<float>::infinity();
const float kNaN = std::numeric_limits<float>::quiet_NaN();

using test::wide;

std::vector<Isa> isas() { return test::all_levels(); }
bool have_avx2() { return cpu_supports(Isa::kAvx2); }

// Every row tail of the 8-wide vectors, and a few encoder widths.
std::vector<size_t> widths() {
  std::vector<size_t> w;
  for (size_t n = 0; n <= 40; ++n) w.push_back(n);
  for (size_t n : {64, 127, 384, 512, 768, 1000}) w.push_back(n);
  return w;
}

// rows x cols in a buffer with leading dimension cols + pad, the padding holding the sentinel.
template <typename Gen>
std::vector<float> make_rows(size_t rows, size_t cols, size_t ld, Gen&& value) {
  std::vector<float> x(rows * ld, kSentinel);
  for (size_t r = 0; r < rows; ++r) {
    for (size_t j = 0; j < cols; ++j) x[r * ld + j] = value();
  }
  return x;
}

size_t padding_changed(const std::vector<float>& x, size_t cols, size_t ld) {
  size_t bad = 0;
  for (size_t i = 0; i < x.size(); ++i) bad += i % ld >= cols && x[i] != kSentinel ? 1 : 0;
  return bad;
}

// LayerNorm of one row in double, as torch.nn.LayerNorm defines it.
std::vector<double> layer_norm_reference(const float* row, size_t cols, const float* gamma, const float* beta,
                                         float eps) {
  double mean = 0, var = 0;
  for (size_t j = 0; j < cols; ++j) mean += wide(row[j]);
  mean /= static_cast<double>(cols);
  for (size_t j = 0; j < cols; ++j) var += (wide(row[j]) - mean) * (wide(row[j]) - mean);
  var /= static_cast<double>(cols);
  std::vector<double> y(cols);
  for (size_t j = 0; j < cols; ++j) {
    y[j] = (wide(row[j]) - mean) / std::sqrt(var + wide(eps)) * wide(gamma[j]) + wide(beta[j]);
  }
  return y;
}

TEST_CASE("layer_norm: integer rows with an integer mean give the same bits on both ISAs") {
  const bool avx2 = have_avx2();
  std::mt19937 rng(11);
  const float gammas[] = {-2.0f, -1.0f, -0.5f, 0.5f, 1.0f, 2.0f};
  for (size_t cols : widths()) {
    if (cols == 0) continue;
    CAPTURE(cols);
    const size_t rows = 3, ld = cols + 3;
    std::vector<float> x =
        make_rows(rows, cols, ld, [&] { return static_cast<float>(static_cast<int>(rng() % 17) - 8); });
    // Move each row's sum to a multiple of cols: then the mean, the deviations and their squares
    // are integers and every sum is exact in any order. Powers of two for gamma keep the final
    // scale exact too, so only the shared rounding of (x - mean) * rstd + beta remains.
    for (size_t r = 0; r < rows; ++r) {
      long sum = 0;
      for (size_t j = 0; j < cols; ++j) sum += static_cast<long>(x[r * ld + j]);
      x[r * ld + cols - 1] -= static_cast<float>(((sum % static_cast<long>(cols)) + cols) % cols);
    }
    std::vector<float> gamma(cols), beta(cols);
    for (size_t j = 0; j < cols; ++j) {
      gamma[j] = gammas[rng() % 6];
      beta[j] = static_cast<float>(static_cast<int>(rng() % 7) - 3);
    }
    const float eps = 1e-5f;

    std::vector<float> ys = x;
    layer_norm_isa(Isa::kScalar, ys.data(), rows, cols, ld, gamma.data(), beta.data(), eps);
    CHECK(padding_changed(ys, cols, ld) == 0);
    size_t far = 0;
    for (size_t r = 0; r < rows; ++r) {
      const auto want = layer_norm_reference(&x[r * ld], cols, gamma.data(), beta.data(), eps);
      for (size_t j = 0; j < cols; ++j)
        far += std::fabs(wide(ys[r * ld + j]) - want[j]) <= 1e-5 * (1 + std::fabs(want[j])) ? 0 : 1;
    }
    CHECK(far == 0);

    if (avx2) {
      std::vector<float> yv = x;
      layer_norm_isa(Isa::kAvx2, yv.data(), rows, cols, ld, gamma.data(), beta.data(), eps);
      size_t differ = 0;
      for (size_t i = 0; i < ys.size(); ++i) differ += ys[i] == yv[i] ? 0 : 1;
      CHECK(differ == 0);
    }
  }
}

TEST_CASE("layer_norm: random rows agree with a double reference") {
  std::mt19937 rng(12);
  std::normal_distribution<float> normal(3.0f, 2.0f);  // an offset mean, as residual streams have
  for (Isa isa : isas()) {
    for (size_t cols : widths()) {
      if (cols == 0) continue;
      CAPTURE(std::string(isa_name(isa)));
      CAPTURE(cols);
      const size_t rows = 2, ld = cols + 1;
      const std::vector<float> x = make_rows(rows, cols, ld, [&] { return normal(rng); });
      std::vector<float> gamma(cols), beta(cols);
      for (size_t j = 0; j < cols; ++j) {
        gamma[j] = normal(rng) / 3.0f;
        beta[j] = normal(rng) - 3.0f;
      }
      std::vector<float> y = x;
      layer_norm_isa(isa, y.data(), rows, cols, ld, gamma.data(), beta.data(), 1e-12f);
      CHECK(padding_changed(y, cols, ld) == 0);
      double worst = 0;
      for (size_t r = 0; r < rows; ++r) {
        const auto want = layer_norm_reference(&x[r * ld], cols, gamma.data(), beta.data(), 1e-12f);
        for (size_t j = 0; j < cols; ++j) {
          // Error relative to the size of the terms: |gamma| * |normalised x| + |beta|.
          const double scale =
              std::fabs(want[j] - wide(beta[j])) + std::fabs(wide(gamma[j])) + std::fabs(wide(beta[j]));
          worst = std::max(worst, std::fabs(wide(y[r * ld + j]) - want[j]) / scale);
        }
      }
      CAPTURE(worst);
      CHECK(worst < 2e-6);
    }
  }
  // No columns: nothing to normalise, nothing written.
  std::vector<float> x(4, kSentinel);
  for (Isa isa : isas()) layer_norm_isa(isa, x.data(), 4, 0, 1, nullptr, nullptr, 1e-5f);
  CHECK(padding_changed(x, 0, 1) == 0);
}

double gelu_reference(double x) { return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0))); }

// A dense sweep of [-10, 10] and random values from a wide range, plus the special values.
// The test inputs of a function of one variable: every multiple of 1 / per_unit in [lo, hi], then
// `random` values from draw(rng) (rng seeded with `seed`), then the special values.
template <typename Draw>
std::vector<float> sweep(int lo, int hi, int per_unit, unsigned seed, int random, Draw draw,
                         std::initializer_list<float> specials) {
  std::vector<float> xs;
  for (int i = lo * per_unit; i <= hi * per_unit; ++i)
    xs.push_back(static_cast<float>(i) / static_cast<float>(per_unit));
  std::mt19937 rng(seed);
  for (int i = 0; i < random; ++i) xs.push_back(draw(rng));
  xs.insert(xs.end(), specials);
  return xs;
}

// rng's 10^U(lo, hi) with a random sign: magnitudes spread over many binades.
struct SignedPow10 {
  std::uniform_real_distribution<float> exponent;
  float operator()(std::mt19937& rng) { return (rng() % 2 ? 1.0f : -1.0f) * std::pow(10.0f, exponent(rng)); }
};

std::vector<float> gelu_inputs() {
  std::vector<float> xs;
  for (int i = -10 * 4096; i <= 10 * 4096; ++i) xs.push_back(static_cast<float>(i) / 4096.0f);
  std::mt19937 rng(13);
  std::normal_distribution<float> normal(0.0f, 3.0f);
  std::uniform_real_distribution<float> exponent(-40.0f, 4.0f);
  for (int i = 0; i < 20000; ++i) xs.push_back(normal(rng));
  for (int i = 0; i < 20000; ++i) xs.push_back((rng() % 2 ? 1.0f : -1.0f) * std::pow(10.0f, exponent(rng)));
  for (float v : {0.0f, -0.0f, 1e-45f, -1e-45f, 1e30f, -1e30f, kInf, -kInf}) xs.push_back(v);
  return xs;
}

TEST_CASE("gelu_erf agrees with a double-precision erf GELU on both ISAs") {
  const std::vector<float> xs = gelu_inputs();
  for (Isa isa : isas()) {
    CAPTURE(std::string(isa_name(isa)));
    std::vector<float> y = xs;
    gelu_erf_isa(isa, y.data(), y.size());
    double worst = 0;
    size_t wrong_special = 0;
    for (size_t i = 0; i < xs.size(); ++i) {
      const double want = gelu_reference(wide(xs[i]));
      if (std::isinf(xs[i])) {
        // gelu(+inf) = +inf; gelu(-inf) = -inf * 0 is NaN in the formula, as in PyTorch.
        wrong_special += xs[i] > 0 ? (y[i] == kInf ? 0 : 1) : (std::isnan(y[i]) ? 0 : 1);
        continue;
      }
      // erf is within 1e-7 (AVX2) or an ulp (libm), so gelu is within about |x| / 2 * 1e-7 plus
      // the rounding of the result.
      worst = std::max(worst, std::fabs(wide(y[i]) - want) / std::max(1.0, std::fabs(wide(xs[i]))));
    }
    CAPTURE(worst);
    CHECK(worst < 2e-7);
    CHECK(wrong_special == 0);
    std::vector<float> nan{kNaN};
    gelu_erf_isa(isa, nan.data(), 1);
    CHECK(std::isnan(nan[0]));
  }
}

TEST_CASE("gelu_erf: every tail length matches the reference ISA and writes nothing past n") {
  std::mt19937 rng(14);
  std::normal_distribution<float> normal(0.0f, 2.0f);
  for (Isa isa : isas()) {
    for (size_t n : widths()) {
      CAPTURE(std::string(isa_name(isa)));
      CAPTURE(n);
      std::vector<float> x(n + 9, kSentinel);
      for (size_t i = 0; i < n; ++i) x[i] = normal(rng);
      std::vector<float> want = x, got = x;
      gelu_erf_isa(Isa::kScalar, want.data(), n);
      gelu_erf_isa(isa, got.data(), n);
      size_t bad = 0;
      for (size_t i = 0; i < x.size(); ++i) {
        bad += i < n ? (std::fabs(wide(got[i]) - wide(want[i])) <= 2e-7 * std::max(1.0, std::fabs(wide(x[i]))) ? 0 : 1)
                     : (got[i] == kSentinel ? 0 : 1);
      }
      CHECK(bad == 0);
    }
  }
}

TEST_CASE("avx2 erf is within 1e-7 of erf everywhere") {
  if (!have_avx2()) return;
  const std::vector<float> xs =
      sweep(-10, 10, 16384, 15, 50000, SignedPow10{std::uniform_real_distribution<float>(-45.0f, 38.0f)},
            {0.0f, -0.0f, 0.99999994f, 1.0f, 1.00000012f, 3.9999998f, 4.0f, kInf, -kInf});
  std::vector<float> y = xs;
  avx2::erf_inplace(y.data(), y.size());
  double worst = 0, worst_rel_small = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    const double want = std::erf(wide(xs[i]));
    worst = std::max(worst, std::fabs(wide(y[i]) - want));
    // Near 0 erf(x) ~ 1.13 x: the error should shrink with x rather than stay at 1e-7, or
    // gelu's small values would lose their digits. (Subnormal results have no relative accuracy
    // to give; the absolute bound covers them.)
    if (std::fabs(xs[i]) < 1 && std::fabs(want) >= wide(std::numeric_limits<float>::min())) {
      worst_rel_small = std::max(worst_rel_small, std::fabs(wide(y[i]) - want) / std::fabs(want));
    }
  }
  CAPTURE(worst);
  CAPTURE(worst_rel_small);
  CHECK(worst < 1e-7);
  CHECK(worst_rel_small < 4e-7);
  CHECK(y[xs.size() - 2] == 1.0f);
  CHECK(y[xs.size() - 1] == -1.0f);
  std::vector<float> nan{kNaN, -kNaN};
  avx2::erf_inplace(nan.data(), 2);
  CHECK(std::isnan(nan[0]));
  CHECK(std::isnan(nan[1]));
}

TEST_CASE("avx2 exp is within 2e-7 relative of exp, subnormals and overflow included") {
  if (!have_avx2()) return;
  const std::vector<float> xs =
      sweep(-110, 90, 1024, 16, 100000, std::uniform_real_distribution<float>(-120.0f, 100.0f),
            {0.0f, -0.0f, 1e-40f, -1e-40f, 88.72283f, 88.72284f, -87.33654f, -103.97208f, -103.97209f, kInf, -kInf});
  std::vector<float> y = xs;
  avx2::exp_inplace(y.data(), y.size());
  double worst_rel = 0;
  size_t bad = 0;
  const double min_normal = std::numeric_limits<float>::min(), denorm_min = std::numeric_limits<float>::denorm_min();
  for (size_t i = 0; i < xs.size(); ++i) {
    const double want = std::exp(wide(xs[i]));
    if (want > wide(std::numeric_limits<float>::max())) {
      bad += y[i] == kInf ? 0 : 1;
    } else if (want >= min_normal) {
      worst_rel = std::max(worst_rel, std::fabs(wide(y[i]) - want) / want);
    } else {
      // Subnormal results: as good as rounding to the subnormal grid allows.
      bad += std::fabs(wide(y[i]) - want) <= denorm_min ? 0 : 1;
    }
  }
  CAPTURE(worst_rel);
  CHECK(worst_rel < 2e-7);
  CHECK(bad == 0);
  std::vector<float> nan{kNaN};
  avx2::exp_inplace(nan.data(), 1);
  CHECK(std::isnan(nan[0]));
}

// The AVX-512 exp, erf and GELU are the same lane-wise operations as AVX2's (vec_math.h), held to
// std::erf and std::exp above: they must give AVX2's bits (NaN: a NaN), at every tail of the 16
// lanes.
TEST_CASE("avx512 erf, exp and gelu give the AVX2 bits on the sweeps and at every tail") {
  if (!cpu_supports(Isa::kAvx512)) {
    MESSAGE("skipped: this CPU lacks avx512");
    return;
  }
  std::vector<float> xs = sweep(-110, 90, 1024, 16, 100000, std::uniform_real_distribution<float>(-120.0f, 100.0f),
                                {0.0f, -0.0f, 1e-40f, 1.0f, 4.0f, kInf, -kInf, kNaN});
  using Fn = void (*)(float*, size_t);
  const std::pair<Fn, Fn> pairs[] = {{avx2::erf_inplace, avx512::erf_inplace},
                                     {avx2::exp_inplace, avx512::exp_inplace},
                                     {avx2::gelu_erf, avx512::gelu_erf}};
  for (const auto& [f2, f5] : pairs) {
    for (size_t n : {xs.size(), size_t{1}, size_t{15}, size_t{17}, size_t{33}}) {
      std::vector<float> a(xs.begin(), xs.begin() + static_cast<std::ptrdiff_t>(n)), b = a;
      a.push_back(kSentinel);
      b.push_back(kSentinel);
      f2(a.data(), n);
      f5(b.data(), n);
      CAPTURE(n);
      // Bit for bit, except that a NaN only has to stay a NaN: which operand's payload an FMA
      // passes on depends on the form of the instruction the compiler picked (-O1 and -O3 differ).
      size_t differ = 0;
      for (size_t i = 0; i < a.size(); ++i) {
        differ += std::memcmp(&a[i], &b[i], sizeof(float)) == 0 || (std::isnan(a[i]) && std::isnan(b[i])) ? 0 : 1;
      }
      CHECK(differ == 0);
    }
  }
}

TEST_CASE("softmax_rows: every width and valid prefix agrees with a double reference") {
  std::mt19937 rng(17);
  std::uniform_real_distribution<float> score(-15.0f, 15.0f);
  for (size_t cols : widths()) {
    std::vector<size_t> valids{0, 1, cols / 2, cols, cols + 3};
    if (cols > 1) valids.push_back(cols - 1);
    for (size_t valid : valids) {
      CAPTURE(cols);
      CAPTURE(valid);
      const size_t rows = 3, ld = cols + 2, live = std::min(valid, cols);
      // Some large negative scores, as an additive attention mask makes them.
      const std::vector<float> x = make_rows(rows, cols, ld, [&] { return rng() % 10 == 0 ? -1e4f : score(rng); });
      std::vector<std::vector<float>> outs;
      for (Isa isa : isas()) {
        CAPTURE(std::string(isa_name(isa)));
        std::vector<float> y = x;
        softmax_rows_isa(isa, y.data(), rows, cols, ld, valid);
        CHECK(padding_changed(y, cols, ld) == 0);
        size_t bad = 0;
        for (size_t r = 0; r < rows; ++r) {
          const float* in = &x[r * ld];
          double mx = -kInf, sum = 0;
          for (size_t j = 0; j < live; ++j) mx = std::max(mx, static_cast<double>(in[j]));
          for (size_t j = 0; j < live; ++j) sum += std::exp(wide(in[j]) - mx);
          for (size_t j = 0; j < live; ++j) {
            const double want = std::exp(wide(in[j]) - mx) / sum;
            // Float rounds x - max to half an ulp of |x - max|, which exp turns into a relative
            // error of |x - max| * 2^-24; exp, the division and the sum add a few more ulps.
            const double tol = want * (4 + std::fabs(wide(in[j]) - mx)) * 6e-8;
            bad += std::fabs(wide(y[r * ld + j]) - want) <= tol ? 0 : 1;
          }
          for (size_t j = live; j < cols; ++j) bad += y[r * ld + j] == 0.0f ? 0 : 1;  // the masked keys
        }
        CHECK(bad == 0);
        outs.push_back(std::move(y));
      }
      if (outs.size() == 2) {
        // Between the two ISAs, only exp and the summation order differ.
        size_t far = 0;
        for (size_t i = 0; i < outs[0].size(); ++i) {
          far += std::fabs(wide(outs[1][i]) - wide(outs[0][i])) <= 1e-6 * std::fabs(wide(outs[0][i])) ? 0 : 1;
        }
        CHECK(far == 0);
      }
    }
  }
}

TEST_CASE("add_bias and tanh_inplace match their definitions") {
  std::mt19937 rng(18);
  std::uniform_real_distribution<float> unit(-3.0f, 3.0f);
  for (size_t cols : widths()) {
    CAPTURE(cols);
    const size_t rows = 2, ld = cols + 1;
    const std::vector<float> x = make_rows(rows, cols, ld, [&] { return unit(rng); });
    std::vector<float> bias(cols);
    for (float& b : bias) b = unit(rng);
    std::vector<float> y = x;
    add_bias(y.data(), rows, cols, ld, bias.data());
    size_t bad = padding_changed(y, cols, ld);
    for (size_t r = 0; r < rows; ++r) {
      for (size_t j = 0; j < cols; ++j) bad += y[r * ld + j] == x[r * ld + j] + bias[j] ? 0 : 1;
    }
    CHECK(bad == 0);

    std::vector<float> t(x.begin(), x.begin() + cols);
    tanh_inplace(t.data(), t.size());
    bad = 0;
    for (size_t j = 0; j < cols; ++j) bad += std::fabs(wide(t[j]) - std::tanh(wide(x[j]))) <= 1e-7 ? 0 : 1;
    CHECK(bad == 0);
  }
}

}  // namespace
}  // namespace bitmill::kernels

namespace bitmill::kernels {
namespace {

TEST_CASE("f16_to_f32: every half value, on every ISA, at every tail length and misalignment") {
  std::vector<uint16_t> all(65536);
  for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<uint16_t>(i);
  std::vector<float> want(all.size());
  for (size_t i = 0; i < all.size(); ++i) want[i] = bitmill::f16_to_f32(all[i]);
  for (Isa isa : {Isa::kScalar, Isa::kAvx2}) {
    CAPTURE(isa_name(isa));
    std::vector<float> got(all.size());
    f16_to_f32_isa(isa, all.data(), got.data(), all.size());
    size_t bad = 0;
    for (size_t i = 0; i < all.size(); ++i) {
      bad += (std::isnan(want[i]) ? std::isnan(got[i]) : std::memcmp(&got[i], &want[i], 4) == 0) ? 0 : 1;
    }
    CHECK(bad == 0);
    // Tails: n = 0..17 from an odd byte offset; nothing past n is written.
    std::vector<unsigned char> bytes(2 * 40 + 1);
    std::memcpy(bytes.data() + 1, all.data() + 15360, 2 * 40);  // 1.0 and up
    for (size_t n = 0; n <= 17; ++n) {
      std::vector<float> out(n + 1, -7.0f);
      f16_to_f32_isa(isa, bytes.data() + 1, out.data(), n);
      for (size_t i = 0; i < n; ++i) CHECK(out[i] == want[15360 + i]);
      CHECK(out[n] == -7.0f);
    }
  }
}

}  // namespace
}  // namespace bitmill::kernels
