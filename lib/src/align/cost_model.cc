#include "align/cost_model.h"

#include <algorithm>
#include <cmath>

#include "align/sampler.h"
#include "bitmill/kernels/kernels.h"

namespace bitmill::align {
namespace {

// 1 - mean over samples of (row . sample) for every row of `side`, as 1 - row . (mean sample):
// the samples are norm_samples rows of `other`, an equal share from each of its layers, drawn
// among that layer's real rows (j >= layer). No samples (an empty side): all 1.
std::vector<double> normaliser(const Side& side, const Side& other, size_t samples, Sampler rng) {
  std::vector<double> out(side.layers * side.len, 1.0);
  std::vector<double> mean(other.dim, 0.0);
  size_t drawn = 0;
  const size_t per = other.layers == 0 ? 0 : (samples + other.layers - 1) / other.layers;
  for (size_t layer = 0; layer < other.layers; ++layer) {
    if (other.len <= layer) continue;
    for (size_t s = 0; s < per; ++s) {
      const float* r = other.row(layer, layer + rng.index(other.len - layer));
      for (size_t d = 0; d < other.dim; ++d) mean[d] += static_cast<double>(r[d]);
      ++drawn;
    }
  }
  if (drawn == 0) return out;
  std::vector<float> m(other.dim);
  for (size_t d = 0; d < other.dim; ++d) m[d] = static_cast<float>(mean[d] / static_cast<double>(drawn));
  for (size_t layer = 0; layer < side.layers; ++layer) {
    for (size_t j = layer; j < side.len; ++j) {
      out[layer * side.len + j] = 1.0 - static_cast<double>(kernels::dot_f32(side.row(layer, j), m.data(), side.dim));
    }
  }
  return out;
}

// The q-quantile of v, linear between order statistics (numpy.quantile's default).
double quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

}  // namespace

std::vector<Shape> bead_shapes(size_t max_size, bool one_to_one) {
  std::vector<Shape> out;
  if (one_to_one) {
    out.push_back({1, 1});
  } else {
    for (uint32_t x = 1; x < max_size; ++x) {
      for (uint32_t y = 1; x + y <= max_size; ++y) out.push_back({x, y});
    }
  }
  out.push_back({0, 1});
  out.push_back({1, 0});
  return out;
}

CostModel::CostModel(const Side& src, const Side& tgt, const Params& params, uint64_t pair_index, uint64_t depth)
    : src_(src), tgt_(tgt) {
  ns_ = normaliser(src, tgt, params.norm_samples, Sampler(params.seed, pair_index, depth, 0));
  nt_ = normaliser(tgt, src, params.norm_samples, Sampler(params.seed, pair_index, depth, 1));
  // The penalty: a quantile of the 1-1 costs of sentence pairs (all of them when there are few),
  // so that a sentence is deleted when its best link costs more than that share of random links.
  std::vector<double> costs;
  const size_t pairs = src.len * tgt.len;
  if (pairs <= params.cost_samples) {
    for (size_t i = 0; i < src.len; ++i) {
      for (size_t j = 0; j < tgt.len; ++j) costs.push_back(cost({1, 1}, i, j));
    }
  } else {
    Sampler rng(params.seed, pair_index, depth, 2);
    for (size_t s = 0; s < params.cost_samples; ++s) {
      const size_t i = rng.index(src.len), j = rng.index(tgt.len);
      costs.push_back(cost({1, 1}, i, j));
    }
  }
  penalty_ = quantile(std::move(costs), params.del_percentile);
}

float CostModel::dot(Shape s, size_t i, size_t j) const {
  return kernels::dot_f32(src_.row(s.x - 1, i), tgt_.row(s.y - 1, j), src_.dim);
}

double CostModel::cost(Shape s, size_t i, size_t j) const {
  const double d = 1.0 - static_cast<double>(dot(s, i, j));
  return 2.0 * s.x * s.y * d / (1e-6 + ns_[(s.x - 1) * src_.len + i] + nt_[(s.y - 1) * tgt_.len + j]);
}

}  // namespace bitmill::align
