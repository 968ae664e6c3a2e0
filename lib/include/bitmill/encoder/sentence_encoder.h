// A sentence encoder loaded from a model directory: its tokenizer plus its transformer, or a
// static embedding model (see static_embedding.h).
//
// Thread safety: immutable after load(); tokenize() and embed() may run on any number of threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bitmill/base/status.h"
#include "bitmill/encoder/static_embedding.h"
#include "bitmill/encoder/transformer.h"
#include "bitmill/text/tokenizer.h"

namespace bitmill::encoder {

class SentenceEncoder {
 public:
  // `max_length` 0 means the model's own limit (sentence_bert_config.json max_seq_length, capped by
  // the position table); a larger request than the position table allows is an error.
  // `quantize`: see TransformerEncoder.
  static Expected<std::unique_ptr<SentenceEncoder>> load(const std::string& dir, size_t max_length = 0,
                                                         Quantize quantize = Quantize::kNone);

  size_t dim() const { return transformer_ ? transformer_->dim() : static_->dim(); }
  size_t max_length() const { return max_length_; }

  // Token ids of `text`: with the special tokens, truncated to max_length(), for a transformer;
  // the plain tokens for a static model.
  Status tokenize(std::string_view text, std::vector<int32_t>& ids) const;
  // See TransformerEncoder::embed and StaticEmbedding::embed.
  void embed(const std::vector<const std::vector<int32_t>*>& seqs, float* out) const {
    if (transformer_)
      transformer_->embed(seqs, out);
    else
      static_->embed(seqs, out);
  }

 private:
  static Expected<std::unique_ptr<SentenceEncoder>> load_static(const model::ModelSpec& spec, size_t max_length);

  std::unique_ptr<text::Tokenizer> tokenizer_;
  std::unique_ptr<TransformerEncoder> transformer_;
  std::unique_ptr<StaticEmbedding> static_;
  size_t max_length_ = 0;
  size_t vocab_size_ = 0;
};

}  // namespace bitmill::encoder
