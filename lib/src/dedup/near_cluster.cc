// Phase 3 of sharded near dedup (near_work.h): the clusters of the whole job, from the join files.
#include <fmt/format.h>

#include <algorithm>

#include "bitmill/dedup/near_work.h"
#include "dedup/near_clusters_file.h"
#include "dedup/near_sign_file.h"

namespace bitmill::dedup {
namespace {

using namespace detail;

// Reads the forests of join files 0..M-1, checked against the sign set's fields.
Expected<std::vector<std::pair<uint64_t, uint64_t>>> read_forests(const std::string& dir, const WorkFields& want,
                                                                  uint64_t& m, uint64_t& compared, uint64_t& dropped) {
  BITMILL_ASSIGN_OR_RETURN(m, find_shard_count(dir, "join.", "join"));
  std::vector<std::pair<uint64_t, uint64_t>> edges;
  std::string missing;
  for (uint64_t j = 0; j < m; ++j) {
    const std::string p = near_join_path(dir, Shard{j, m});
    Expected<WorkFile> f = WorkFile::open(p, std::string_view(kJoinMagic, 8), kNearWorkVersion, "bitmill-dedup join");
    if (!f.has_value() && f.status().code() == StatusCode::kNotFound) {
      missing += fmt::format("{}{}", missing.empty() ? "" : ",", j);
      continue;
    }
    if (!f.has_value()) return f.status();
    WorkFields expect = want;
    expect[kJoinShard] = j;
    expect[kJoinShards] = m;
    if (!same_fields(*f, expect, kJoinRecords + 1)) {
      return data_error(
          fmt::format("{}: not joined from the sign files now in {} (rerun --phase join with --force)", p, dir));
    }
    const std::string_view sec = f->section(0);
    if (sec.size() % 16 != 0) return data_error(p + ": corrupt (edge list)");
    const size_t n = sec.size() / 16;
    const uint64_t* e = f->array<uint64_t>(0);
    for (size_t i = 0; i < n; ++i) {
      if (e[2 * i] >= want[kJoinRecords] || e[2 * i + 1] >= e[2 * i]) return data_error(p + ": corrupt (edge)");
      edges.emplace_back(e[2 * i], e[2 * i + 1]);
    }
    // The union of the forests so far is a forest again after this: one edge per linked record.
    if (j + 1 < m && edges.size() > 2 * n) edges = spanning_forest(edges);
    compared += f->field(kJoinRecords + 1);
    dropped += f->field(kJoinRecords + 2);
  }
  if (!missing.empty()) {
    return not_found(fmt::format("{}: join shards {} of {} are missing (run --phase join for them)", dir, missing, m));
  }
  return edges;
}

// Where global record `ordinal` is: its sign file, its input (index among all) and line.
struct Place {
  size_t shard;
  uint64_t record, input, line;
};
Place place_of(const std::vector<SignFile>& signs, const std::vector<uint64_t>& bases, uint64_t ordinal) {
  const size_t i = static_cast<size_t>(std::upper_bound(bases.begin(), bases.end(), ordinal) - bases.begin()) - 1;
  const SignFile& f = signs[i];
  const uint64_t r = ordinal - bases[i];
  uint64_t input = f.field(kSignFileBegin), seen = 0;
  for (size_t k = 0;; ++k, ++input) {
    seen += f.file_records(k);
    if (r < seen) break;
  }
  return Place{i, r, input, f.line(r)};
}

}  // namespace

Expected<NearPhaseStats> near_cluster(const std::string& dir, const NearOptions& o, const InputSetOptions& io,
                                      bool force) {
  BITMILL_RETURN_IF_ERROR(check_near_options(o));
  NearPhaseStats st;
  st.file = near_clusters_path(dir);
  BITMILL_ASSIGN_OR_RETURN(std::vector<SignFile> signs, open_sign_set(dir, options_fingerprint(o, io)));
  const std::vector<uint64_t> bases = record_bases(signs);
  st.records = bases.back();
  WorkFields want{};
  want[kJoinSignShards] = signs.size();
  want[kJoinOptions] = signs.front().field(kSignOptions);
  want[kJoinNames] = signs.front().field(kSignNamesHash);
  want[kJoinRecords] = bases.back();
  uint64_t m = 0;
  using Edges = std::vector<std::pair<uint64_t, uint64_t>>;
  BITMILL_ASSIGN_OR_RETURN(Edges edges, read_forests(dir, want, m, st.compared, st.dropped));
  st.edges = edges.size();
  WorkFields fields{};
  fields[kClSignShards] = signs.size();
  fields[kClJoinShards] = m;
  fields[kClOptions] = want[kJoinOptions];
  fields[kClNames] = want[kJoinNames];
  fields[kClRecords] = bases.back();
  fields[kClKeepLongest] = o.keep_longest ? 1 : 0;
  if (!force) {
    Expected<WorkFile> done =
        WorkFile::open(st.file, std::string_view(kClustersMagic, 8), kNearWorkVersion, "bitmill-dedup clusters");
    if (done.has_value() && same_fields(*done, fields, kClKeepLongest + 1)) {
      st.skipped = true;
      return st;
    }
  }

  // Every clustered record with its component's least record, by component then record.
  std::vector<std::pair<uint64_t, uint64_t>> forest = spanning_forest(edges);
  std::vector<std::pair<uint64_t, uint64_t>> by_root;  // (root, member)
  by_root.reserve(forest.size() * 2);
  for (const auto& [v, root] : forest) by_root.emplace_back(root, v);
  std::vector<std::pair<uint64_t, uint64_t>>().swap(forest);
  for (size_t i = 0, n = by_root.size(); i < n; ++i) by_root.emplace_back(by_root[i].first, by_root[i].first);
  std::sort(by_root.begin(), by_root.end());
  by_root.erase(std::unique(by_root.begin(), by_root.end()), by_root.end());

  std::vector<ClusterMember> members;
  std::vector<uint64_t> reps;
  members.reserve(by_root.size());
  for (size_t a = 0; a < by_root.size();) {
    size_t b = a;
    uint64_t rep = by_root[a].first;
    uint32_t best = 0;
    for (; b < by_root.size() && by_root[b].first == by_root[a].first; ++b) {
      if (!o.keep_longest) continue;
      const Place p = place_of(signs, bases, by_root[b].second);
      const uint32_t len = signs[p.shard].text_bytes(p.record);
      if (b == a || len > best) {
        best = len;
        rep = by_root[b].second;
      }
    }
    for (size_t k = a; k < b; ++k) members.push_back(ClusterMember{by_root[k].second, rep, b - a});
    reps.push_back(rep);
    ++st.clusters;
    st.clustered += b - a;
    a = b;
  }
  std::vector<std::pair<uint64_t, uint64_t>>().swap(by_root);
  std::sort(members.begin(), members.end(),
            [](const ClusterMember& x, const ClusterMember& y) { return x.record < y.record; });
  std::sort(reps.begin(), reps.end());

  std::vector<ClusterRep> rep_table;
  std::string ids;
  const bool with_ids = (signs.front().field(kSignFlags) & 2) != 0;  // the same in every file (check_sign_set)
  if (with_ids != (o.jsonl && !o.id_field.empty())) {
    return data_error(signs.front().path() + ": corrupt (ids " + (with_ids ? "held" : "missing") + ")");
  }
  for (uint64_t r : reps) {
    const Place p = place_of(signs, bases, r);
    if (with_ids) ids += signs[p.shard].id(p.record);
    rep_table.push_back(ClusterRep{r, p.input, p.line, ids.size()});
  }
  fields[kClClusters] = st.clusters;
  fields[kClClustered] = st.clustered;
  BITMILL_ASSIGN_OR_RETURN(std::unique_ptr<WorkFileWriter> out,
                           WorkFileWriter::open(st.file, std::string_view(kClustersMagic, 8), kNearWorkVersion));
  BITMILL_RETURN_IF_ERROR(out->begin_section(kClMembers));
  BITMILL_RETURN_IF_ERROR(out->write(members.data(), members.size() * sizeof(ClusterMember)));
  BITMILL_RETURN_IF_ERROR(out->begin_section(kClReps));
  BITMILL_RETURN_IF_ERROR(out->write(rep_table.data(), rep_table.size() * sizeof(ClusterRep)));
  BITMILL_RETURN_IF_ERROR(out->begin_section(kClIds));
  BITMILL_RETURN_IF_ERROR(out->write(ids.data(), ids.size()));
  BITMILL_RETURN_IF_ERROR(out->begin_section(kClBases));
  BITMILL_RETURN_IF_ERROR(out->write(bases.data(), bases.size() * 8));
  BITMILL_RETURN_IF_ERROR(out->commit(fields));
  return st;
}

}  // namespace bitmill::dedup
