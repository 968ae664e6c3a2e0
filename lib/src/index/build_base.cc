#include "bitmill/index/build_base.h"

#include <fmt/format.h>

#include <algorithm>

#include "bitmill/index/build.h"

namespace bitmill::index {

Expected<FaissIndex> load_trained_index(const std::string& path, const EmbeddingSet& emb) {
  BITMILL_ASSIGN_OR_RETURN(FaissIndex ix, FaissIndex::load(path));
  if (!ix.is_trained()) return data_error(path + " is not trained: make it with --train-only");
  if (ix.size() != 0) {
    return data_error(
        fmt::format("{} already holds {} vectors: --trained takes an empty trained index (from "
                    "--train-only)",
                    path, ix.size()));
  }
  if (ix.dim() != emb.dim()) {
    return data_error(fmt::format("{} has dimension {} but the trained index {} has {}", emb.file(0).path(), emb.dim(),
                                  path, ix.dim()));
  }
  return ix;
}

Expected<FaissIndex> create_index(const std::string& factory, const EmbeddingSet& emb, const Shard& shard) {
  const std::string f = factory.empty() ? default_factory(emb.rows(), emb.dim()) : factory;
  BITMILL_ASSIGN_OR_RETURN(FaissIndex ix, FaissIndex::create(f, emb.dim()));
  if (!ix.is_trained() && !shard.is_whole()) {
    return invalid_argument(fmt::format(
        "shard {} of {} needs --trained TRAINED: train once with --train-only, then add each shard to a copy "
        "of the trained index, so that the shards can be merged",
        shard.to_string(), ix.describe()));
  }
  return ix;
}

uint64_t training_rows(const FaissIndex& index, const EmbeddingSet& emb, uint64_t train_size) {
  return std::min(emb.rows(), train_size > 0 ? train_size : default_train_size(index, emb.rows()));
}

}  // namespace bitmill::index
