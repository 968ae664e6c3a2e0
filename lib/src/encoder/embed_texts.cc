#include "bitmill/encoder/embed_texts.h"

#include <algorithm>
#include <cstdint>

#include "bitmill/kernels/l2_norm.h"

namespace bitmill::encoder {

Status embed_unit_rows(const SentenceEncoder& enc, const std::vector<std::string_view>& texts,
                       std::vector<float>& out) {
  const size_t n = texts.size(), dim = enc.dim();
  std::vector<std::vector<int32_t>> ids(n);
  for (size_t i = 0; i < n; ++i) BITMILL_RETURN_IF_ERROR(enc.tokenize(texts[i], ids[i]));
  // Batches of similar length, so padding costs little; the order only changes which rows share
  // a batch, and every row's embedding is computed on its own.
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return ids[a].size() < ids[b].size(); });
  out.assign(n * dim, 0.0f);
  std::vector<float> rows;
  constexpr size_t kBatchTokens = 8192;
  for (size_t b = 0; b < n;) {
    size_t e = b, longest = 0;
    std::vector<const std::vector<int32_t>*> seqs;
    while (e < n) {
      const size_t len = std::max<size_t>(ids[order[e]].size(), 1);
      if (!seqs.empty() && std::max(longest, len) * (seqs.size() + 1) > kBatchTokens) break;
      longest = std::max(longest, len);
      seqs.push_back(&ids[order[e]]);
      ++e;
    }
    rows.resize(seqs.size() * dim);
    enc.embed(seqs, rows.data());
    for (size_t i = b; i < e; ++i) {
      float* dst = &out[order[i] * dim];
      const float* src = &rows[(i - b) * dim];
      const double ss = kernels::sum_of_squares(src, dim);
      const float inv = ss > 0 ? kernels::inverse_l2_norm(ss) : 0.0f;
      for (size_t d = 0; d < dim; ++d) dst[d] = src[d] * inv;
    }
    b = e;
  }
  return Status::ok();
}

}  // namespace bitmill::encoder
