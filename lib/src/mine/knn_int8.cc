// The int8 method of the exact k-NN search (see bitmill/mine/knn.h): every product is first
// computed exactly on rows quantised to int8 and bounded from the quantisation errors; only a pair
// whose bound reaches the k-th best similarity found so far for its row or column is scored in
// f32, and that score is its similarity.
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include "bitmill/util/parallel.h"

#include <algorithm>
#include <cmath>
#include <mutex>

#include "bitmill/kernels/kernels.h"
#include "bitmill/kernels/l2_norm.h"
#include "bitmill/vectors/neighbors.h"
#include "mine/knn_internal.h"

namespace bitmill::mine {
namespace {

using vectors::better;
using vectors::insert;
using vectors::kNoIdx;
using vectors::kNoSim;

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
      // Rounded up, as err.
      norm[i] = static_cast<float>(std::sqrt(kernels::sum_of_squares(row, d))) * (1.0f + 0x1p-20f);
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

// Quantises and packs y tiles [t0, t1) of `tile` rows, in parallel.
std::vector<PackedTile> pack_tiles(const RowSet& y, const std::vector<float>& inv_y, size_t t0, size_t t1,
                                   size_t tile) {
  const size_t ny = y.size(), d = y.matrix->dim();
  std::vector<PackedTile> ys(t1 - t0);
  parallel_loop(size_t{t0}, t1, [&](size_t t) {
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
  return ys;
}

// One x tile (quantised in w.xa, rows from a0) against one packed y tile. The task owns the
// forward lists of its x rows and local backward lists of the tile's columns (w.col_*), merged
// into the global ones by the caller.
class TilePair {
 public:
  TilePair(Int8Scratch& w, const PackedTile& yt, const RowSet& y, const std::vector<float>& inv_y, size_t a0,
           Neighbors& fwd, size_t kb)
      : w_(w),
        xa_(w.xa),
        yt_(yt),
        y_(y),
        inv_y_(inv_y),
        a0_(a0),
        d_(y.matrix->dim()),
        kf_(fwd.k),
        kb_(kb),
        margin_(rounding_margin(d_)),
        y_half_(y.matrix->type() == VecType::kF16),
        fwd_(fwd) {}

  // The local backward lists start empty; their cuts start from the global k-th best so far
  // (`global_last`, the last entry of each column's global list), which only grows, so it stays a
  // valid lower bound. `global_mu` guards the global lists.
  void start_columns(const float* global_last, std::mutex& global_mu) {
    const size_t mb = yt_.mb;
    w_.col_sim.assign(mb * kb_, kNoSim);
    w_.col_idx.assign(mb * kb_, kNoIdx);
    w_.col_snap.resize(mb);
    {
      // Only the copy holds the lock: every x tile's task walks the y tiles in the same order.
      std::lock_guard<std::mutex> lock(global_mu);
      for (size_t j = 0; j < mb; ++j) w_.col_snap[j] = global_last[j * kb_];
    }
    w_.col_bound.resize(mb);
    w_.col_cut.resize(mb);
    for (size_t j = 0; j < mb; ++j) {
      w_.col_bound[j] = xa_.max_norm * yt_.err[j] + xa_.max_err * (yt_.norm[j] + yt_.err[j]) +
                        margin_ * (xa_.max_norm + xa_.max_err) * (yt_.norm[j] + yt_.err[j]);
      w_.col_cut[j] = w_.col_snap[j] - w_.col_bound[j];
    }
    w_.c.resize(kChunkRows * mb);
    w_.hits.resize(kChunkRows * mb);
  }

  // x rows [i0, i0 + rows) of the tile against every column.
  void run_chunk(size_t i0, size_t rows) {
    i0_ = i0;
    kernels::s8gemm_packed(rows, &xa_.q[i0 * d_], d_, yt_.packed, w_.c.data(), yt_.mb);
    const size_t total = find_hits(rows);
    if (total <= kPrefetchHits) prefetch(rows, total);
    score_hits(rows);
  }

 private:
  float approx(size_t i, size_t j) const {
    return static_cast<float>(w_.c[(i - i0_) * yt_.mb + j]) * xa_.scale[i] * yt_.scale[j];
  }

  float row_bound(size_t i) const {
    return xa_.norm[i] * yt_.max_err + xa_.err[i] * (yt_.max_norm + yt_.max_err) +
           margin_ * (xa_.norm[i] + xa_.err[i]) * (yt_.max_norm + yt_.max_err);
  }

  // y rows are scored straight from the mapped file, scaled as load_tile scales them.
  const char* y_row(size_t j) const {
    return reinterpret_cast<const char*>(y_.matrix->row_data(y_.source_row(yt_.b0 + j)));
  }

  // Offers pair (i, j)'s exact similarity to both lists, where its bound lets it in.
  void offer(size_t i, size_t j, bool row_may, bool col_may) {
    float* rs = &fwd_.sim[(a0_ + i) * kf_];
    int64_t* ri = &fwd_.idx[(a0_ + i) * kf_];
    const size_t b0 = yt_.b0;
    const float sim = kernels::dot_f32_scaled(&xa_.f32[i * d_], y_row(j), y_half_, inv_y_[b0 + j], d_);
    ++w_.scored;
    const auto jg = static_cast<int64_t>(b0 + j), ig = static_cast<int64_t>(a0_ + i);
    if (row_may && better(sim, jg, rs[kf_ - 1], ri[kf_ - 1])) insert(rs, ri, kf_, sim, jg);
    float* cs = &w_.col_sim[j * kb_];
    int64_t* ci = &w_.col_idx[j * kb_];
    if (col_may && better(sim, ig, cs[kb_ - 1], ci[kb_ - 1])) {
      insert(cs, ci, kb_, sim, ig);
      w_.col_cut[j] = std::max(w_.col_snap[j], cs[kb_ - 1]) - w_.col_bound[j];
    }
  }

  // A row's first tile starts with an empty list, which would let every column through until k
  // have been scored: score its k best by the int8 product first instead, which sets a cut near
  // the tile's k-th best at once. r = i - i0.
  void seed(size_t i, size_t r) {
    float* sa = &w_.seed_approx[r * kMaxSeed];
    size_t* sc = &w_.seed_col[r * kMaxSeed];
    size_t n = 0;
    for (size_t j = 0; j < yt_.mb; ++j) {
      const float v = approx(i, j);
      if (n == kf_ && !(v > sa[kf_ - 1])) continue;
      size_t p = n < kf_ ? n++ : kf_ - 1;
      while (p > 0 && v > sa[p - 1]) {
        sa[p] = sa[p - 1];
        sc[p] = sc[p - 1];
        --p;
      }
      sa[p] = v;
      sc[p] = j;
    }
    for (size_t t = 0; t < n; ++t) offer(i, sc[t], true, sa[t] >= w_.col_cut[sc[t]]);
    w_.nseed[r] = n;
  }

  // Pass 1, per row: the columns that may enter a list (w.hits, from w.hit_begin[r]). Row cuts
  // depend on the row's own list only; the column cuts read here may be passed by later rows'
  // scores, which only makes this list longer than needed (pass 3 checks again).
  size_t find_hits(size_t rows) {
    size_t total = 0;
    for (size_t i = i0_; i < i0_ + rows; ++i) {
      const size_t r = i - i0_;
      const float* rs = &fwd_.sim[(a0_ + i) * kf_];
      w_.nseed[r] = 0;
      if (rs[kf_ - 1] == kNoSim && kf_ <= kMaxSeed) seed(i, r);
      w_.hit_begin[r] = total;
      total += kernels::s8_hits(&w_.c[r * yt_.mb], yt_.mb, xa_.scale[i], yt_.scale.data(), rs[kf_ - 1] - row_bound(i),
                                w_.col_cut.data(), &w_.hits[total]);
    }
    w_.hit_begin[rows] = total;
    return total;
  }

  // Pass 2: scoring reads y rows at random from the mapped file, so fetch them all ahead (when
  // few: in a row's first tiles nearly every column is a hit), and the x rows that have hits.
  void prefetch(size_t rows, size_t total) const {
    const size_t row_bytes = d_ * vec_type_size(y_.matrix->type());
    for (size_t h = 0; h < total; ++h) {
      const char* yr = y_row(w_.hits[h]);
      for (size_t off = 0; off < row_bytes; off += 64) __builtin_prefetch(yr + off);
    }
    for (size_t r = 0; r < rows; ++r) {
      if (w_.hit_begin[r + 1] == w_.hit_begin[r]) continue;
      const auto* xr = reinterpret_cast<const char*>(&xa_.f32[(i0_ + r) * d_]);
      for (size_t off = 0; off < d_ * sizeof(float); off += 64) __builtin_prefetch(xr + off);
    }
  }

  // Pass 3: score the pairs the cuts still let in.
  void score_hits(size_t rows) {
    for (size_t i = i0_; i < i0_ + rows; ++i) {
      const size_t r = i - i0_;
      const float* rs = &fwd_.sim[(a0_ + i) * kf_];
      const size_t* sc = &w_.seed_col[r * kMaxSeed];
      for (size_t h = w_.hit_begin[r]; h < w_.hit_begin[r + 1]; ++h) {
        const size_t j = w_.hits[h];
        if (w_.nseed[r] > 0 && std::find(sc, sc + w_.nseed[r], j) != sc + w_.nseed[r]) continue;  // offered
        // The scan used the tile-wide bounds; this pair's own is tighter.
        const float a = approx(i, j);
        const float yn = yt_.norm[j] + yt_.err[j];
        const float bound = xa_.norm[i] * yt_.err[j] + xa_.err[i] * yn + margin_ * (xa_.norm[i] + xa_.err[i]) * yn;
        const bool row_may = a >= rs[kf_ - 1] - bound;
        const bool col_may = a >= std::max(w_.col_snap[j], w_.col_sim[j * kb_ + kb_ - 1]) - bound;
        if (row_may || col_may) offer(i, j, row_may, col_may);
      }
    }
  }

  Int8Scratch& w_;
  const QuantRows& xa_;
  const PackedTile& yt_;
  const RowSet& y_;
  const std::vector<float>& inv_y_;
  size_t a0_, d_, kf_, kb_;
  float margin_;
  bool y_half_;
  Neighbors& fwd_;
  size_t i0_ = 0;  // the chunk being run
};

}  // namespace

void knn_int8(const RowSet& x, const RowSet& y, const KnnOptions& o, const std::vector<float>& inv_x,
              const std::vector<float>& inv_y, Neighbors& fwd, Neighbors& bwd, uint64_t& scored) {
  const size_t nx = x.size(), ny = y.size(), d = x.matrix->dim();
  const size_t kb = bwd.k;
  const size_t tile = std::max<size_t>(o.tile, 1);
  const size_t na = (nx + tile - 1) / tile, nb = (ny + tile - 1) / tile;
  const size_t tiles_per_block = std::max<size_t>(1, kBlockBytes / std::max<size_t>(1, tile * d));
  std::vector<std::mutex> bwd_mu(nb);
  tbb::enumerable_thread_specific<Int8Scratch> scratch;

  for (size_t t0 = 0; t0 < nb; t0 += tiles_per_block) {
    // Quantise and pack this block of y once; every x tile then passes over it.
    const std::vector<PackedTile> ys = pack_tiles(y, inv_y, t0, std::min(nb, t0 + tiles_per_block), tile);
    // Each x tile is one task, the only writer of its rows' forward lists during this block.
    parallel_loop(size_t{0}, na, [&](size_t a) {
      Int8Scratch& w = scratch.local();
      const size_t a0 = a * tile, ma = std::min(nx, a0 + tile) - a0;
      w.xa.build(x, inv_x, a0, a0 + ma);
      for (const PackedTile& yt : ys) {
        const size_t b = yt.b0 / tile;
        TilePair pair(w, yt, y, inv_y, a0, fwd, kb);
        pair.start_columns(&bwd.sim[yt.b0 * kb + kb - 1], bwd_mu[b]);
        for (size_t i0 = 0; i0 < ma; i0 += kChunkRows) pair.run_chunk(i0, std::min(kChunkRows, ma - i0));
        std::lock_guard<std::mutex> lock(bwd_mu[b]);
        merge_lists(w.col_sim.data(), w.col_idx.data(), yt.mb, &bwd.sim[yt.b0 * kb], &bwd.idx[yt.b0 * kb], kb);
      }
    });
  }
  for (const Int8Scratch& w : scratch) scored += w.scored;
}

}  // namespace bitmill::mine
