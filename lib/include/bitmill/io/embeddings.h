// Embedding matrices on disk: NumPy .npy (2-D, little-endian f4 or f2, C order) or headerless raw
// rows (LASER / vecalign convention) whose dimension the caller gives. Files are memory-mapped, so
// opening a 100 GB matrix costs nothing until rows are read.
//
// Errors name the file: a wrong dimension, a size that is not a whole number of rows (truncated),
// a 1-D or Fortran-order array, or an unsupported dtype.
//
// Thread safety: immutable after open(); rows may be read from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "bitmill/base/status.h"
#include "bitmill/util/mapped_file.h"

namespace bitmill {

enum class VecType { kF32, kF16 };

size_t vec_type_size(VecType t);

// The widest rows bitmill reads: far above any sentence encoder (LaBSE 768, e5-large 1024), low
// enough that one row's buffer is never an absurd allocation (a .npy of shape (0, 2^40) is valid
// NumPy, and every consumer allocates per-row buffers). The same as the --dim option's limit.
inline constexpr size_t kMaxEmbeddingDim = size_t{1} << 20;

class EmbeddingMatrix {
 public:
  // By extension: ".npy" is NumPy; anything else is raw rows and needs `dim` (and `raw_type`).
  // With a .npy file, a given `dim` must match the file's.
  static Expected<EmbeddingMatrix> open(const std::string& path, std::optional<size_t> dim = std::nullopt,
                                        VecType raw_type = VecType::kF32);
  static Expected<EmbeddingMatrix> open_npy(const std::string& path);
  static Expected<EmbeddingMatrix> open_raw(const std::string& path, size_t dim, VecType type);

  size_t rows() const { return rows_; }
  size_t dim() const { return dim_; }  // 1 to kMaxEmbeddingDim
  VecType type() const { return type_; }
  const std::string& path() const { return file_.path(); }

  // Row `i` converted to f32 (`out` holds dim() floats). Requires i < rows().
  void row_f32(size_t i, float* out) const;
  // Raw bytes of row `i`.
  const std::byte* row_data(size_t i) const { return data_ + i * dim_ * vec_type_size(type_); }

 private:
  MappedFile file_;
  const std::byte* data_ = nullptr;
  size_t rows_ = 0, dim_ = 0;
  VecType type_ = VecType::kF32;
};

// The .npy (format 1.0) header for a rows x dim matrix, padded to 64 bytes as NumPy does; the
// row data follows it directly.
std::string npy_header(uint64_t rows, uint64_t dim, VecType type);

}  // namespace bitmill
