#include <doctest/doctest.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "kernels/kernels_test_util.h"

namespace bitmill::kernels {
namespace {

constexpr float kSentinel = 12345.0f;  // in the padding between rows of C; must survive
const float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr double kEps = FLT_EPSILON;

using test::wide;

// One SGEMM problem with its operands laid out as the caller would: op(A) m x k stored k x m when
// trans_a, op(B) k x n stored n x k when trans_b, each row padded by `pad` elements (NaN in A and
// B, so that reading them would poison the result; the sentinel in C).
struct Problem {
  bool trans_a = false, trans_b = false;
  size_t m = 0, n = 0, k = 0;
  float alpha = 1.0f, beta = 0.0f;
  size_t lda = 0, ldb = 0, ldc = 0;
  std::vector<float> a, b, c;

  double a_at(size_t i, size_t p) const { return trans_a ? a[p * lda + i] : a[i * lda + p]; }
  double b_at(size_t p, size_t j) const { return trans_b ? b[j * ldb + p] : b[p * ldb + j]; }
};

template <typename Gen>
Problem make_problem(bool trans_a, bool trans_b, size_t m, size_t n, size_t k, float alpha, float beta, size_t pad,
                     Gen&& value) {
  Problem pr;
  pr.trans_a = trans_a;
  pr.trans_b = trans_b;
  pr.m = m;
  pr.n = n;
  pr.k = k;
  pr.alpha = alpha;
  pr.beta = beta;
  const size_t a_rows = trans_a ? k : m, a_cols = trans_a ? m : k;
  const size_t b_rows = trans_b ? n : k, b_cols = trans_b ? k : n;
  pr.lda = a_cols + pad;
  pr.ldb = b_cols + pad;
  pr.ldc = n + pad;
  auto fill = [&](std::vector<float>& v, size_t rows, size_t cols, size_t ld, float padding) {
    v.assign(rows * ld, padding);
    for (size_t r = 0; r < rows; ++r) {
      for (size_t j = 0; j < cols; ++j) v[r * ld + j] = value();
    }
  };
  fill(pr.a, a_rows, a_cols, pr.lda, kNaN);
  fill(pr.b, b_rows, b_cols, pr.ldb, kNaN);
  fill(pr.c, m, n, pr.ldc, kSentinel);
  // beta == 0 promises that C is not read: NaN there would show through any read.
  if (beta == 0.0f) {
    for (size_t i = 0; i < m; ++i) std::fill(pr.c.begin() + i * pr.ldc, pr.c.begin() + i * pr.ldc + n, kNaN);
  }
  return pr;
}

// The naive product in double, and for each element the sum of the magnitudes of its terms,
// which bounds the rounding error of any float evaluation order.
struct Reference {
  std::vector<double> value, magnitude;
};

Reference reference(const Problem& pr) {
  Reference ref{std::vector<double>(pr.m * pr.n), std::vector<double>(pr.m * pr.n)};
  for (size_t i = 0; i < pr.m; ++i) {
    for (size_t j = 0; j < pr.n; ++j) {
      double sum = 0, mag = 0;
      for (size_t p = 0; p < pr.k; ++p) {
        const double t = pr.a_at(i, p) * pr.b_at(p, j);
        sum += t;
        mag += std::fabs(t);
      }
      double v = static_cast<double>(pr.alpha) * sum;
      mag *= std::fabs(static_cast<double>(pr.alpha));
      if (pr.beta != 0.0f) {
        const double old = pr.c[i * pr.ldc + j];
        v += static_cast<double>(pr.beta) * old;
        mag += std::fabs(static_cast<double>(pr.beta) * old);
      }
      ref.value[i * pr.n + j] = v;
      ref.magnitude[i * pr.n + j] = mag;
    }
  }
  return ref;
}

std::vector<float> run(Isa isa, const Problem& pr) {
  std::vector<float> c = pr.c;
  sgemm_isa(isa, pr.trans_a, pr.trans_b, pr.m, pr.n, pr.k, pr.alpha, pr.a.data(), pr.lda, pr.b.data(), pr.ldb, pr.beta,
            c.data(), pr.ldc);
  return c;
}

// Counts the elements of C that differ from the reference by more than `rel` times their bound
// (0: exactly), plus any change to the padding between rows.
size_t mismatches(const Problem& pr, const Reference& ref, const std::vector<float>& c, double rel) {
  size_t bad = 0;
  for (size_t i = 0; i < pr.m; ++i) {
    for (size_t j = 0; j < pr.ldc; ++j) {
      const float got = c[i * pr.ldc + j];
      if (j >= pr.n) {
        bad += got == kSentinel ? 0 : 1;
        continue;
      }
      const double want = ref.value[i * pr.n + j];
      const double err = std::fabs(static_cast<double>(got) - want);
      bad += err <= rel * ref.magnitude[i * pr.n + j] ? 0 : 1;  // false for NaN
    }
  }
  return bad;
}

// Integer values in [-4, 4]: every partial sum of the tests' sizes is an exact float, so any
// summation order gives the same bits and the double reference is exact too.
auto small_ints(std::mt19937& rng) {
  return [&rng] { return static_cast<float>(static_cast<int>(rng() % 9) - 4); };
}

struct Params {
  bool trans_a, trans_b;
  float alpha, beta;
};

std::vector<Params> all_params() {
  std::vector<Params> out;
  for (bool ta : {false, true}) {
    for (bool tb : {false, true}) {
      for (float alpha : {1.0f, 0.5f}) {
        for (float beta : {0.0f, 1.0f, -1.0f}) out.push_back({ta, tb, alpha, beta});
      }
    }
  }
  return out;
}

// Sizes that land on and around every tail of the 6 x 16 (AVX2) and 8 x 48 (AVX-512)
// micro-kernels and the 8-wide packing, and past one KC (256, 192) and MC (144, 192) block.
const size_t kSizes[] = {0,  1,  2,  3,  5,  7,  8,  9,  15, 16,  17,  23,  24,  25,
                         31, 33, 47, 48, 49, 64, 65, 95, 97, 127, 130, 193, 257, 300};

// Every level on one integer problem: the reference is exact, so each must equal it exactly.
void check_exact(const Problem& pr, const std::vector<Isa>& levels) {
  CAPTURE(pr.trans_a);
  CAPTURE(pr.trans_b);
  CAPTURE(pr.m);
  CAPTURE(pr.n);
  CAPTURE(pr.k);
  CAPTURE(pr.alpha);
  CAPTURE(pr.beta);
  CAPTURE(pr.lda);
  const Reference ref = reference(pr);
  for (Isa isa : levels) {
    CAPTURE(std::string(isa_name(isa)));
    CHECK(mismatches(pr, ref, run(isa, pr), 0.0) == 0);
  }
}

TEST_CASE("sgemm: every transpose, alpha and beta on small integer problems is exact") {
  const std::vector<Isa> levels = test::all_levels();
  std::mt19937 rng(1);
  const size_t sizes[] = {0, 1, 7, 16, 17, 33};
  for (const Params& p : all_params()) {
    for (size_t m : sizes) {
      for (size_t n : sizes) {
        for (size_t k : sizes) {
          check_exact(
              make_problem(p.trans_a, p.trans_b, m, n, k, p.alpha, p.beta, (m + n + k) % 2 * 3, small_ints(rng)),
              levels);
        }
      }
    }
  }
}

TEST_CASE("sgemm: every m, n tail pair at k = 1, 17, 300 is exact") {
  const std::vector<Isa> levels = test::all_levels();
  std::mt19937 rng(2);
  const std::vector<Params> params = all_params();
  size_t round = 0;
  for (size_t k : {1, 17, 300}) {
    for (size_t m : kSizes) {
      for (size_t n : kSizes) {
        // The 24 parameter sets take turns, so each size pair meets a different one per k.
        const Params& p = params[round++ % params.size()];
        check_exact(
            make_problem(p.trans_a, p.trans_b, m, n, k, p.alpha, p.beta, round % 3 == 0 ? 0 : 5, small_ints(rng)),
            levels);
      }
    }
  }
}

TEST_CASE("sgemm: random sizes from the tail set are exact") {
  const std::vector<Isa> levels = test::all_levels();
  std::mt19937 rng(3);
  const std::vector<Params> params = all_params();
  constexpr size_t kNumSizes = sizeof(kSizes) / sizeof(kSizes[0]);
  for (int t = 0; t < 150; ++t) {
    const size_t m = kSizes[rng() % kNumSizes], n = kSizes[rng() % kNumSizes], k = kSizes[rng() % kNumSizes];
    const Params& p = params[rng() % params.size()];
    check_exact(make_problem(p.trans_a, p.trans_b, m, n, k, p.alpha, p.beta, rng() % 4, small_ints(rng)), levels);
  }
}

TEST_CASE("sgemm: n past one NC block and k past several KC blocks are exact") {
  const std::vector<Isa> levels = test::all_levels();
  std::mt19937 rng(4);
  struct Case {
    size_t m, n, k;
  };
  for (const Case& cs : {Case{7, 4113, 5}, Case{13, 8200, 3}, Case{9, 20, 1000}, Case{150, 40, 530}}) {
    for (const Params& p : {Params{false, true, 1.0f, 0.0f}, Params{true, false, 0.5f, -1.0f}}) {
      check_exact(make_problem(p.trans_a, p.trans_b, cs.m, cs.n, cs.k, p.alpha, p.beta, 1, small_ints(rng)), levels);
    }
  }
}

TEST_CASE("sgemm: random floats agree with a double reference to rounding") {
  const std::vector<Isa> levels = test::all_levels();
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
  auto value = [&] { return unit(rng); };
  struct Case {
    bool trans_a, trans_b;
    size_t m, n, k;
    float alpha, beta;
    size_t pad;
  };
  const Case cases[] = {
      {false, true, 130, 97, 300, 1.0f, 0.0f, 0},  {false, false, 67, 129, 513, 0.7f, -1.3f, 3},
      {true, false, 31, 200, 64, -2.0f, 0.25f, 1}, {true, true, 145, 17, 257, 1.0f, 1.0f, 0},
      {false, true, 1, 1, 1000, 1.0f, 0.0f, 0},    {false, true, 200, 1, 33, 1.5f, 0.0f, 2},
      {false, true, 77, 77, 64, 0.125f, 0.0f, 0},  {false, false, 77, 64, 77, 1.0f, 0.0f, 0},
  };
  for (const Case& cs : cases) {
    const Problem pr = make_problem(cs.trans_a, cs.trans_b, cs.m, cs.n, cs.k, cs.alpha, cs.beta, cs.pad, value);
    CAPTURE(cs.trans_a);
    CAPTURE(cs.trans_b);
    CAPTURE(cs.m);
    CAPTURE(cs.n);
    CAPTURE(cs.k);
    const Reference ref = reference(pr);
    // A float sum of k terms in any order is within about k * eps of the sum of their magnitudes;
    // the merge with alpha and beta adds two more roundings.
    const double rel = static_cast<double>(cs.k + 2) * kEps;
    for (Isa isa : levels) {
      CAPTURE(std::string(isa_name(isa)));
      CHECK(mismatches(pr, ref, run(isa, pr), rel) == 0);
    }
  }
}

// The encoder's attention: Q, K and V interleaved in rows of a fused QKV output, so the leading
// dimensions are 3 * hidden while a head is only d columns wide.
TEST_CASE("sgemm: attention on an interleaved QKV buffer agrees with a double reference") {
  const std::vector<Isa> levels = test::all_levels();
  std::mt19937 rng(6);
  std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
  for (size_t d : {32, 64}) {
    const size_t hidden = 2 * d, ld = 3 * hidden;
    for (size_t len : {1, 5, 50, 129}) {
      CAPTURE(d);
      CAPTURE(len);
      std::vector<float> qkv(len * ld);
      for (float& v : qkv) v = unit(rng);
      const float* q = qkv.data() + d;  // the second head
      const float* k = q + hidden;
      const float* v = k + hidden;
      const float scale = 1.0f / std::sqrt(static_cast<float>(d));
      for (Isa isa : levels) {
        std::vector<float> scores(len * len, kNaN), out(len * d, kNaN);
        sgemm_isa(isa, false, true, len, len, d, scale, q, ld, k, ld, 0.0f, scores.data(), len);
        sgemm_isa(isa, false, false, len, d, len, 1.0f, scores.data(), len, v, ld, 0.0f, out.data(), d);
        size_t bad = 0;
        for (size_t i = 0; i < len; ++i) {
          for (size_t j = 0; j < len; ++j) {
            const test::RefDot r = test::ref_dot(&q[i * ld], 1, &k[j * ld], 1, d);
            const double sc = scale;
            bad += std::fabs(wide(scores[i * len + j]) - r.sum * sc) <= static_cast<double>(d + 2) * kEps * r.mag * sc
                       ? 0
                       : 1;
          }
          for (size_t j = 0; j < d; ++j) {
            const test::RefDot r = test::ref_dot(&scores[i * len], 1, &v[j], ld, len);
            bad += std::fabs(wide(out[i * d + j]) - r.sum) <= static_cast<double>(len + 2) * kEps * r.mag ? 0 : 1;
          }
        }
        CAPTURE(std::string(isa_name(isa)));
        CHECK(bad == 0);
      }
    }
  }
}

TEST_CASE("sgemm_packed: a packed B gives exact products on every ISA, transpose and block count") {
  std::mt19937 rng(7);
  struct Case {
    size_t m, n, k;
  };
  // Empty operands, the m == 1 and tail shapes, several KC blocks (k = 600) and NC blocks (n = 4113).
  const Case cases[] = {{0, 5, 5},    {5, 0, 5},      {5, 5, 0},    {1, 33, 17},   {2, 1, 1},
                        {7, 17, 300}, {130, 65, 257}, {9, 4113, 5}, {25, 31, 600}, {6, 16, 8}};
  for (Isa isa : test::all_levels()) {
    for (bool ta : {false, true}) {
      for (bool tb : {false, true}) {
        for (const Case& cs : cases) {
          CAPTURE(std::string(isa_name(isa)));
          CAPTURE(ta);
          CAPTURE(tb);
          CAPTURE(cs.m);
          CAPTURE(cs.n);
          CAPTURE(cs.k);
          const Problem first = make_problem(ta, tb, cs.m, cs.n, cs.k, 1.0f, 0.0f, 2, small_ints(rng));
          const PackedB packed = pack_b_isa(isa, tb, cs.k, cs.n, first.b.data(), first.ldb);
          CHECK(packed.isa() == isa);
          CHECK(packed.k() == cs.k);
          CHECK(packed.n() == cs.n);
          // The same packed B against two different A (and alpha, beta), as a layer's weight is used.
          Problem second = make_problem(ta, tb, cs.m, cs.n, cs.k, 0.5f, -1.0f, 1, small_ints(rng));
          second.b = first.b;
          second.ldb = first.ldb;
          for (const Problem* pr : std::vector<const Problem*>{&first, &second}) {
            std::vector<float> c = pr->c;
            sgemm_packed(ta, pr->m, pr->alpha, pr->a.data(), pr->lda, packed, pr->beta, c.data(), pr->ldc);
            CHECK(mismatches(*pr, reference(*pr), c, 0.0) == 0);
          }
        }
      }
    }
  }
}

TEST_CASE("sgemm_packed: PackedB moves leave the source empty") {
  const std::vector<float> b{1, 2, 3, 4, 5, 6};  // 2 x 3
  PackedB p = pack_b(false, 2, 3, b.data(), 3);
  PackedB q = std::move(p);
  CHECK(p.k() == 0);  // NOLINT(bugprone-use-after-move): the moved-from state is the contract
  CHECK(p.n() == 0);
  CHECK(q.k() == 2);
  CHECK(q.n() == 3);
  const std::vector<float> a{1, -1};  // 1 x 2
  std::vector<float> c(3, kNaN);
  sgemm_packed(false, 1, 1.0f, a.data(), 2, q, 0.0f, c.data(), 3);
  CHECK(c == std::vector<float>{-3, -3, -3});
  p = std::move(q);
  CHECK(p.n() == 3);
  CHECK(q.n() == 0);  // NOLINT(bugprone-use-after-move)
  PackedB empty;
  CHECK(empty.k() == 0);
  sgemm_packed(false, 0, 1.0f, a.data(), 2, empty, 0.0f, c.data(), 3);  // nothing to do
}

TEST_CASE("parse_isa_env: BITMILL_ISA picks a level at most the CPU's, and refuses anything else") {
  struct Row {
    const char* value;
    Isa detected, want;
    bool ok;
  };
  const Row rows[] = {
      {nullptr, Isa::kAvx2, Isa::kAvx2, true},
      {nullptr, Isa::kScalar, Isa::kScalar, true},
      {nullptr, Isa::kAmx, Isa::kAmx, true},
      {"scalar", Isa::kAvx2, Isa::kScalar, true},
      {"scalar", Isa::kScalar, Isa::kScalar, true},
      {"avx2", Isa::kAvx2, Isa::kAvx2, true},
      {"avx2", Isa::kAvx512Vnni, Isa::kAvx2, true},
      {"avx512", Isa::kAvx512, Isa::kAvx512, true},
      {"avx512", Isa::kAmx, Isa::kAvx512, true},
      {"avx512vnni", Isa::kAvx512Vnni, Isa::kAvx512Vnni, true},
      {"amx", Isa::kAmx, Isa::kAmx, true},
      // Above the CPU: refused, the detected level kept.
      {"avx2", Isa::kScalar, Isa::kScalar, false},
      {"avx512", Isa::kAvx2, Isa::kAvx2, false},
      {"avx512vnni", Isa::kAvx512, Isa::kAvx512, false},
      {"amx", Isa::kAvx512Vnni, Isa::kAvx512Vnni, false},
      // Not a level.
      {"", Isa::kAvx2, Isa::kAvx2, true},  // set but empty: as unset
      {"AVX2 ", Isa::kAvx2, Isa::kAvx2, false},
      {"sse4", Isa::kScalar, Isa::kScalar, false},
      {"avx512_vnni", Isa::kAmx, Isa::kAmx, false},
  };
  for (const Row& r : rows) {
    CAPTURE(r.value ? r.value : "(unset)");
    CAPTURE(std::string(isa_name(r.detected)));
    const IsaRequest got = parse_isa_env(r.value, r.detected);
    CHECK(got.isa == r.want);
    CHECK(got.error.empty() == r.ok);
    if (!r.ok) {
      CHECK(got.error.rfind(std::string("BITMILL_ISA=") + r.value + ": ", 0) == 0);
      CHECK(got.error.find('\n') == std::string::npos);
    }
  }
  // The process's own choice follows the same rule from its environment and CPU.
  CHECK(active_isa() == parse_isa_env(std::getenv("BITMILL_ISA"), detected_isa()).isa);
  CHECK(cpu_supports(detected_isa()));
  for (Isa l : {Isa::kScalar, Isa::kAvx2, Isa::kAvx512, Isa::kAvx512Vnni, Isa::kAmx}) {
    // Levels are nested: a CPU with one has every one below it.
    if (l > detected_isa()) CHECK_FALSE(cpu_supports(l));
    if (l <= detected_isa()) CHECK(cpu_supports(l));
    const std::string line = std::string("ISA level ") + isa_name(l) + (cpu_supports(l) ? ": present" : ": absent");
    MESSAGE(line);
  }
  CHECK(std::string(isa_name(Isa::kAvx512Vnni)) == "avx512vnni");
  CHECK(std::string(isa_name(Isa::kAmx)) == "amx");
}

}  // namespace
}  // namespace bitmill::kernels
