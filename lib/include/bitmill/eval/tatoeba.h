// Retrieval accuracy on aligned embeddings (the Tatoeba similarity search of LASER and XTREME):
// row i of X and row i of Y embed a sentence and its translation. Each source row retrieves the
// target row it is most similar to among all of them, and is correct when that is row i; likewise
// each target row retrieves a source row. Two similarities, as LASER's xsim.py computes them:
//
//   cosine  argmax_j cos(x_i, y_j) over every row j
//   margin  argmax over x_i's k nearest targets (by cosine) of the ratio margin
//           cos(x_i, y_j) / ((mean_k fwd(x_i) + mean_k bwd(y_j)) / 2)  (Artetxe & Schwenk 2019)
//
// The margin search only looks at the k cosine candidates, so a row whose translation is not
// among them is an error whatever its margin. Ties go to the first (lowest) index: for cosine,
// the neighbour order of mine::knn_both; for margin, the first candidate in that order. With
// fewer than k rows, k is the number of rows. The error rate that LASER reports is 100 minus
// the accuracy.
//
// Thread safety: evaluate_aligned() runs oneTBB tasks (under the caller's thread limit); the
// rest are pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "bitmill/base/status.h"
#include "bitmill/io/embeddings.h"
#include "bitmill/mine/knn.h"
#include "bitmill/mine/margin.h"

namespace bitmill::eval {

// For each row of `lists`, the index it retrieves by cosine: its first neighbour.
std::vector<int64_t> retrieve_cosine(const vectors::Neighbors& lists);

// For each row of `lists`, its neighbour with the best margin score, the neighbourhood means
// coming from `lists` (this row) and `other` (the neighbour's row): for source rows, lists = fwd
// and other = bwd; for target rows the other way round.
std::vector<int64_t> retrieve_margin(const vectors::Neighbors& lists, const vectors::Neighbors& other, mine::Margin m);

// The number of rows i with retrieved[i] == i.
size_t count_self(const std::vector<int64_t>& retrieved);

struct RetrievalCounts {
  size_t n = 0;  // aligned rows
  size_t k = 0;  // neighbours used by the margin (min(k, n))
  // Correctly retrieved rows.
  size_t cos_src2tgt = 0, cos_tgt2src = 0, margin_src2tgt = 0, margin_tgt2src = 0;

  bool operator==(const RetrievalCounts&) const = default;
};

// The counts from the k-NN lists of knn_both(x, y) (fwd) and of y over x (bwd).
RetrievalCounts score_retrieval(const vectors::Neighbors& fwd, const vectors::Neighbors& bwd,
                                mine::Margin m = mine::Margin::kRatio);

// Exact k-NN both ways, then score_retrieval() with the ratio margin. Errors (naming the files):
// different row counts or dimensions, no rows, k == 0, a row holding a NaN or an infinity.
Expected<RetrievalCounts> evaluate_aligned(const EmbeddingMatrix& x, const EmbeddingMatrix& y, size_t k);

}  // namespace bitmill::eval
