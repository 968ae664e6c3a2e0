#include "bitmill/index/build_stats.h"

#include <fmt/format.h>

namespace bitmill::index {

namespace {

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace

std::string build_stats_json(const BuildStats& s) {
  std::string j = "{\n";
  j += fmt::format("  \"index\": {},\n  \"type\": {},\n", json_string(s.index), json_string(s.type));
  j += fmt::format("  \"dim\": {},\n  \"vectors\": {},\n  \"added\": {},\n  \"train_rows\": {},\n", s.dim, s.vectors,
                   s.added, s.train_rows);
  j += fmt::format("  \"shard\": {},\n", json_string(s.shard));
  j += fmt::format("  \"nlist\": {},\n  \"nprobe\": {},\n  \"ef_search\": {},\n", s.nlist, s.nprobe, s.ef_search);
  if (s.recall) {
    const RecallReport& r = *s.recall;
    j += fmt::format("  \"recall\": {{\"k\": {}, \"queries\": {}, \"rows\": {}, \"hits\": {}, \"recall\": {}}},\n", r.k,
                     r.queries, r.rows, r.hits, r.recall);
  }
  j += fmt::format("  \"seconds\": {{\"train\": {:.3f}, \"add\": {:.3f}, \"recall\": {:.3f}, \"total\": {:.3f}}}\n",
                   s.train_seconds, s.add_seconds, s.recall_seconds, s.total_seconds);
  return j + "}\n";
}

void describe_index(BuildStats& s, const FaissIndex& ix, const std::string& output, const Shard& shard) {
  const SearchParams sp = ix.stored_params();
  s.index = output;
  s.type = ix.describe();
  s.dim = ix.dim();
  s.vectors = ix.size();
  s.shard = shard.to_string();
  s.nlist = ix.nlist();
  s.nprobe = sp.nprobe;
  s.ef_search = sp.ef_search;
}

}  // namespace bitmill::index
