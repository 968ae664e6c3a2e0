// Reader for the safetensors checkpoint format (Hugging Face): an 8-byte little-endian header
// length N, N bytes of JSON {"NAME": {"dtype", "shape", "data_offsets": [begin, end]}, ...,
// "__metadata__": {...}}, then the tensor bytes; offsets are relative to the end of the header.
//
// The file is memory-mapped; open() validates the whole header before anything is used: JSON
// syntax, known dtypes (F32, F16, BF16 are supported, others are reported when loaded), shapes,
// offsets inside the file, sizes that match shape x dtype, and no overlapping tensors. Every error
// names the file and, where there is one, the tensor.
//
// Thread safety: immutable after open(); all const members may be called from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "bitmill/base/status.h"
#include "bitmill/util/mapped_file.h"

namespace bitmill::model {

// kI8: only static embedding tables use it (with a per-row scale); load_f32 refuses it.
enum class DType { kF32, kF16, kBF16, kI8, kOther };

struct TensorInfo {
  std::string name;
  std::string dtype_name;  // as written in the header, e.g. "F16"
  DType dtype = DType::kOther;
  std::vector<int64_t> shape;
  const std::byte* data = nullptr;  // into the mapping
  size_t bytes = 0;

  int64_t elements() const;
};

class SafeTensors {
 public:
  static Expected<SafeTensors> open(const std::string& path);

  // Looks `name` up as written, then with the "bert." and "roberta." prefixes added or removed,
  // so that code can ask for "embeddings.word_embeddings.weight" whatever the checkpoint's style.
  const TensorInfo* find(std::string_view name) const;

  // The tensor converted to f32, after checking that it exists, has a supported dtype and has
  // exactly `shape`. Errors: "model.safetensors: tensor 'x': expected shape [2, 3], found [3, 2]".
  Expected<std::vector<float>> load_f32(std::string_view name, const std::vector<int64_t>& shape) const;

  const std::map<std::string, TensorInfo>& tensors() const { return tensors_; }
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  const std::string& path() const { return file_.path(); }

 private:
  MappedFile file_;
  std::map<std::string, TensorInfo> tensors_;
  std::map<std::string, std::string> metadata_;
};

std::string shape_to_string(const std::vector<int64_t>& shape);

}  // namespace bitmill::model
