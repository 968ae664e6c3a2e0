#include "bitmill/index/embedding_set.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "bitmill/util/parallel.h"

#include <algorithm>
#include <atomic>
#include <limits>

#include "bitmill/kernels/l2_norm.h"

namespace bitmill::index {

Expected<EmbeddingSet> EmbeddingSet::open(const std::vector<std::string>& paths, std::optional<size_t> dim,
                                          VecType raw_type) {
  if (paths.empty()) return invalid_argument("no embedding files given");
  EmbeddingSet s;
  s.offsets_.push_back(0);
  for (const std::string& p : paths) {
    BITMILL_ASSIGN_OR_RETURN(EmbeddingMatrix m, EmbeddingMatrix::open(p, dim, raw_type));
    if (!s.files_.empty() && m.dim() != s.dim_) {
      return data_error(p + " has dimension " + std::to_string(m.dim()) + " but " + s.files_.front().path() + " has " +
                        std::to_string(s.dim_));
    }
    s.dim_ = m.dim();
    s.rows_ += m.rows();
    s.offsets_.push_back(s.rows_);
    s.files_.push_back(std::move(m));
  }
  return s;
}

uint64_t EmbeddingSet::count(const RowSelection& sel) const {
  const Shard& sh = sel.shard;
  if (sh.is_whole()) return rows_;
  if (sel.by == ShardBy::kLine) return rows_ > sh.index ? (rows_ - sh.index - 1) / sh.count + 1 : 0;
  uint64_t n = 0;
  for (size_t f = 0; f < files_.size(); ++f) {
    if (sh.contains(f)) n += files_[f].rows();
  }
  return n;
}

int64_t EmbeddingSet::selected_row(const RowSelection& sel, uint64_t p) const {
  const Shard& sh = sel.shard;
  if (sh.is_whole()) return static_cast<int64_t>(p);
  if (sel.by == ShardBy::kLine) return static_cast<int64_t>(sh.index + p * sh.count);
  for (size_t f = 0; f < files_.size(); ++f) {
    if (!sh.contains(f)) continue;
    if (p < files_[f].rows()) return static_cast<int64_t>(offsets_[f] + p);
    p -= files_[f].rows();
  }
  return -1;  // p out of range: a caller bug
}

Status EmbeddingSet::read_normalized(std::span<const int64_t> ids, float* out) const {
  const size_t d = dim_;
  constexpr int64_t kNone = std::numeric_limits<int64_t>::max();
  std::atomic<int64_t> bad{kNone};  // the smallest global row that is not finite, so the error is deterministic
  parallel_loop(tbb::blocked_range<size_t>(0, ids.size(), 256), [&](const tbb::blocked_range<size_t>& b) {
    for (size_t i = b.begin(); i != b.end(); ++i) {
      const auto id = static_cast<uint64_t>(ids[i]);
      const size_t f =
          static_cast<size_t>(std::upper_bound(offsets_.begin(), offsets_.end(), id) - offsets_.begin()) - 1;
      float* o = out + i * d;
      files_[f].row_f32(id - offsets_[f], o);
      if (!kernels::l2_normalize(o, d)) {
        int64_t cur = bad.load();
        while (ids[i] < cur && !bad.compare_exchange_weak(cur, ids[i])) {
        }
      }
    }
  });
  if (bad.load() != kNone) {
    const auto id = static_cast<uint64_t>(bad.load());
    const size_t f = static_cast<size_t>(std::upper_bound(offsets_.begin(), offsets_.end(), id) - offsets_.begin()) - 1;
    return data_error(files_[f].path() + ": row " + std::to_string(id - offsets_[f]) +
                      " (0-based) holds a NaN or an infinity, or overflows");
  }
  return Status::ok();
}

Status EmbeddingSet::for_each_batch(
    const RowSelection& sel, size_t batch_rows,
    const std::function<Status(std::span<const int64_t> ids, const float* rows)>& fn) const {
  if (batch_rows == 0) batch_rows = default_batch_rows(dim_);
  const uint64_t total = count(sel);
  std::vector<int64_t> ids;
  std::vector<float> x;
  ids.reserve(static_cast<size_t>(std::min<uint64_t>(total, batch_rows)));
  x.reserve(ids.capacity() * dim_);
  // A cursor over the selected files, so that a batch costs O(batch) whatever the number of files.
  size_t file = 0;
  uint64_t local = 0;
  for (uint64_t p = 0; p < total;) {
    const auto n = static_cast<size_t>(std::min<uint64_t>(batch_rows, total - p));
    ids.resize(n);
    if (sel.shard.is_whole() || sel.by == ShardBy::kLine) {
      for (size_t i = 0; i < n; ++i) ids[i] = selected_row(sel, p + i);
    } else {
      for (size_t i = 0; i < n; ++i) {
        while (!sel.shard.contains(file) || local >= files_[file].rows()) {
          ++file;
          local = 0;
        }
        ids[i] = static_cast<int64_t>(offsets_[file] + local++);
      }
    }
    x.resize(n * dim_);
    BITMILL_RETURN_IF_ERROR(read_normalized(ids, x.data()));
    BITMILL_RETURN_IF_ERROR(fn(ids, x.data()));
    p += n;
  }
  return Status::ok();
}

size_t default_batch_rows(size_t dim) {
  const size_t rows = (size_t{64} << 20) / (std::max<size_t>(dim, 1) * sizeof(float));
  return std::clamp<size_t>(rows, 1, 65536);
}

}  // namespace bitmill::index
