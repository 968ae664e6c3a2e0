// k-NN both ways over two FAISS indexes (bitmill-index), for bitmill-mine's approximate search:
// the source rows are searched in the target side's index (forward lists) and the target rows in
// the source side's index (backward lists), giving the lists mine::knn_both() would give up to the
// indexes' approximation. Each index must hold every row of its side, with the row numbers as ids,
// so that the ids are positions in the other side's lists: the row sets are whole matrices (no
// subset, so no --unify: the caller refuses it first).
//
// The search parameters are stored on each loaded copy of an index (FAISS 1.7.3 applies a
// per-search efSearch only in part). Errors name the index file: those of FaissIndex::load,
// store_params and search_knn, "IDX holds N vectors but its side has M lines: build it from that
// side's embeddings" and "IDX: Q queries found fewer than K neighbours; raise --nprobe" (data
// errors).
//
// Thread safety: re-entrant; FAISS runs under the process's thread limit (set_thread_limit).
#pragma once

#include <cstddef>
#include <string>

#include "bitmill/base/status.h"
#include "bitmill/index/faiss_index.h"
#include "bitmill/vectors/neighbors.h"
#include "bitmill/vectors/row_set.h"

namespace bitmill::index {

struct IndexPair {
  std::string src, tgt;  // the source side's index, the target side's
};

Status search_both(const IndexPair& indexes, const vectors::RowSet& src, const vectors::RowSet& tgt,
                   const SearchParams& params, size_t k, vectors::Neighbors& fwd, vectors::Neighbors& bwd);

}  // namespace bitmill::index
