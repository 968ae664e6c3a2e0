// k-NN both ways over FAISS indexes (bitmill-index) instead of the exact search: the source rows
// are searched in the target side's index (forward lists) and the target rows in the source
// side's index (backward lists), giving the lists knn_both() would give up to the index's
// approximation. Each index must hold every line of its side, with the line numbers as ids, so
// that the ids are positions in the side's row set (--unify is therefore not supported: check it
// before).
//
// The search parameters are stored on each loaded copy of an index (FAISS 1.7.3 applies a
// per-search efSearch only in part). Errors name the index file: those of FaissIndex::load and
// store_params and search_knn, "IDX holds N vectors but its side has M lines: build it from that
// side's embeddings" and "IDX: Q queries found fewer than K neighbours; raise --nprobe" (data
// errors).
//
// Thread safety: re-entrant; FAISS runs under the process's thread limit (index::set_thread_limit).
#pragma once

#include <cstddef>
#include <string>

#include "bitmill/base/status.h"
#include "bitmill/index/faiss_index.h"
#include "bitmill/mine/job.h"

namespace bitmill::mine {

struct IndexFiles {
  std::string src, tgt;
};

// Requires the job's embeddings (the queries) to be open.
Status index_knn_both(const Job& job, const IndexFiles& indexes, const index::SearchParams& params, size_t k,
                      Neighbors& fwd, Neighbors& bwd);

}  // namespace bitmill::mine
