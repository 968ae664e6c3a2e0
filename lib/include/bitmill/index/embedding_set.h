// Several embedding files read as one matrix, for building and checking indexes.
//
// Rows are numbered globally in argument order: row r of file f is offset(f) + r. Those global
// row numbers are the ids a bitmill index stores, so an index built from a.npy (100 rows) and
// b.npy answers 100 for the first row of b.npy, however it was sharded.
//
// Rows are read as f32 and L2-normalised (the inner product of two rows is then their cosine, as
// LASER and stopes compute it after faiss.normalize_L2): a zero row stays zero; a row holding a NaN
// or an infinity (or whose squared norm overflows) is an error naming the file and its 0-based row
// there. The files stay memory-mapped; only the batch being read is converted, so memory stays at
// batch_rows x dim x 4 bytes whatever the size of the inputs.
//
// A RowSelection picks the rows of one shard with the project's convention (util/shard.h): by line,
// the global rows r with r mod N == I; by file, every row of the files whose 0-based position in
// the argument list is I mod N.
//
// Thread safety: immutable after open(); reads may run from any thread. read_normalized() and
// for_each_batch() run oneTBB tasks under the caller's thread limit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "bitmill/base/status.h"
#include "bitmill/io/embeddings.h"
#include "bitmill/util/shard.h"

namespace bitmill::index {

struct RowSelection {
  Shard shard;  // whole by default
  ShardBy by = ShardBy::kLine;
};

class EmbeddingSet {
 public:
  // Opens every file (see EmbeddingMatrix::open: ".npy", else raw rows of `dim` values of
  // `raw_type`). Errors: no file, a file that cannot be opened, or two files of different
  // dimensions ("b.npy has dimension 32 but a.npy has 64").
  static Expected<EmbeddingSet> open(const std::vector<std::string>& paths, std::optional<size_t> dim = std::nullopt,
                                     VecType raw_type = VecType::kF32);

  size_t dim() const { return dim_; }
  uint64_t rows() const { return rows_; }
  size_t file_count() const { return files_.size(); }
  const EmbeddingMatrix& file(size_t f) const { return files_[f]; }
  // Global number of the first row of file f.
  uint64_t offset(size_t f) const { return offsets_[f]; }

  // Number of rows `sel` selects.
  uint64_t count(const RowSelection& sel) const;
  // Global number of the p-th selected row (requires p < count(sel)); increasing in p.
  int64_t selected_row(const RowSelection& sel, uint64_t p) const;

  // Rows `ids` (global numbers < rows(), any order), normalised, into out[ids.size() x dim()].
  Status read_normalized(std::span<const int64_t> ids, float* out) const;

  // Calls `fn` on consecutive batches of at most `batch_rows` selected rows, in increasing row
  // order: their global numbers and the normalised rows (ids.size() x dim()). Stops at the first
  // error, from reading or from `fn`.
  Status for_each_batch(const RowSelection& sel, size_t batch_rows,
                        const std::function<Status(std::span<const int64_t> ids, const float* rows)>& fn) const;

 private:
  std::vector<EmbeddingMatrix> files_;
  std::vector<uint64_t> offsets_;  // file_count() + 1 entries
  uint64_t rows_ = 0;
  size_t dim_ = 0;
};

// Rows per batch that keep a batch of f32 rows near 64 MiB (at least 1, at most 65536).
size_t default_batch_rows(size_t dim);

}  // namespace bitmill::index
