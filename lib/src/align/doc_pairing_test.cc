#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "bitmill/align/doc_pairing.h"

namespace bitmill::align {
namespace {

TEST_CASE("pert_weight: 16 weights summing to 1, largest at the slot of the position") {
  for (double c : {0.0, 0.13, 0.5, 0.77, 1.0}) {
    double sum = 0, best = -1;
    size_t arg = 0;
    for (size_t s = 0; s < kDocSlots; ++s) {
      const double w = pert_weight(c, s);
      CHECK(w >= 0);
      sum += w;
      if (w > best) {
        best = w;
        arg = s;
      }
    }
    CAPTURE(c);
    CHECK(std::fabs(sum - 1) < 1e-12);
    // The mode of the distribution is at c (quantised to the 100 peaks), so the heaviest slot
    // is the one nearest to it.
    CHECK(std::fabs(static_cast<double>(arg) / (kDocSlots - 1) - c) <= 0.5 / (kDocSlots - 1) + 0.01);
  }
}

std::vector<float> random_rows(size_t n, size_t dim, std::mt19937& rng) {
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> r(n * dim);
  for (float& x : r) x = normal(rng);
  return r;
}

float cosine(const std::vector<float>& a, const std::vector<float>& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += static_cast<double>(a[i]) * static_cast<double>(b[i]);
  return static_cast<float>(s);
}

TEST_CASE("document_vector: unit length, the same document scores 1, its reversal less") {
  std::mt19937 rng(1);
  const size_t n = 20, dim = 16;
  const std::vector<float> rows = random_rows(n, dim, rng);
  std::vector<float> rev(n * dim);
  for (size_t i = 0; i < n; ++i) std::copy_n(&rows[(n - 1 - i) * dim], dim, &rev[i * dim]);
  const std::vector<float> w(n, 1.0f);
  const auto a = document_vector(rows.data(), w.data(), n, dim);
  const auto b = document_vector(rev.data(), w.data(), n, dim);
  CHECK(a.size() == kDocSlots * dim);
  CHECK(std::fabs(cosine(a, a) - 1.0f) < 1e-5f);
  CHECK(cosine(a, b) < 0.5f);  // the same sentences in the other order: a different document
  const auto e = document_vector(nullptr, nullptr, 0, dim);
  CHECK(cosine(e, e) == 0.0f);
}

TEST_CASE("match_documents: competitive linking, against repeatedly taking the best free pair") {
  std::mt19937 rng(2);
  for (int t = 0; t < 20; ++t) {
    const size_t ns = 1 + rng() % 12, nt = 1 + rng() % 12, width = 8;
    std::vector<float> s = random_rows(ns, width, rng), g = random_rows(nt, width, rng);
    auto unitize = [&](std::vector<float>& v, size_t n) {
      for (size_t i = 0; i < n; ++i) {
        double ss = 0;
        for (size_t d = 0; d < width; ++d)
          ss += static_cast<double>(v[i * width + d]) * static_cast<double>(v[i * width + d]);
        for (size_t d = 0; d < width; ++d)
          v[i * width + d] = static_cast<float>(static_cast<double>(v[i * width + d]) / std::sqrt(ss));
      }
    };
    unitize(s, ns);
    unitize(g, nt);
    const float threshold = 0.1f;
    const auto got = match_documents(s, ns, g, nt, width, threshold);
    // The reference: scores in double, the best free pair taken until none is left above.
    std::vector<bool> us(ns), ut(nt);
    std::vector<DocPair> want;
    while (true) {
      double best = -2;
      size_t bi = 0, bj = 0;
      for (size_t i = 0; i < ns; ++i) {
        for (size_t j = 0; j < nt; ++j) {
          if (us[i] || ut[j]) continue;
          double d = 0;
          for (size_t k = 0; k < width; ++k)
            d += static_cast<double>(s[i * width + k]) * static_cast<double>(g[j * width + k]);
          if (d > best) {
            best = d;
            bi = i;
            bj = j;
          }
        }
      }
      if (best < static_cast<double>(threshold)) break;
      us[bi] = ut[bj] = true;
      want.push_back(DocPair{static_cast<uint32_t>(bi), static_cast<uint32_t>(bj), 0.0f});
    }
    std::sort(want.begin(), want.end(), [](const DocPair& a, const DocPair& b) { return a.src < b.src; });
    REQUIRE(got.size() == want.size());
    for (size_t k = 0; k < got.size(); ++k) {
      CHECK(got[k].src == want[k].src);
      CHECK(got[k].tgt == want[k].tgt);
    }
  }
}

}  // namespace
}  // namespace bitmill::align
