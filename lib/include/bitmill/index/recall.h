// How well an approximate index finds the true nearest neighbours: recall@k against an exact
// search, on a sample of the indexed rows used as queries.
//
// recall@k = (sum over queries of |index's top k ∩ exact top k|) / (queries x k_eff), with
// k_eff = min(k, rows indexed - 1). Every query is an indexed row, and its own row is left out of
// both lists: an IVF search always finds it (it lies in the list it was assigned to), so counting it
// would put a floor of 1/k under the recall whatever the index misses. The exact top k is computed
// by brute force (FAISS's knn_inner_product over the normalised rows, block by block: memory is the
// query sample plus one block of rows); its members are exact up to ties at the k-th similarity.
//
// Thread safety: re-entrant; uses oneTBB and FAISS's OpenMP threads under the process limits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "bitmill/base/status.h"
#include "bitmill/index/build.h"
#include "bitmill/index/embedding_set.h"
#include "bitmill/index/faiss_index.h"

namespace bitmill::index {

// Exact top k (cosine) of nq normalised queries (nq x dim) among the rows `sel` selects:
// sims/ids get nq x k entries ordered as search() orders them (ids are global rows), padded with
// (-inf, INT64_MAX) when fewer than k rows are selected.
Status exact_knn(const EmbeddingSet& emb, const RowSelection& sel, const float* queries, size_t nq, size_t k,
                 std::vector<float>& sims, std::vector<int64_t>& ids, size_t batch_rows = 0);

struct RecallReport {
  size_t queries = 0;  // sample size
  size_t k = 0;        // k_eff (the query's own row excluded)
  uint64_t rows = 0;   // rows indexed (searched exactly)
  uint64_t hits = 0;   // exact neighbours the index found
  double recall = 0;   // hits / (queries x k); 1 when there is nothing to find
};

// Recall@k of `index`, which holds the rows `sel` selects from `emb`, on `sample` of those rows
// (all of them if fewer), drawn with sample_rows(seed). Errors: k == 0, those of search().
Expected<RecallReport> check_recall(const FaissIndex& index, const EmbeddingSet& emb, const RowSelection& sel,
                                    size_t sample, size_t k, const SearchParams& p, uint64_t seed = kDefaultSeed);

}  // namespace bitmill::index
