#include "bitmill/encoder/sentence_encoder.h"

#include "bitmill/model/model_dir.h"

namespace bitmill::encoder {

Expected<std::unique_ptr<SentenceEncoder>> SentenceEncoder::load(const std::string& dir, size_t max_length,
                                                                 Quantize quantize) {
  BITMILL_ASSIGN_OR_RETURN(model::ModelSpec spec, model::read_model_dir(dir));
  if (spec.is_static) return load_static(spec, max_length);
  const size_t limit = model::max_model_length(spec.config);
  if (max_length > limit) {
    return invalid_argument("--max-length " + std::to_string(max_length) + " exceeds the model's limit of " +
                            std::to_string(limit) + " tokens");
  }
  if (max_length == 0) max_length = spec.max_seq_length > 0 ? std::min(spec.max_seq_length, limit) : limit;
  auto enc = std::unique_ptr<SentenceEncoder>(new SentenceEncoder());
  enc->max_length_ = max_length;
  enc->vocab_size_ = spec.config.vocab_size;
  BITMILL_ASSIGN_OR_RETURN(enc->tokenizer_, text::load_tokenizer(spec.transformer_dir, max_length));
  if (enc->tokenizer_->vocab_size() > spec.config.vocab_size) {
    return data_error(spec.transformer_dir + ": the tokenizer has " + std::to_string(enc->tokenizer_->vocab_size()) +
                      " tokens but config.json's vocab_size is " + std::to_string(spec.config.vocab_size));
  }
  BITMILL_ASSIGN_OR_RETURN(enc->transformer_, TransformerEncoder::load(spec, quantize));
  return enc;
}

Expected<std::unique_ptr<SentenceEncoder>> SentenceEncoder::load_static(const model::ModelSpec& spec,
                                                                        size_t max_length) {
  if (max_length != 0) return invalid_argument("--max-length does not apply to a static embedding model");
  auto enc = std::unique_ptr<SentenceEncoder>(new SentenceEncoder());
  BITMILL_ASSIGN_OR_RETURN(enc->static_, StaticEmbedding::load(spec));
  enc->vocab_size_ = enc->static_->vocab_size();
  // Static models bag every token of the line; the limit only guards the tokenizer's buffers.
  enc->max_length_ = size_t{1} << 20;
  BITMILL_ASSIGN_OR_RETURN(enc->tokenizer_, text::load_tokenizer(spec.static_dir, enc->max_length_));
  if (enc->tokenizer_->vocab_size() > enc->vocab_size_) {
    return data_error(spec.static_dir + ": the tokenizer has " + std::to_string(enc->tokenizer_->vocab_size()) +
                      " tokens but embedding.weight has " + std::to_string(enc->vocab_size_) + " rows");
  }
  return enc;
}

Status SentenceEncoder::tokenize(std::string_view text, std::vector<int32_t>& ids) const {
  BITMILL_RETURN_IF_ERROR(static_ ? tokenizer_->encode_plain(text, ids) : tokenizer_->encode(text, ids));
  for (int32_t id : ids) {
    if (id < 0 || static_cast<size_t>(id) >= vocab_size_) {
      return data_error("token id " + std::to_string(id) + " is outside the model's vocabulary");
    }
  }
  return Status::ok();
}

}  // namespace bitmill::encoder
