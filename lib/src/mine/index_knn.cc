#include "bitmill/mine/index_knn.h"

#include <fmt/format.h>

namespace bitmill::mine {

namespace {

// The rows of `queries` searched in the index at `path`, which must hold `indexed`'s lines.
Status search_side(const std::string& path, const JobSide& queries, const JobSide& indexed,
                   const index::SearchParams& params, size_t k, Neighbors& out) {
  BITMILL_ASSIGN_OR_RETURN(index::FaissIndex idx, index::FaissIndex::load(path));
  // Stored on this loaded copy: FAISS 1.7.3 applies a per-search efSearch only in part.
  BITMILL_RETURN_IF_ERROR(idx.store_params(params));
  if (idx.size() != indexed.text.size()) {
    return data_error(
        fmt::format("{} holds {} vectors but its side has {} lines: build it from that side's "
                    "embeddings",
                    path, idx.size(), indexed.text.size()));
  }
  index::SearchStats st;
  BITMILL_RETURN_IF_ERROR(index::search_knn(idx, queries.set(), params, k, out, &st));
  if (st.short_rows > 0) {
    return data_error(
        fmt::format("{}: {} queries found fewer than {} neighbours; raise --nprobe", path, st.short_rows, out.k));
  }
  return Status::ok();
}

}  // namespace

Status index_knn_both(const Job& job, const IndexFiles& indexes, const index::SearchParams& params, size_t k,
                      Neighbors& fwd, Neighbors& bwd) {
  BITMILL_RETURN_IF_ERROR(search_side(indexes.tgt, job.src, job.tgt, params, k, fwd));
  return search_side(indexes.src, job.tgt, job.src, params, k, bwd);
}

}  // namespace bitmill::mine
