// A BERT / XLM-R sentence encoder on the CPU: embeddings, encoder layers (fused QKV projection,
// masked softmax attention, exact-erf GELU feed-forward, post-LayerNorm), pooling (cls or mean),
// optional Dense layers and L2 normalisation, as sentence-transformers computes them.
//
// Batches are padding-free: the token rows of all sequences in a batch are stacked, so the weight
// GEMMs run on exactly sum(len) rows and attention runs per sequence on its own length. A
// sequence's embedding therefore does not depend on what else is in its batch.
//
// Thread safety: embed() is const and re-entrant (scratch memory is per call or per thread); run
// several batches in parallel from different threads. Within one call, embed() itself runs oneTBB
// tasks over fixed-size row blocks and over sequences (so one batch uses every core the process
// allows); the kernels are single-threaded, and the fixed block size keeps the bits independent
// of the thread count.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "bitmill/base/status.h"
#include "bitmill/model/model_dir.h"

namespace bitmill::encoder {

// kInt8: the four weight GEMMs of every encoder layer (QKV, attention output, FFN in, FFN out)
// run as int8 x int8 products with row-wise dynamic quantisation (kernels::qgemm_packed: the
// weights per output row at load, the activations per token on every call); attention, the
// embeddings, LayerNorm and the Dense layers stay f32. Embeddings then differ from f32 ones by
// the quantisation noise (cosine similarity typically above 0.99), and are still independent of
// batching and thread count.
//
// kBf16: the same four GEMMs with weights and activations rounded to bfloat16 and the products
// summed in f32 (kernels::bf16gemm_packed): on AVX512-BF16 CPUs twice the multiply-adds per
// instruction of f32; elsewhere the rounded values go through the f32 kernels, at f32 speed.
enum class Quantize { kNone, kInt8, kBf16 };

class TransformerEncoder {
 public:
  // Loads the weights named by `spec` (model.safetensors next to config.json; Dense layers from
  // their own directories). Errors name the file and the tensor.
  static Expected<std::unique_ptr<TransformerEncoder>> load(const model::ModelSpec& spec,
                                                            Quantize quantize = Quantize::kNone);
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
