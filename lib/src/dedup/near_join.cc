// Phase 2 of sharded near dedup (near_work.h): the bucket join of one band shard, and the names
// and shards that every phase shares.
#include <fmt/format.h>

#include <algorithm>

#include "bitmill/dedup/near_work.h"
#include "bitmill/util/external_sort.h"
#include "dedup/minhash.h"
#include "dedup/near_link.h"
#include "dedup/near_sign_file.h"

namespace bitmill::dedup {
namespace {

using detail::SignFile;

using detail::Bucket;
using detail::BucketLess;

}  // namespace

namespace detail {

// The global ordinal of each sign shard's first record: bases[i], with bases[N] the total.
std::vector<uint64_t> record_bases(const std::vector<SignFile>& files) {
  std::vector<uint64_t> bases(files.size() + 1, 0);
  for (size_t i = 0; i < files.size(); ++i) bases[i + 1] = bases[i] + files[i].records();
  return bases;
}

// The spanning forest of the edges: every vertex but a component's least, with that least, by vertex.
std::vector<std::pair<uint64_t, uint64_t>> spanning_forest(std::vector<std::pair<uint64_t, uint64_t>>& edges) {
  std::vector<uint64_t> v;
  v.reserve(edges.size() * 2);
  for (const auto& [a, b] : edges) {
    v.push_back(a);
    v.push_back(b);
  }
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  std::vector<uint64_t> parent(v.size());
  for (size_t i = 0; i < v.size(); ++i) parent[i] = i;
  auto find = [&](uint64_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  auto at = [&](uint64_t o) { return static_cast<uint64_t>(std::lower_bound(v.begin(), v.end(), o) - v.begin()); };
  for (const auto& [a, b] : edges) {
    uint64_t ra = find(at(a)), rb = find(at(b));
    if (ra == rb) continue;
    if (rb < ra) std::swap(ra, rb);
    parent[rb] = ra;  // the least index is the root, as in union_find.h
  }
  std::vector<std::pair<uint64_t, uint64_t>>().swap(edges);
  std::vector<std::pair<uint64_t, uint64_t>> forest;
  for (uint64_t i = 0; i < v.size(); ++i) {
    const uint64_t r = find(i);
    if (r != i) forest.emplace_back(v[i], v[r]);
  }
  return forest;
}

bool same_fields(const WorkFile& f, const WorkFields& want, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (f.field(i) != want[i]) return false;
  }
  return true;
}

}  // namespace detail

Expected<NearPhase> parse_near_phase(std::string_view s) {
  if (s == "sign") return NearPhase::kSign;
  if (s == "join") return NearPhase::kJoin;
  if (s == "cluster") return NearPhase::kCluster;
  if (s == "apply") return NearPhase::kApply;
  return invalid_argument(fmt::format("--phase must be sign, join, cluster or apply, not '{}'", s));
}

std::string near_sign_path(const std::string& dir, const Shard& s) {
  return fmt::format("{}/sign.{}-of-{}.bin", dir, s.index, s.count);
}
std::string near_join_path(const std::string& dir, const Shard& s) {
  return fmt::format("{}/join.{}-of-{}.bin", dir, s.index, s.count);
}
std::string near_clusters_path(const std::string& dir) { return dir + "/clusters.bin"; }

std::pair<size_t, size_t> near_shard_files(size_t f, const Shard& s) {
  // i <= 2^20 (kMaxShardCount) and f < 2^40 inputs: the product fits.
  const auto at = [&](uint64_t i) { return static_cast<size_t>(i * f / s.count); };
  return {at(s.index), at(s.index + 1)};
}

Expected<NearPhaseStats> near_join(const std::string& dir, const Shard& s, const NearOptions& o,
                                   const InputSetOptions& io, bool force) {
  using namespace detail;
  BITMILL_RETURN_IF_ERROR(check_near_options(o));
  NearPhaseStats st;
  st.file = near_join_path(dir, s);
  BITMILL_ASSIGN_OR_RETURN(std::vector<SignFile> signs, open_sign_set(dir, options_fingerprint(o, io)));
  const std::vector<uint64_t> bases = record_bases(signs);
  st.records = bases.back();
  if (o.verify > 0 && (signs.front().field(kSignFlags) & 1) == 0) {
    return data_error(signs.front().path() + ": corrupt (no shingle sets, which --verify needs)");
  }
  WorkFields fields{};
  fields[kJoinShard] = s.index;
  fields[kJoinShards] = s.count;
  fields[kJoinSignShards] = signs.size();
  fields[kJoinOptions] = signs.front().field(kSignOptions);
  fields[kJoinNames] = signs.front().field(kSignNamesHash);
  fields[kJoinRecords] = bases.back();
  if (!force) {
    Expected<WorkFile> done = WorkFile::open(st.file, std::string_view(kJoinMagic, 8), kNearWorkVersion, "");
    if (done.has_value() && same_fields(*done, fields, kJoinRecords + 1)) {
      st.skipped = true;
      return st;
    }
  }

  ExternalSorter<Bucket, BucketLess> sorter(o.tmp_dir, o.memory_bytes / 2);
  for (size_t i = 0; i < signs.size(); ++i) {
    const SignFile& f = signs[i];
    for (uint64_t r = 0; r < f.records(); ++r) {
      if (!f.bucketed(r)) continue;
      for (uint64_t b = s.index; b < f.bands(); b += s.count) {
        BITMILL_RETURN_IF_ERROR(sorter.push(Bucket{f.key(r, b), b << 56 | (bases[i] + r)}));
      }
    }
  }
  BITMILL_RETURN_IF_ERROR(sorter.finish());
  st.spilled = sorter.runs() > 0;

  const auto set_of = [&](uint64_t ordinal, size_t& n) {
    const size_t i = static_cast<size_t>(std::upper_bound(bases.begin(), bases.end(), ordinal) - bases.begin()) - 1;
    return signs[i].shingles(ordinal - bases[i], n);
  };
  const auto similar = [&](uint64_t a, uint64_t b) -> Expected<bool> {
    size_t na = 0, nb = 0;
    const uint32_t* sa = set_of(a, na);
    const uint32_t* sb = set_of(b, nb);
    return exact_jaccard_sets(sa, na, sb, nb) >= o.verify;
  };
  // A quarter of --memory for the edges (16 bytes each), reduced to a forest past it.
  ForestBuilder edges(std::max<size_t>(1024, o.memory_bytes / 4 / 16));
  const auto edge = [&](uint64_t a, uint64_t b) { edges.add(a, b); };
  PairMemo memo(o.memory_bytes / 8);
  LinkCounts counts;
  std::vector<uint64_t> group;
  Bucket cur{}, next{};
  bool have = false;
  for (;;) {
    BITMILL_ASSIGN_OR_RETURN(bool more, sorter.next(next));
    if (have && (!more || next.key != cur.key || next.band() != cur.band())) {
      if (group.size() > 1) BITMILL_RETURN_IF_ERROR(link_bucket(group, o.verify, memo, similar, edge, counts));
      group.clear();
    }
    if (!more) break;
    group.push_back(next.ordinal());
    cur = next;
    have = true;
  }
  const std::vector<std::pair<uint64_t, uint64_t>> forest = edges.take();
  st.edges = forest.size();
  st.compared = counts.compared;
  st.dropped = counts.dropped;
  fields[kJoinRecords + 1] = counts.compared;
  fields[kJoinRecords + 2] = counts.dropped;
  BITMILL_ASSIGN_OR_RETURN(std::unique_ptr<WorkFileWriter> out,
                           WorkFileWriter::open(st.file, std::string_view(kJoinMagic, 8), kNearWorkVersion));
  BITMILL_RETURN_IF_ERROR(out->begin_section(0));
  BITMILL_RETURN_IF_ERROR(out->write(forest.data(), forest.size() * sizeof(forest[0])));
  BITMILL_RETURN_IF_ERROR(out->commit(fields));
  return st;
}

}  // namespace bitmill::dedup
