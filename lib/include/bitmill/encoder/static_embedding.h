// A static embedding model (sentence-transformers StaticEmbedding, e.g.
// static-similarity-mrl-multilingual-v1): the mean of the token vectors of a sentence
// (torch.nn.EmbeddingBag, mode "mean"), then L2 normalisation when the model has a Normalize
// module. Tokens come from tokenizer.json without special tokens and without truncation, as
// StaticEmbedding.tokenize does. A sentence without tokens (an empty line) gets the zero vector,
// as EmbeddingBag gives for an empty bag. The rows are summed in f32 in token order on every CPU
// (AVX2/F16C or scalar), so the output bits do not depend on the machine's ISA or thread count.
//
// Tables: `embedding.weight` [vocab x dim] in F32, F16 or BF16, or I8 with `embedding.scale`
// [vocab] (F32 or F16): row r is scale[r] * q[r], each element computed as one f32 product
// (bitmill's int8 format for a smaller default model, written by scripts/train/st_export.py;
// sentence-transformers cannot read it). The scales must be finite. Errors name the file and the
// tensor: "model.safetensors: tensor 'embedding.scale': expected shape [1000], found [999]".
//
// Thread safety: immutable after load(); embed() may run on any number of threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "bitmill/base/status.h"
#include "bitmill/model/model_dir.h"
#include "bitmill/model/safetensors.h"

namespace bitmill::encoder {

class StaticEmbedding {
 public:
  // Reads the table (see above) from spec.static_dir's model.safetensors.
  static Expected<std::unique_ptr<StaticEmbedding>> load(const model::ModelSpec& spec);

  size_t dim() const { return dim_; }
  size_t vocab_size() const { return vocab_; }

  // out[seqs.size() x dim()]; ids must be < vocab_size().
  void embed(const std::vector<const std::vector<int32_t>*>& seqs, float* out) const;

 private:
  model::SafeTensors st_;
  const model::TensorInfo* table_ = nullptr;
  size_t vocab_ = 0, dim_ = 0;
  bool normalize_ = false;
  std::vector<float> scales_;  // int8 tables: one per row; empty otherwise
  size_t row_bytes_ = 0;
  // acc[0..dim) += one table row (in the table's dtype; int8 rows times `scale`), picked at load
  // for the dtype and CPU.
  void (*add_row_)(const std::byte* row, size_t dim, float scale, float* acc) = nullptr;
};

}  // namespace bitmill::encoder
