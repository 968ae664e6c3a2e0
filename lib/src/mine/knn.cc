#include "bitmill/mine/knn.h"

#include <tbb/blocked_range.h>
#include <tbb/blocked_range2d.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include "bitmill/util/parallel.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <mutex>

#include "bitmill/kernels/kernels.h"
#include "bitmill/kernels/l2_norm.h"
#include "bitmill/vectors/neighbors.h"
#include "mine/knn_internal.h"

namespace bitmill::mine {

using vectors::better;
using vectors::insert;
using vectors::kNoIdx;
using vectors::kNoSim;

// Merges `rows` local lists (sorted, k entries each, kNoIdx-padded) into the global ones.
void merge_lists(const float* local_sim, const int64_t* local_idx, size_t rows, float* sim, int64_t* idx, size_t k) {
  for (size_t r = 0; r < rows; ++r) {
    float* gs = sim + r * k;
    int64_t* gi = idx + r * k;
    for (size_t t = 0; t < k; ++t) {
      const float v = local_sim[r * k + t];
      const int64_t id = local_idx[r * k + t];
      if (id == kNoIdx || !better(v, id, gs[k - 1], gi[k - 1])) break;  // sorted: no later one enters
      insert(gs, gi, k, v, id);
    }
  }
}

// Rows [r0, r1) of r as f32, each scaled by its inverse norm, into out[(r1 - r0) x d].
void load_tile(const RowSet& r, const std::vector<float>& inv, size_t r0, size_t r1, float* out) {
  const size_t d = r.matrix->dim();
  for (size_t i = r0; i < r1; ++i) {
    float* o = out + (i - r0) * d;
    r.matrix->row_f32(r.source_row(i), o);
    const float s = inv[i];
    for (size_t c = 0; c < d; ++c) o[c] *= s;
  }
}

namespace {

void init(Neighbors& nb, size_t rows, size_t k) {
  nb.rows = rows;
  nb.k = k;
  nb.sim.assign(rows * k, kNoSim);
  nb.idx.assign(rows * k, kNoIdx);
}

// 1 / ||row|| for every row (1 for a zero row, which stays zero; 1 when not normalising), or an
// error naming the first row that is not finite.
Status inverse_norms(const RowSet& r, bool normalize, std::vector<float>& inv) {
  const size_t n = r.size(), d = r.matrix->dim();
  inv.assign(n, 1.0f);
  std::atomic<size_t> bad{std::numeric_limits<size_t>::max()};
  parallel_loop(tbb::blocked_range<size_t>(0, n, 4096), [&](const tbb::blocked_range<size_t>& b) {
    std::vector<float> row(d);
    for (size_t i = b.begin(); i != b.end(); ++i) {
      const size_t src = r.source_row(i);
      r.matrix->row_f32(src, row.data());
      const double ss = kernels::sum_of_squares(row.data(), row.size());
      if (!std::isfinite(ss)) {
        size_t cur = bad.load();
        while (src < cur && !bad.compare_exchange_weak(cur, src)) {
        }
        continue;
      }
      if (normalize) inv[i] = kernels::inverse_l2_norm(ss);
    }
  });
  if (bad.load() != std::numeric_limits<size_t>::max()) {
    return data_error(r.matrix->path() + ": row " + std::to_string(bad.load()) +
                      " (0-based) holds a NaN or an infinity, or overflows");
  }
  return Status::ok();
}

struct Scratch {
  std::vector<float> a, b, s;           // tiles of x and y, and their similarities
  std::vector<float> row_sim, col_sim;  // local lists
  std::vector<float> col_thr;           // col_sim's last entry per column
  std::vector<int64_t> row_idx, col_idx;
};

// The f32 method: one GEMM per (x tile, y tile) task.
void knn_f32(const RowSet& x, const RowSet& y, const KnnOptions& o, const std::vector<float>& inv_x,
             const std::vector<float>& inv_y, Neighbors& fwd, Neighbors& bwd) {
  const size_t nx = x.size(), ny = y.size(), d = x.matrix->dim();
  const size_t kf = fwd.k, kb = bwd.k;
  const size_t tile = std::max<size_t>(o.tile, 1);
  const size_t na = (nx + tile - 1) / tile, nb = (ny + tile - 1) / tile;
  std::vector<std::mutex> fwd_mu(na), bwd_mu(nb);
  tbb::enumerable_thread_specific<Scratch> scratch;

  parallel_loop(tbb::blocked_range2d<size_t>(0, na, 1, 0, nb, 1), [&](const tbb::blocked_range2d<size_t>& r) {
    Scratch& w = scratch.local();
    for (size_t a = r.rows().begin(); a != r.rows().end(); ++a) {
      const size_t a0 = a * tile, a1 = std::min(nx, a0 + tile), ma = a1 - a0;
      // sgemm sums a single row in another order (row_times_matrix); a lone row is multiplied as
      // two copies, so that its similarities have the same bits whatever the tiling.
      const size_t mg = std::max<size_t>(ma, 2);
      w.a.resize(mg * d);
      load_tile(x, inv_x, a0, a1, w.a.data());
      if (ma == 1) std::copy_n(w.a.begin(), d, w.a.begin() + static_cast<std::ptrdiff_t>(d));
      for (size_t b = r.cols().begin(); b != r.cols().end(); ++b) {
        const size_t b0 = b * tile, b1 = std::min(ny, b0 + tile), mb = b1 - b0;
        w.b.resize(mb * d);
        load_tile(y, inv_y, b0, b1, w.b.data());
        w.s.resize(mg * mb);
        kernels::sgemm(false, true, mg, mb, d, 1.0f, w.a.data(), d, w.b.data(), d, 0.0f, w.s.data(), mb);

        // Local lists. Candidates arrive in increasing index, so an equal similarity never beats
        // an entry already held: only a strictly greater one is inserted.
        w.row_sim.assign(ma * kf, kNoSim);
        w.row_idx.assign(ma * kf, kNoIdx);
        w.col_sim.assign(mb * kb, kNoSim);
        w.col_idx.assign(mb * kb, kNoIdx);
        // The lists' last similarities are the entry thresholds; a 16-column group is checked
        // against them branch-free (vectorised) and walked one by one only when something enters,
        // which after the first rows is rare.
        w.col_thr.assign(mb, kNoSim);
        for (size_t i = 0; i < ma; ++i) {
          const float* srow = &w.s[i * mb];
          float* rs = &w.row_sim[i * kf];
          int64_t* ri = &w.row_idx[i * kf];
          for (size_t j0 = 0; j0 < mb; j0 += 16) {
            const size_t je = std::min(mb, j0 + 16);
            const float rthr = rs[kf - 1];
            int hit = 0;
            for (size_t j = j0; j < je; ++j)
              hit |= static_cast<int>(srow[j] > rthr) | static_cast<int>(srow[j] > w.col_thr[j]);
            if (hit == 0) continue;
            for (size_t j = j0; j < je; ++j) {
              const float v = srow[j];
              if (v > rs[kf - 1]) insert(rs, ri, kf, v, static_cast<int64_t>(b0 + j));
              if (v > w.col_thr[j]) {
                float* cs = &w.col_sim[j * kb];
                insert(cs, &w.col_idx[j * kb], kb, v, static_cast<int64_t>(a0 + i));
                w.col_thr[j] = cs[kb - 1];
              }
            }
          }
        }
        {
          std::lock_guard<std::mutex> lock(fwd_mu[a]);
          merge_lists(w.row_sim.data(), w.row_idx.data(), ma, &fwd.sim[a0 * kf], &fwd.idx[a0 * kf], kf);
        }
        {
          std::lock_guard<std::mutex> lock(bwd_mu[b]);
          merge_lists(w.col_sim.data(), w.col_idx.data(), mb, &bwd.sim[b0 * kb], &bwd.idx[b0 * kb], kb);
        }
      }
    }
  });
}

}  // namespace

KnnMethod resolve(KnnMethod m) {
  if (m != KnnMethod::kAuto) return m;
  return kernels::active_isa() >= kernels::Isa::kAvx512Vnni ? KnnMethod::kInt8 : KnnMethod::kF32;
}

KnnMethod parse_knn_method(const std::string& s) {
  return s == "f32" ? KnnMethod::kF32 : s == "int8" ? KnnMethod::kInt8 : KnnMethod::kAuto;
}

const char* knn_method_name(KnnMethod m) {
  static constexpr const char* kNames[] = {"auto", "f32", "int8"};  // in KnnMethod's order
  const auto i = static_cast<size_t>(m);
  return i < std::size(kNames) ? kNames[i] : "unknown";
}

Status knn_both(const RowSet& x, const RowSet& y, const KnnOptions& o, Neighbors& fwd, Neighbors& bwd,
                KnnStats* stats) {
  if (x.matrix->dim() != y.matrix->dim()) {
    return invalid_argument(x.matrix->path() + " has dimension " + std::to_string(x.matrix->dim()) + " but " +
                            y.matrix->path() + " has " + std::to_string(y.matrix->dim()));
  }
  if (o.k == 0) return invalid_argument("k must be at least 1");
  const size_t nx = x.size(), ny = y.size();
  init(fwd, nx, std::min(o.k, ny));
  init(bwd, ny, std::min(o.k, nx));
  const KnnMethod method = resolve(o.method);
  if (stats != nullptr) *stats = KnnStats{method, 0};
  if (nx == 0 || ny == 0) return Status::ok();
  if (x.matrix->dim() > kernels::kQ8MaxK && method == KnnMethod::kInt8) {
    return invalid_argument("the int8 search supports dimensions up to " + std::to_string(kernels::kQ8MaxK));
  }

  std::vector<float> inv_x, inv_y;
  BITMILL_RETURN_IF_ERROR(inverse_norms(x, o.normalize, inv_x));
  BITMILL_RETURN_IF_ERROR(inverse_norms(y, o.normalize, inv_y));
  if (method == KnnMethod::kInt8) {
    uint64_t scored = 0;
    knn_int8(x, y, o, inv_x, inv_y, fwd, bwd, scored);
    if (stats != nullptr) stats->scored = scored;
  } else {
    knn_f32(x, y, o, inv_x, inv_y, fwd, bwd);
  }
  return Status::ok();
}

float similarity(const RowSet& x, size_t i, const RowSet& y, size_t j, bool normalize) {
  const size_t d = x.matrix->dim();
  std::vector<float> a(d), b(d);
  x.matrix->row_f32(x.source_row(i), a.data());
  y.matrix->row_f32(y.source_row(j), b.data());
  const float sa = normalize ? kernels::inverse_l2_norm(kernels::sum_of_squares(a.data(), d)) : 1.0f;
  const float sb = normalize ? kernels::inverse_l2_norm(kernels::sum_of_squares(b.data(), d)) : 1.0f;
  // Scaled as load_tile scales, then the int8 method's dot product: the same bits as its lists.
  for (size_t c = 0; c < d; ++c) {
    a[c] *= sa;
    b[c] *= sb;
  }
  return kernels::dot_f32(a.data(), b.data(), d);
}

}  // namespace bitmill::mine
