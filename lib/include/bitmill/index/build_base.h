// The index a bitmill-index build starts from, before rows are added: a copy of an empty trained
// index (--trained, from --train-only: how the shards of a Slurm array get the same training), or a
// new index of a factory string (default_factory by the number of rows when none is given).
//
// Errors:
//   load_trained_index: those of FaissIndex::load; "PATH is not trained: make it with
//     --train-only", "PATH already holds N vectors: --trained takes an empty trained index (from
//     --train-only)", "EMB has dimension D but the trained index PATH has E" (data errors)
//   create_index: those of FaissIndex::create; for an index that needs training and a shard that
//     is not the whole input, "shard I/N of TYPE needs --trained TRAINED: ..." (invalid argument),
//     since shards trained apart could not be merged
//
// Thread safety: re-entrant.
#pragma once

#include <cstdint>
#include <string>

#include "bitmill/base/status.h"
#include "bitmill/index/embedding_set.h"
#include "bitmill/index/faiss_index.h"
#include "bitmill/util/shard.h"

namespace bitmill::index {

Expected<FaissIndex> load_trained_index(const std::string& path, const EmbeddingSet& emb);

Expected<FaissIndex> create_index(const std::string& factory, const EmbeddingSet& emb, const Shard& shard);

// Rows to train `index` on: `train_size` (0: default_train_size), at most the rows of `emb`.
uint64_t training_rows(const FaissIndex& index, const EmbeddingSet& emb, uint64_t train_size);

}  // namespace bitmill::index
