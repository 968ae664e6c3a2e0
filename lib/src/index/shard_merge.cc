#include "bitmill/index/shard_merge.h"

#include <sys/stat.h>

#include "bitmill/index/build.h"
#include "bitmill/io/output_stream.h"

namespace bitmill::index {

Status check_merge_files(const std::vector<std::string>& shards, const std::string& output) {
  for (size_t i = 0; i < shards.size(); ++i) {
    if (same_output(shards[i], output)) return invalid_argument(shards[i] + " is both a shard and the output");
    for (size_t j = 0; j < i; ++j) {
      if (same_output(shards[i], shards[j])) {
        return invalid_argument(shards[i] + " is given twice: its vectors would be merged twice");
      }
    }
  }
  return Status::ok();
}

Expected<FaissIndex> merge_index_files(const std::vector<std::string>& shards,
                                       const std::function<void(const std::string&, const FaissIndex&)>& on_shard) {
  BITMILL_ASSIGN_OR_RETURN(FaissIndex merged, FaissIndex::load(shards[0]));
  if (!merged.mergeable()) {
    return data_error(shards[0] + " is " + merged.describe() +
                      ": only IVF indexes and sharded Flat indexes (with an id map) can be merged; build other kinds "
                      "whole");
  }
  for (size_t i = 1; i < shards.size(); ++i) {
    BITMILL_ASSIGN_OR_RETURN(FaissIndex shard, FaissIndex::load(shards[i]));
    if (on_shard) on_shard(shards[i], shard);
    BITMILL_RETURN_IF_ERROR(merge_index(merged, shard));
  }
  return merged;
}

uint64_t file_bytes(const std::vector<std::string>& paths) {
  uint64_t bytes = 0;
  for (const std::string& p : paths) {
    struct stat st {};
    if (::stat(p.c_str(), &st) == 0) bytes += static_cast<uint64_t>(st.st_size);
  }
  return bytes;
}

}  // namespace bitmill::index
