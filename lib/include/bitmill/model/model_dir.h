// A sentence encoder directory in the Hugging Face / sentence-transformers layout:
//
//   modules.json               the pipeline: Transformer, Pooling, Dense*, Normalize; or
//                              StaticEmbedding (+ Normalize), whose directory holds
//                              model.safetensors (embedding.weight) and tokenizer.json
//   config.json                the transformer (model_type bert | xlm-roberta and its sizes)
//   model.safetensors          its weights
//   sentence_bert_config.json  max_seq_length (optional)
//   1_Pooling/config.json      cls or mean pooling
//   2_Dense/{config.json,model.safetensors}   optional projection with its activation (Tanh in LaBSE)
//   tokenizer files            see text/tokenizer.h
//
// A directory without modules.json is read as a bare Hugging Face model with mean pooling, which
// is what sentence-transformers does with such a directory. Errors name the file at fault.
//
// Thread safety: plain data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "bitmill/base/status.h"

namespace bitmill::model {

enum class Arch { kBert, kXlmRoberta };
enum class Pooling { kCls, kMean };
enum class Activation { kIdentity, kTanh };

struct TransformerConfig {
  Arch arch = Arch::kBert;
  size_t vocab_size = 0;
  size_t hidden = 0;
  size_t layers = 0;
  size_t heads = 0;
  size_t intermediate = 0;
  size_t max_positions = 0;
  size_t type_vocab = 0;
  float layer_norm_eps = 1e-12f;
  int32_t pad_id = 0;
};

struct DenseSpec {
  std::string dir;  // holds config.json and model.safetensors
  size_t in = 0, out = 0;
  bool bias = true;
  Activation activation = Activation::kIdentity;
};

struct ModelSpec {
  std::string dir;              // the model directory
  bool is_static = false;       // a StaticEmbedding model: no transformer, no config.json
  std::string static_dir;       // its directory (weights and tokenizer.json)
  std::string transformer_dir;  // where config.json, the weights and the tokenizer live
  TransformerConfig config;
  Pooling pooling = Pooling::kMean;
  std::vector<DenseSpec> dense;
  bool normalize = false;
  size_t max_seq_length = 0;  // from sentence_bert_config.json; 0 = the model's limit
};

Expected<ModelSpec> read_model_dir(const std::string& dir);

// Longest token sequence the position table allows (XLM-R positions start at pad_id + 1).
size_t max_model_length(const TransformerConfig& c);

}  // namespace bitmill::model
