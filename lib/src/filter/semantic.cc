#include "bitmill/filter/semantic.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "bitmill/encoder/embed_texts.h"
#include "bitmill/kernels/kernels.h"
#include "bitmill/kernels/l2_norm.h"
#include "bitmill/text/utf8.h"

namespace bitmill::filter {

Expected<std::unique_ptr<SemanticScorer>> SemanticScorer::load(const std::string& model_dir, bool margin, size_t k) {
  if (k < 1) return invalid_argument("semantic.k must be at least 1");
  BITMILL_ASSIGN_OR_RETURN(auto enc, encoder::SentenceEncoder::load(model_dir));
  return std::make_unique<SemanticScorer>(std::move(enc), margin, k);
}

SemanticScorer::SemanticScorer(std::unique_ptr<encoder::SentenceEncoder> enc, bool margin, size_t k)
    : enc_(std::move(enc)), margin_(margin), k_(k) {}

Status SemanticScorer::embed(const std::vector<std::string_view>& texts, std::vector<float>& out) const {
  // A row the utf8 rule rejects is still scored under --all-reasons and --annotate (and every
  // row is when that rule is off): the tokenizer takes valid UTF-8 only, so it sees U+FFFD.
  std::vector<std::string_view> valid(texts);
  std::vector<std::string> repaired;
  repaired.reserve(texts.size());  // no reallocation: `valid` keeps views into it
  for (std::string_view& text : valid) {
    if (is_valid_utf8(text)) continue;
    repaired.emplace_back();
    append_replacing_invalid_utf8(text, repaired.back());
    text = repaired.back();
  }
  return encoder::embed_unit_rows(*enc_, valid, out);
}

Status SemanticScorer::score(const std::vector<std::string_view>& src, const std::vector<std::string_view>& tgt,
                             std::vector<float>& scores) const {
  const size_t n = src.size(), dim = enc_->dim();
  scores.assign(n, 0.0f);
  if (n == 0) return Status::ok();
  std::vector<float> x, y;
  BITMILL_RETURN_IF_ERROR(embed(src, x));
  BITMILL_RETURN_IF_ERROR(embed(tgt, y));
  for (size_t i = 0; i < n; ++i) scores[i] = kernels::dot_f32(&x[i * dim], &y[i * dim], dim);
  if (!margin_) return Status::ok();
  // Mean similarity of each row's k nearest neighbours on the other side, exact, among the rows of
  // its group of kMarginGroup (groups are cut by position, so they do not depend on threads).
  constexpr size_t kMarginGroup = 2048;
  std::vector<float> sims, fwd(n), bwd(n);
  for (size_t g = 0; g < n; g += kMarginGroup) {
    const size_t m = std::min(kMarginGroup, n - g), k = std::min(k_, m);
    sims.resize(m * m);
    kernels::sgemm(false, true, m, m, dim, 1.0f, &x[g * dim], dim, &y[g * dim], dim, 0.0f, sims.data(), m);
    std::vector<float> row(m), col(m);
    auto mean_top = [&](std::vector<float>& v) {
      std::partial_sort(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end(), std::greater<>());
      double s = 0;
      for (size_t j = 0; j < k; ++j) s += static_cast<double>(v[j]);
      return static_cast<float>(s / static_cast<double>(k));
    };
    for (size_t i = 0; i < m; ++i) {
      for (size_t j = 0; j < m; ++j) {
        row[j] = sims[i * m + j];
        col[j] = sims[j * m + i];
      }
      fwd[g + i] = mean_top(row);
      bwd[g + i] = mean_top(col);
    }
  }
  for (size_t i = 0; i < n; ++i) {
    const float denom = (fwd[i] + bwd[i]) / 2.0f;
    scores[i] = denom > 0 ? scores[i] / denom : 0.0f;
  }
  return Status::ok();
}

}  // namespace bitmill::filter
