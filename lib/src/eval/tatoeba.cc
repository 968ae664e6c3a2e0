#include "bitmill/eval/tatoeba.h"

#include <fmt/format.h>

namespace bitmill::eval {

std::vector<int64_t> retrieve_cosine(const vectors::Neighbors& lists) {
  std::vector<int64_t> out(lists.rows, -1);
  if (lists.k == 0) return out;
  for (size_t i = 0; i < lists.rows; ++i) out[i] = lists.idx_row(i)[0];
  return out;
}

std::vector<int64_t> retrieve_margin(const vectors::Neighbors& lists, const vectors::Neighbors& other, mine::Margin m) {
  std::vector<int64_t> out(lists.rows, -1);
  for (size_t i = 0; i < lists.rows; ++i) {
    const float mean_i = lists.mean(i);
    float best = 0;
    for (size_t t = 0; t < lists.k; ++t) {
      const int64_t j = lists.idx_row(i)[t];
      const float s = mine::margin_score(m, lists.sim_row(i)[t], mean_i, other.mean(static_cast<size_t>(j)));
      // Strictly greater: numpy's argmax keeps the first of equal scores.
      if (t == 0 || s > best) {
        best = s;
        out[i] = j;
      }
    }
  }
  return out;
}

size_t count_self(const std::vector<int64_t>& retrieved) {
  size_t n = 0;
  for (size_t i = 0; i < retrieved.size(); ++i) n += retrieved[i] == static_cast<int64_t>(i) ? 1 : 0;
  return n;
}

RetrievalCounts score_retrieval(const vectors::Neighbors& fwd, const vectors::Neighbors& bwd, mine::Margin m) {
  RetrievalCounts c;
  c.n = fwd.rows;
  c.k = fwd.k;
  c.cos_src2tgt = count_self(retrieve_cosine(fwd));
  c.cos_tgt2src = count_self(retrieve_cosine(bwd));
  c.margin_src2tgt = count_self(retrieve_margin(fwd, bwd, m));
  c.margin_tgt2src = count_self(retrieve_margin(bwd, fwd, m));
  return c;
}

Expected<RetrievalCounts> evaluate_aligned(const EmbeddingMatrix& x, const EmbeddingMatrix& y, size_t k) {
  if (x.rows() != y.rows()) {
    return data_error(fmt::format("{} has {} rows but {} has {}: row i of each must embed a translation pair", x.path(),
                                  x.rows(), y.path(), y.rows()));
  }
  if (x.dim() != y.dim()) {
    return data_error(fmt::format("{} has dimension {} but {} has {}", x.path(), x.dim(), y.path(), y.dim()));
  }
  if (x.rows() == 0) return data_error(x.path() + ": no rows to evaluate");
  if (k == 0) return invalid_argument("k must be at least 1");
  mine::KnnOptions ko;
  ko.k = k;
  vectors::Neighbors fwd, bwd;
  BITMILL_RETURN_IF_ERROR(mine::knn_both(vectors::RowSet{&x, nullptr}, vectors::RowSet{&y, nullptr}, ko, fwd, bwd));
  return score_retrieval(fwd, bwd, mine::Margin::kRatio);
}

}  // namespace bitmill::eval
