// fastText's supervised prediction (FastText::predictLine), reimplemented for language ID on
// every row of a corpus. libfasttext 0.9.2 spends most of a short line's time outside the model
// arithmetic: a std::unordered_map lookup per character n-gram (the pruned buckets of a
// quantized model such as lid.176.ftz), an istream per line, a std::string per n-gram. This
// predictor reads the same model file into flat tables and computes the same thing: the tokens
// of the line (split at ' ' \t \v \f \r \0, newlines read as spaces, then fastText's end-of-line
// token), each in-vocabulary word's precomputed ids or an unknown word's character n-grams
// (minn..maxn code points of "<word>", FNV-1a hashed as fastText hashes them, bucketed and
// pruned), word n-grams, the average of their input rows (dense, or product-quantized with or
// without quantized norms), and the k best labels by hierarchical softmax (fastText's depth-first
// search with its pruning) or by softmax. Same model, same labels, same probabilities up to float
// rounding (lang_id_test.cc compares it with libfasttext on real text).
//
// Scope: supervised models with the hs or softmax loss; load() says when a model uses another
// (ns, ova), and the caller then predicts with libfasttext. The file must have passed
// check_fasttext_model (lang_id.cc): this reader trusts its layout.
//
// Thread safety: immutable after load(); predict() is const and re-entrant, its scratch per call
// site (one Scratch per thread).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bitmill/base/status.h"

namespace bitmill::filter {

class FastTextPredictor {
 public:
  // (log-probability, label index), best first.
  using Prediction = std::pair<float, int32_t>;

  struct Scratch {
    std::vector<int32_t> ids;          // input rows of the line
    std::vector<int32_t> word_hashes;  // for word n-grams (signed, as fastText keeps them)
    std::vector<float> hidden;
    std::vector<float> output;  // softmax models: every label's score
    std::string bracketed;      // "<word>" of an unknown word
    std::vector<Prediction> heap;
  };

  // The model at `path`, or null with `why` set when its loss is one this predictor does not
  // implement. Errors: io_error when the file cannot be read.
  static Expected<std::unique_ptr<FastTextPredictor>> load(const std::string& path, std::string* why);

  ~FastTextPredictor();

  // The k (>= 1) best labels of `text` into `out`, best first. Nothing when no word or n-gram of
  // the text is in the model (only the end-of-line token: fastText would answer its label prior).
  void predict(std::string_view text, int32_t k, Scratch& s, std::vector<Prediction>& out) const;

  // The labels as the model names them ("__label__de"), by label index.
  const std::vector<std::string>& labels() const;

  struct Model;

 private:
  explicit FastTextPredictor(std::unique_ptr<Model> m);
  std::unique_ptr<Model> m_;
};

}  // namespace bitmill::filter
