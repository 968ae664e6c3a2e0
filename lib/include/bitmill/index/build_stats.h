// The JSON report of one bitmill-index build (--stats FILE): what was built, from how many rows,
// the recall check when one ran, and the time each step took.
//
// build_stats_json() returns the report as text, a JSON object with one member per line, in this
// order: "index", "type", "dim", "vectors", "added", "train_rows", "shard", "nlist", "nprobe",
// "ef_search", "recall" (only when a check ran: an object of "k", "queries", "rows", "hits" and
// "recall") and "seconds" (an object of "train", "add", "recall" and "total"), followed by a
// newline. Integers are written in full; the recall fraction in the shortest form that reads back
// as the same double; seconds with three decimals. Strings are escaped for JSON: '"' and '\' by a
// backslash, control characters as \u00XX; other bytes (UTF-8 included) are copied.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "bitmill/index/faiss_index.h"
#include "bitmill/index/recall.h"
#include "bitmill/util/shard.h"

namespace bitmill::index {

struct BuildStats {
  std::string index;  // the output path
  std::string type;   // FaissIndex::describe()
  size_t dim = 0;
  uint64_t vectors = 0;  // held by the index
  uint64_t added = 0;    // by this run
  uint64_t train_rows = 0;
  std::string shard;  // Shard::to_string()
  size_t nlist = 0, nprobe = 0, ef_search = 0;
  std::optional<RecallReport> recall;
  double train_seconds = 0, add_seconds = 0, recall_seconds = 0, total_seconds = 0;
};

std::string build_stats_json(const BuildStats& s);

// Sets the fields that describe the index written: index (`output`), type, dim, vectors, shard,
// nlist and the stored nprobe and ef_search.
void describe_index(BuildStats& s, const FaissIndex& ix, const std::string& output, const Shard& shard);

}  // namespace bitmill::index
