#include "bitmill/align/vecalign.h"

#include <cmath>

#include "align/band_dp.h"
#include "align/cost_model.h"
#include "bitmill/kernels/kernels.h"

namespace bitmill::align {
namespace {

// The next coarser level of a side's single sentences: row k = rows 2k + 2k + 1 (an odd last row
// is dropped), less the mean of the new rows, scaled to unit length (a zero row stays zero).
Side downsample(const Side& fine) {
  Side out;
  out.len = fine.len / 2;
  out.layers = 1;
  out.dim = fine.dim;
  out.rows.assign(out.len * out.dim, 0.0f);
  std::vector<double> mean(out.dim, 0.0);
  for (size_t k = 0; k < out.len; ++k) {
    const float* a = fine.row(0, 2 * k);
    const float* b = fine.row(0, 2 * k + 1);
    float* r = &out.rows[k * out.dim];
    for (size_t d = 0; d < out.dim; ++d) {
      r[d] = a[d] + b[d];
      mean[d] += static_cast<double>(r[d]);
    }
  }
  for (size_t k = 0; k < out.len; ++k) {
    float* r = &out.rows[k * out.dim];
    double ss = 0;
    for (size_t d = 0; d < out.dim; ++d) {
      r[d] -= static_cast<float>(mean[d] / static_cast<double>(out.len));
      ss += static_cast<double>(r[d]) * static_cast<double>(r[d]);
    }
    const float inv = ss > 0 ? static_cast<float>(1.0 / std::sqrt(ss)) : 0.0f;
    for (size_t d = 0; d < out.dim; ++d) r[d] *= inv;
  }
  return out;
}

std::vector<Bead> to_beads(const std::vector<Step>& path, const CostModel& costs) {
  std::vector<Bead> out;
  out.reserve(path.size());
  for (const Step& st : path) {
    Bead b;
    b.src_begin = st.x - st.shape.x;
    b.src_count = st.shape.x;
    b.tgt_begin = st.y - st.shape.y;
    b.tgt_count = st.shape.y;
    if (st.shape.x > 0 && st.shape.y > 0) b.cosine = costs.dot(st.shape, st.x - 1, st.y - 1);
    out.push_back(b);
  }
  return out;
}

}  // namespace

std::vector<Bead> align_pair_exact(const Side& src, const Side& tgt, const Params& params, uint64_t pair_index) {
  const CostModel costs(src, tgt, params, pair_index, 0);
  const auto path = band_dp(costs, bead_shapes(params.max_size, false), full_band(src.len, tgt.len), src.len, tgt.len);
  return to_beads(path, costs);
}

std::vector<Bead> align_pair(const Side& src, const Side& tgt, const Params& params, uint64_t pair_index) {
  const size_t limit = params.max_full_dp * params.max_full_dp;
  if (src.len * tgt.len <= limit) return align_pair_exact(src, tgt, params, pair_index);
  // The pyramid of single-sentence sides, halved until the full programme is affordable.
  std::vector<Side> srcs, tgts;
  const Side* s = &src;
  const Side* t = &tgt;
  while (s->len * t->len > limit) {
    srcs.push_back(downsample(*s));
    tgts.push_back(downsample(*t));
    s = &srcs.back();
    t = &tgts.back();
  }
  // Coarsest level: every node, one-to-one beads; then each finer level in the band around the
  // path of the level above it, the full bead shapes at the sentence level.
  const size_t depth = srcs.size();
  const auto one_to_one = bead_shapes(params.max_size, true);
  std::vector<Step> path;
  {
    const CostModel costs(srcs.back(), tgts.back(), params, pair_index, depth);
    path = band_dp(costs, one_to_one, full_band(s->len, t->len), s->len, t->len);
  }
  for (size_t d = depth; d-- > 0;) {
    const Side& fs = d == 0 ? src : srcs[d - 1];
    const Side& ft = d == 0 ? tgt : tgts[d - 1];
    const CostModel costs(fs, ft, params, pair_index, d);
    const Band band = band_around(path, fs.len, ft.len, params.search_buffer);
    path = band_dp(costs, d == 0 ? bead_shapes(params.max_size, false) : one_to_one, band, fs.len, ft.len);
    if (d == 0) return to_beads(path, costs);
  }
  return {};  // not reached: depth >= 1 here
}

}  // namespace bitmill::align
