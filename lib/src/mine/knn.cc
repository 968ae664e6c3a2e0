#include "bitmill/mine/knn.h"

#include <tbb/blocked_range.h>
#include <tbb/blocked_range2d.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <mutex>

#include "bitmill/kernels/kernels.h"
#include "bitmill/kernels/l2_norm.h"
#include "bitmill/vectors/neighbors.h"

namespace bitmill::mine {

using vectors::better;
using vectors::insert;
using vectors::kNoIdx;
using vectors::kNoSim;

namespace {

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
  tbb::parallel_for(tbb::blocked_range<size_t>(0, n, 4096), [&](const tbb::blocked_range<size_t>& b) {
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

  tbb::parallel_for(tbb::blocked_range2d<size_t>(0, na, 1, 0, nb, 1), [&](const tbb::blocked_range2d<size_t>& r) {
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

// ---- The int8 method ----

// Rows of one side quantised for the int8 product, with what the bound needs: per row the scale,
// the error norm |x - x'| and the norm |x|, and their maxima.
struct QuantRows {
  std::vector<float> f32;  // rows x d, normalised (the rows scored in f32)
  std::vector<int8_t> q;   // rows x d
  std::vector<float> scale, err, norm;
  float max_err = 0, max_norm = 0;

  void build(const RowSet& r, const std::vector<float>& inv, size_t r0, size_t r1) {
    const size_t d = r.matrix->dim(), m = r1 - r0;
    f32.resize(m * d);
    q.resize(m * d);
    scale.resize(m);
    err.resize(m);
    norm.resize(m);
    load_tile(r, inv, r0, r1, f32.data());
    max_err = max_norm = 0;
    for (size_t i = 0; i < m; ++i) {
      const float* row = &f32[i * d];
      err[i] = kernels::quantize_row_q8(row, d, &q[i * d], &scale[i]);
      double ss = 0;
      for (size_t c = 0; c < d; ++c) ss += static_cast<double>(row[c]) * static_cast<double>(row[c]);
      norm[i] = static_cast<float>(std::sqrt(ss)) * (1.0f + 0x1p-20f);  // rounded up, as err
      max_err = std::max(max_err, err[i]);
      max_norm = std::max(max_norm, norm[i]);
    }
  }
};

// One y tile packed for s8gemm_packed, and its rows' bound terms.
struct PackedTile {
  size_t b0 = 0, mb = 0;
  kernels::PackedS8 packed;
  std::vector<float> scale, err, norm;
  float max_err = 0, max_norm = 0;
};

// The f32 rounding the bound must also cover, per unit of |x| |y|: dot_f32's error (chains of
// d / 16 fused multiply-adds, then 4 additions) and the 3 roundings of the approximate product,
// with a factor 4 to spare. Tiny next to the quantisation term (about 0.01 for unit rows).
float rounding_margin(size_t d) { return static_cast<float>((static_cast<double>(d) / 16.0 + 16.0) * 0x1p-22); }

constexpr size_t kChunkRows = 48;                  // x rows per s8gemm_packed call (C stays in L2)
constexpr size_t kBlockBytes = size_t{256} << 20;  // y quantised at a time

// Rows whose list is empty at a tile get their k best by the int8 product scored first, for k up
// to this (beyond it the seeding's insertion sort would cost more than it saves).
constexpr size_t kMaxSeed = 16;

// Hits of a chunk whose y rows are prefetched before scoring (about 256 KB of f16 rows at d = 1024).
constexpr size_t kPrefetchHits = 128;

struct Int8Scratch {
  QuantRows xa;
  float seed_approx[kChunkRows * kMaxSeed] = {};
  size_t seed_col[kChunkRows * kMaxSeed] = {};
  size_t nseed[kChunkRows] = {};
  size_t hit_begin[kChunkRows + 1] = {};
  std::vector<int32_t> c;
  std::vector<uint32_t> hits;
  std::vector<float> col_sim, col_cut, col_snap, col_bound;
  std::vector<int64_t> col_idx;
  uint64_t scored = 0;
};

void knn_int8(const RowSet& x, const RowSet& y, const KnnOptions& o, const std::vector<float>& inv_x,
              const std::vector<float>& inv_y, Neighbors& fwd, Neighbors& bwd, uint64_t& scored) {
  const size_t nx = x.size(), ny = y.size(), d = x.matrix->dim();
  const size_t kf = fwd.k, kb = bwd.k;
  const size_t tile = std::max<size_t>(o.tile, 1);
  const size_t na = (nx + tile - 1) / tile, nb = (ny + tile - 1) / tile;
  const size_t tiles_per_block = std::max<size_t>(1, kBlockBytes / std::max<size_t>(1, tile * d));
  const float margin = rounding_margin(d);
  std::vector<std::mutex> bwd_mu(nb);
  tbb::enumerable_thread_specific<Int8Scratch> scratch;

  for (size_t t0 = 0; t0 < nb; t0 += tiles_per_block) {
    // Quantise and pack this block of y once; every x tile then passes over it.
    const size_t t1 = std::min(nb, t0 + tiles_per_block);
    std::vector<PackedTile> ys(t1 - t0);
    tbb::parallel_for(size_t{t0}, t1, [&](size_t t) {
      PackedTile& p = ys[t - t0];
      p.b0 = t * tile;
      p.mb = std::min(ny, p.b0 + tile) - p.b0;
      QuantRows qr;
      qr.build(y, inv_y, p.b0, p.b0 + p.mb);
      p.packed = kernels::pack_s8(d, p.mb, qr.q.data(), d);
      p.scale = std::move(qr.scale);
      p.err = std::move(qr.err);
      p.norm = std::move(qr.norm);
      p.max_err = qr.max_err;
      p.max_norm = qr.max_norm;
    });

    // Each x tile is one task, the only writer of its rows' forward lists during this block.
    tbb::parallel_for(size_t{0}, na, [&](size_t a) {
      Int8Scratch& w = scratch.local();
      const size_t a0 = a * tile, a1 = std::min(nx, a0 + tile), ma = a1 - a0;
      w.xa.build(x, inv_x, a0, a1);
      const QuantRows& xa = w.xa;
      for (const PackedTile& yt : ys) {
        const size_t b0 = yt.b0, mb = yt.mb, b = b0 / tile;
        // Backward lists: local to this task, merged at the end; the cut starts from the global
        // k-th best so far, which only grows, so it stays a valid lower bound.
        w.col_sim.assign(mb * kb, kNoSim);
        w.col_idx.assign(mb * kb, kNoIdx);
        w.col_snap.resize(mb);
        {
          std::lock_guard<std::mutex> lock(bwd_mu[b]);
          for (size_t j = 0; j < mb; ++j) w.col_snap[j] = bwd.sim[(b0 + j) * kb + kb - 1];
        }
        w.col_bound.resize(mb);
        w.col_cut.resize(mb);
        for (size_t j = 0; j < mb; ++j) {
          w.col_bound[j] = xa.max_norm * yt.err[j] + xa.max_err * (yt.norm[j] + yt.err[j]) +
                           margin * (xa.max_norm + xa.max_err) * (yt.norm[j] + yt.err[j]);
          w.col_cut[j] = w.col_snap[j] - w.col_bound[j];
        }
        w.c.resize(kChunkRows * mb);
        w.hits.resize(kChunkRows * mb);
        // y rows are scored straight from the mapped file, scaled as load_tile scales them.
        const bool y_half = y.matrix->type() == VecType::kF16;
        const size_t row_bytes = d * vec_type_size(y.matrix->type());
        const auto y_row = [&](size_t j) {
          return reinterpret_cast<const char*>(y.matrix->row_data(y.source_row(b0 + j)));
        };
        for (size_t i0 = 0; i0 < ma; i0 += kChunkRows) {
          const size_t rows = std::min(kChunkRows, ma - i0);
          kernels::s8gemm_packed(rows, &xa.q[i0 * d], d, yt.packed, w.c.data(), mb);
          const auto approx_of = [&](size_t i, size_t j) {
            return static_cast<float>(w.c[(i - i0) * mb + j]) * xa.scale[i] * yt.scale[j];
          };
          const auto row_bound = [&](size_t i) {
            return xa.norm[i] * yt.max_err + xa.err[i] * (yt.max_norm + yt.max_err) +
                   margin * (xa.norm[i] + xa.err[i]) * (yt.max_norm + yt.max_err);
          };
          // Offers pair (i, j)'s exact similarity to both lists, where its bound lets it in.
          const auto offer = [&](size_t i, size_t j, bool row_may, bool col_may) {
            float* rs = &fwd.sim[(a0 + i) * kf];
            int64_t* ri = &fwd.idx[(a0 + i) * kf];
            const float sim = kernels::dot_f32_scaled(&xa.f32[i * d], y_row(j), y_half, inv_y[b0 + j], d);
            ++w.scored;
            const auto jg = static_cast<int64_t>(b0 + j), ig = static_cast<int64_t>(a0 + i);
            if (row_may && better(sim, jg, rs[kf - 1], ri[kf - 1])) insert(rs, ri, kf, sim, jg);
            float* cs = &w.col_sim[j * kb];
            int64_t* ci = &w.col_idx[j * kb];
            if (col_may && better(sim, ig, cs[kb - 1], ci[kb - 1])) {
              insert(cs, ci, kb, sim, ig);
              w.col_cut[j] = std::max(w.col_snap[j], cs[kb - 1]) - w.col_bound[j];
            }
          };
          // Pass 1, per row: the columns that may enter a list. Row cuts depend on the row's own
          // list only; the column cuts read here may be passed by later rows' scores, which only
          // makes this list longer than needed (pass 3 checks again).
          size_t total = 0;
          for (size_t i = i0; i < i0 + rows; ++i) {
            const size_t r = i - i0;
            const float* rs = &fwd.sim[(a0 + i) * kf];
            // A row's first tile starts with an empty list, which would let every column through
            // until k have been scored: score its k best by the int8 product first instead, which
            // sets a cut near the tile's k-th best at once.
            w.nseed[r] = 0;
            if (rs[kf - 1] == kNoSim && kf <= kMaxSeed) {
              float* sa = &w.seed_approx[r * kMaxSeed];
              size_t* sc = &w.seed_col[r * kMaxSeed];
              size_t n = 0;
              for (size_t j = 0; j < mb; ++j) {
                const float v = approx_of(i, j);
                if (n == kf && !(v > sa[kf - 1])) continue;
                size_t p = n < kf ? n++ : kf - 1;
                while (p > 0 && v > sa[p - 1]) {
                  sa[p] = sa[p - 1];
                  sc[p] = sc[p - 1];
                  --p;
                }
                sa[p] = v;
                sc[p] = j;
              }
              for (size_t t = 0; t < n; ++t) offer(i, sc[t], true, sa[t] >= w.col_cut[sc[t]]);
              w.nseed[r] = n;
            }
            w.hit_begin[r] = total;
            total += kernels::s8_hits(&w.c[r * mb], mb, xa.scale[i], yt.scale.data(), rs[kf - 1] - row_bound(i),
                                      w.col_cut.data(), &w.hits[total]);
          }
          w.hit_begin[rows] = total;
          // Pass 2: scoring reads y rows at random from the mapped file, so fetch them all ahead
          // (when few: in a row's first tiles nearly every column is a hit).
          if (total <= kPrefetchHits) {
            for (size_t h = 0; h < total; ++h) {
              const char* yr = y_row(w.hits[h]);
              for (size_t off = 0; off < row_bytes; off += 64) __builtin_prefetch(yr + off);
            }
            // And the x rows that have hits (f32, from this tile's normalised copy).
            for (size_t r = 0; r < rows; ++r) {
              if (w.hit_begin[r + 1] == w.hit_begin[r]) continue;
              const auto* xr = reinterpret_cast<const char*>(&xa.f32[(i0 + r) * d]);
              for (size_t off = 0; off < d * sizeof(float); off += 64) __builtin_prefetch(xr + off);
            }
          }
          // Pass 3: score the pairs the cuts still let in.
          for (size_t i = i0; i < i0 + rows; ++i) {
            const size_t r = i - i0;
            const float* rs = &fwd.sim[(a0 + i) * kf];
            const size_t* sc = &w.seed_col[r * kMaxSeed];
            for (size_t h = w.hit_begin[r]; h < w.hit_begin[r + 1]; ++h) {
              const size_t j = w.hits[h];
              if (w.nseed[r] > 0 && std::find(sc, sc + w.nseed[r], j) != sc + w.nseed[r]) continue;  // offered
              // The scan used the tile-wide bounds; this pair's own is tighter.
              const float approx = approx_of(i, j);
              const float yn = yt.norm[j] + yt.err[j];
              const float bound = xa.norm[i] * yt.err[j] + xa.err[i] * yn + margin * (xa.norm[i] + xa.err[i]) * yn;
              const bool row_may = approx >= rs[kf - 1] - bound;
              const bool col_may = approx >= std::max(w.col_snap[j], w.col_sim[j * kb + kb - 1]) - bound;
              if (row_may || col_may) offer(i, j, row_may, col_may);
            }
          }
        }
        std::lock_guard<std::mutex> lock(bwd_mu[b]);
        merge_lists(w.col_sim.data(), w.col_idx.data(), mb, &bwd.sim[b0 * kb], &bwd.idx[b0 * kb], kb);
      }
    });
  }
  for (const Int8Scratch& w : scratch) scored += w.scored;
}

}  // namespace

KnnMethod resolve(KnnMethod m) {
  if (m != KnnMethod::kAuto) return m;
  return kernels::active_isa() >= kernels::Isa::kAvx512 ? KnnMethod::kInt8 : KnnMethod::kF32;
}

const char* knn_method_name(KnnMethod m) {
  switch (m) {
    case KnnMethod::kAuto: return "auto";
    case KnnMethod::kF32: return "f32";
    case KnnMethod::kInt8: return "int8";
  }
  return "unknown";
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
