// A BERT / XLM-R sentence encoder on the CPU: embeddings, encoder layers (fused QKV projection,
// masked softmax attention, exact-erf GELU feed-forward, post-LayerNorm), pooling (cls or mean),
// optional Dense layers and L2 normalisation, as sentence-transformers computes them.
//
// Batches are padding-free: the token rows of all sequences in a batch are stacked, so the weight
// GEMMs run on exactly sum(len) rows and attention runs per sequence on its own length. A
// sequence's embedding therefore does not depend on what else is in its batch.
//
// Thread safety: embed() is const and re-entrant (scratch memory is per call); run several
// batches in parallel from different threads. The kernels themselves are single-threaded.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "bitmill/base/status.h"
#include "bitmill/model/model_dir.h"

namespace bitmill::encoder {

class TransformerEncoder {
 public:
  // Loads the weights named by `spec` (model.safetensors next to config.json; Dense layers from
  // their own directories). Errors name the file and the tensor.
  static Expected<std::unique_ptr<TransformerEncoder>> load(const model::ModelSpec& spec);
  ~TransformerEncoder();

  // Output width: the last Dense layer's out_features, else the hidden size.
  size_t dim() const;
  // Longest input the position table allows.
  size_t max_length() const;

  // Embeds `seqs` (token ids including the special tokens, each at most max_length() long and
  // non-empty) into out[seqs.size() x dim()].
  void embed(const std::vector<const std::vector<int32_t>*>& seqs, float* out) const;

 private:
  struct Weights;
  explicit TransformerEncoder(std::unique_ptr<Weights> w);
  std::unique_ptr<Weights> w_;
};

}  // namespace bitmill::encoder
