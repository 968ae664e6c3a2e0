#include "bitmill/align/doc_pairing.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "bitmill/kernels/kernels.h"
#include "bitmill/kernels/l2_norm.h"
#include "bitmill/util/parallel.h"

namespace bitmill::align {
namespace {

constexpr double kLo = -0.001, kHi = 1.001, kShape = 20.0;
constexpr size_t kBanks = 100;

// The 16 slot weights of the distribution peaked at p (summing to 1).
std::array<double, kDocSlots> bank(double p) {
  const double a1 = 1 + kShape * (p - kLo) / (kHi - kLo), a2 = 1 + kShape * (kHi - p) / (kHi - kLo);
  std::array<double, kDocSlots> w{};
  double sum = 0;
  for (size_t s = 0; s < kDocSlots; ++s) {
    const double t = static_cast<double>(s) / (kDocSlots - 1);
    w[s] = std::pow(t - kLo, a1 - 1) * std::pow(kHi - t, a2 - 1);
    sum += w[s];
  }
  for (double& x : w) x /= sum;
  return w;
}

}  // namespace

double pert_weight(double c, size_t s) {
  const auto k = static_cast<size_t>(std::floor(std::clamp(c, 0.0, 1.0) * (kBanks - 1)));
  return bank(static_cast<double>(k) / (kBanks - 1))[s];
}

std::vector<float> document_vector(const float* rows, const float* weight, size_t n, size_t dim) {
  std::vector<double> acc(kDocSlots * dim, 0.0);
  for (size_t i = 0; i < n; ++i) {
    const double c = n == 1 ? 0.0 : static_cast<double>(i) / static_cast<double>(n - 1);
    const auto k = static_cast<size_t>(std::floor(c * (kBanks - 1)));
    const auto w = bank(static_cast<double>(k) / (kBanks - 1));
    for (size_t s = 0; s < kDocSlots; ++s) {
      const double ws = w[s] * static_cast<double>(weight[i]);
      for (size_t d = 0; d < dim; ++d) acc[s * dim + d] += ws * static_cast<double>(rows[i * dim + d]);
    }
  }
  std::vector<float> out(acc.size());
  for (size_t j = 0; j < acc.size(); ++j) out[j] = static_cast<float>(acc[j]);
  (void)kernels::l2_normalize(out.data(), out.size());
  return out;
}

std::vector<DocPair> match_documents(const std::vector<float>& src, size_t ns, const std::vector<float>& tgt, size_t nt,
                                     size_t width, float threshold) {
  // Scores at or above the threshold, then linked from the highest down (ties: lower src, then
  // lower tgt, so the result does not depend on the order of the parallel fill).
  std::vector<std::vector<DocPair>> rows(ns);
  parallel_loop(size_t{0}, ns, [&](size_t i) {
    for (size_t j = 0; j < nt; ++j) {
      const float s = kernels::dot_f32(&src[i * width], &tgt[j * width], width);
      if (s >= threshold) rows[i].push_back(DocPair{static_cast<uint32_t>(i), static_cast<uint32_t>(j), s});
    }
  });
  std::vector<DocPair> cand;
  for (auto& r : rows) cand.insert(cand.end(), r.begin(), r.end());
  std::sort(cand.begin(), cand.end(), [](const DocPair& a, const DocPair& b) {
    if (a.score != b.score) return a.score > b.score;
    return a.src != b.src ? a.src < b.src : a.tgt < b.tgt;
  });
  std::vector<bool> used_s(ns, false), used_t(nt, false);
  std::vector<DocPair> out;
  for (const DocPair& p : cand) {
    if (used_s[p.src] || used_t[p.tgt]) continue;
    used_s[p.src] = used_t[p.tgt] = true;
    out.push_back(p);
  }
  std::sort(out.begin(), out.end(), [](const DocPair& a, const DocPair& b) { return a.src < b.src; });
  return out;
}

}  // namespace bitmill::align
