// bitmill-index merge: shard indexes built from one trained index (see build.h, merge_index)
// merged into one, keeping their ids.
//
// check_merge_files() refuses, as invalid arguments, a shard that is also the output ("S is both a
// shard and the output") and a shard given twice ("S is given twice: its vectors would be merged
// twice"), comparing files as same_output() does. merge_index_files() loads the first shard and
// moves every other into it, one shard in memory at a time besides the merged index, calling
// `on_shard` with each of those before it is merged (for a log line). Errors: those of
// FaissIndex::load and merge_index, and a first shard that cannot be merged into ("S is TYPE: only
// IVF indexes and sharded Flat indexes (with an id map) can be merged; build other kinds whole",
// a data error). file_bytes() is the total size of the files that exist (for a throughput).
//
// Thread safety: re-entrant.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "bitmill/base/status.h"
#include "bitmill/index/faiss_index.h"

namespace bitmill::index {

Status check_merge_files(const std::vector<std::string>& shards, const std::string& output);

// Requires at least one shard.
Expected<FaissIndex> merge_index_files(const std::vector<std::string>& shards,
                                       const std::function<void(const std::string&, const FaissIndex&)>& on_shard);

uint64_t file_bytes(const std::vector<std::string>& paths);

}  // namespace bitmill::index
