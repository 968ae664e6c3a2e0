#include "bitmill/index/search_both.h"

#include <fmt/format.h>

namespace bitmill::index {

namespace {

// The rows of `queries` searched in the index at `path`, which must hold the `indexed` rows.
Status search_side(const std::string& path, const vectors::RowSet& queries, const vectors::RowSet& indexed,
                   const SearchParams& params, size_t k, vectors::Neighbors& out) {
  BITMILL_ASSIGN_OR_RETURN(FaissIndex idx, FaissIndex::load(path));
  // Stored on this loaded copy: FAISS 1.7.3 applies a per-search efSearch only in part.
  BITMILL_RETURN_IF_ERROR(idx.store_params(params));
  if (idx.size() != indexed.size()) {
    return data_error(
        fmt::format("{} holds {} vectors but its side has {} lines: build it from that side's "
                    "embeddings",
                    path, idx.size(), indexed.size()));
  }
  SearchStats st;
  BITMILL_RETURN_IF_ERROR(search_knn(idx, queries, params, k, out, &st));
  if (st.short_rows > 0) {
    return data_error(
        fmt::format("{}: {} queries found fewer than {} neighbours; raise --nprobe", path, st.short_rows, out.k));
  }
  return Status::ok();
}

}  // namespace

Status search_both(const IndexPair& indexes, const vectors::RowSet& src, const vectors::RowSet& tgt,
                   const SearchParams& params, size_t k, vectors::Neighbors& fwd, vectors::Neighbors& bwd) {
  BITMILL_RETURN_IF_ERROR(search_side(indexes.tgt, src, tgt, params, k, fwd));
  return search_side(indexes.src, tgt, src, params, k, bwd);
}

}  // namespace bitmill::index
