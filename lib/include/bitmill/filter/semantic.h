// The `semantic` rule of bitmill-filter: how well the two sides of a pair mean the same thing,
// from the bitmill sentence encoder (`--model DIR`).
//
// Score: the cosine of the two sentence embeddings, or with `margin` LASER's ratio margin
// (Artetxe & Schwenk 2019) cos(x, y) / ((mean_k cos(x, NN_k(x)) + mean_k cos(y, NN_k(y))) / 2),
// where the neighbours are taken among the other side's sentences of the same batch (groups of
// 2048 rows of a block of the input, cut by position alone, so scores do not depend on the thread
// count). Scoring
// a whole file against itself, as `bitmill-mine score` does, needs the whole file in memory; a
// streaming filter cannot, and the batch (thousands of rows) is a close estimate of the
// neighbourhood for k = 4.
//
// Thread safety: immutable after load(); score() may run on many threads at once.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bitmill/base/status.h"
#include "bitmill/encoder/sentence_encoder.h"

namespace bitmill::filter {

class SemanticScorer {
 public:
  // Errors: the model directory cannot be loaded (as SentenceEncoder::load), k < 1.
  static Expected<std::unique_ptr<SemanticScorer>> load(const std::string& model_dir, bool margin, size_t k);
  explicit SemanticScorer(std::unique_ptr<encoder::SentenceEncoder> enc, bool margin, size_t k);

  // scores[i] for the pair (src[i], tgt[i]). Empty texts embed as the empty sentence.
  Status score(const std::vector<std::string_view>& src, const std::vector<std::string_view>& tgt,
               std::vector<float>& scores) const;

  bool margin() const { return margin_; }

 private:
  Status embed(const std::vector<std::string_view>& texts, std::vector<float>& out) const;

  std::unique_ptr<encoder::SentenceEncoder> enc_;
  bool margin_;
  size_t k_;
};

}  // namespace bitmill::filter
