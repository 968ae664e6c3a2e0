// Phase 4 of sharded near dedup (near_work.h): one input shard's outputs, from clusters.bin.
#include <fmt/format.h>

#include <algorithm>

#include "bitmill/dedup/near_work.h"
#include "dedup/near_clusters_file.h"
#include "dedup/near_record.h"
#include "dedup/near_sign_file.h"

namespace bitmill::dedup {
namespace {

using namespace detail;

class Applier {
 public:
  Applier(const WorkFile& cl, const std::vector<std::string>& paths, OutputStream& kept, OutputStream* removed,
          OutputStream* clusters, const NearOptions& o)
      : paths_(paths),
        kept_(kept),
        removed_(removed),
        clusters_(clusters),
        opts_(o),
        reader_(o),
        members_(cl.array<ClusterMember>(kClMembers)),
        n_members_(cl.section(kClMembers).size() / sizeof(ClusterMember)),
        reps_(cl.array<ClusterRep>(kClReps)),
        n_reps_(cl.section(kClReps).size() / sizeof(ClusterRep)),
        ids_(cl.section(kClIds)),
        path_(cl.path()) {}

  // Writes the records of `inputs` (the files from `first_file` on), whose first has global
  // ordinal `base`.
  Status run(InputSet& inputs, size_t first_file, uint64_t base, NearPhaseStats& st) {
    next_ = static_cast<size_t>(std::lower_bound(members_, members_ + n_members_, base,
                                                 [](const ClusterMember& m, uint64_t v) { return m.record < v; }) -
                                members_);
    LineBlock b;
    uint64_t ordinal = base;
    for (;;) {
      BITMILL_ASSIGN_OR_RETURN(bool more, inputs.next_block(b));
      if (!more) break;
      for (size_t i = 0; i < b.size(); ++i, ++ordinal) {
        BITMILL_RETURN_IF_ERROR(record(b, i, first_file, ordinal, st));
      }
      st.bytes += b.data.size();
      if (out_kept_.size() + out_removed_.size() + out_clusters_.size() > (1u << 20)) BITMILL_RETURN_IF_ERROR(flush());
    }
    st.records = ordinal - base;
    return flush();
  }

 private:
  Status record(const LineBlock& b, size_t i, size_t first_file, uint64_t ordinal, NearPhaseStats& st) {
    const std::string_view line = b.line(i);
    if (next_ < n_members_ && members_[next_].record < ordinal) {
      return data_error(path_ + ": does not match the inputs (records out of step)");
    }
    if (next_ >= n_members_ || members_[next_].record != ordinal) {
      ++st.kept;
      out_kept_ += line;
      out_kept_.push_back('\n');
      return Status::ok();
    }
    const ClusterMember& m = members_[next_++];
    std::string_view rep_id;
    if (m.rep != ordinal || clusters_ != nullptr) {
      BITMILL_ASSIGN_OR_RETURN(rep_id, id_of_rep(m.rep));
    }
    if (m.rep == ordinal) {
      ++st.kept;
      out_kept_ += line;
      out_kept_.push_back('\n');
    } else {
      ++st.removed;
      if (removed_ != nullptr) append_removed(line, rep_id, opts_.jsonl, out_removed_);
    }
    if (clusters_ != nullptr) {
      const std::string where = fmt::format("{}:{}", paths_[first_file + b.input], b.numbers[i]);
      std::string own = where;
      if (opts_.jsonl && !opts_.id_field.empty()) {
        std::string_view text;
        BITMILL_RETURN_IF_ERROR(reader_.read(line, where, text, &own));
      }
      out_clusters_ += fmt::format("{}\t{}\t{}\n", own, rep_id, m.size);
    }
    return Status::ok();
  }

  // The id of kept record `rep`: INPUT:LINE, or its --id-field value.
  Expected<std::string_view> id_of_rep(uint64_t rep) {
    if (rep == id_for_) return std::string_view(id_);
    const ClusterRep* end = reps_ + n_reps_;
    const ClusterRep* r =
        std::lower_bound(reps_, end, rep, [](const ClusterRep& x, uint64_t v) { return x.record < v; });
    if (r == end || r->record != rep || r->input >= paths_.size() || r->id_end > ids_.size()) {
      return data_error(path_ + ": corrupt (a kept record without its entry)");
    }
    if (opts_.jsonl && !opts_.id_field.empty()) {
      const uint64_t begin = r == reps_ ? 0 : (r - 1)->id_end;
      if (begin > r->id_end) return data_error(path_ + ": corrupt (ids)");
      id_.assign(ids_.substr(begin, r->id_end - begin));
    } else {
      id_ = fmt::format("{}:{}", paths_[r->input], r->line);
    }
    id_for_ = rep;
    return std::string_view(id_);
  }

  Status flush() {
    BITMILL_RETURN_IF_ERROR(kept_.write(out_kept_));
    if (removed_ != nullptr) BITMILL_RETURN_IF_ERROR(removed_->write(out_removed_));
    if (clusters_ != nullptr) BITMILL_RETURN_IF_ERROR(clusters_->write(out_clusters_));
    out_kept_.clear();
    out_removed_.clear();
    out_clusters_.clear();
    return Status::ok();
  }

  const std::vector<std::string>& paths_;
  OutputStream& kept_;
  OutputStream* removed_;
  OutputStream* clusters_;
  const NearOptions& opts_;
  RecordReader reader_;
  const ClusterMember* members_;
  size_t n_members_;
  const ClusterRep* reps_;
  size_t n_reps_;
  std::string_view ids_;
  std::string path_;
  size_t next_ = 0;
  uint64_t id_for_ = UINT64_MAX;
  std::string id_, out_kept_, out_removed_, out_clusters_;
};

}  // namespace

Expected<NearPhaseStats> near_apply(const std::vector<std::string>& paths, const InputSetOptions& io, const Shard& s,
                                    const std::string& dir, OutputStream& kept, OutputStream* removed,
                                    OutputStream* clusters, const NearOptions& o, Progress* progress) {
  (void)progress;
  BITMILL_RETURN_IF_ERROR(check_near_options(o));
  NearPhaseStats st;
  st.file = near_clusters_path(dir);
  BITMILL_ASSIGN_OR_RETURN(WorkFile cl, WorkFile::open(st.file, std::string_view(kClustersMagic, 8), kNearWorkVersion,
                                                       "bitmill-dedup clusters"));
  const std::string& p = st.file;
  if (cl.field(kClOptions) != options_fingerprint(o, io)) {
    return invalid_argument(
        fmt::format("{}: made with other options than these (give every phase the same options)", p));
  }
  if (cl.field(kClNames) != inputs_fingerprint(paths)) {
    return invalid_argument(
        fmt::format("{}: made from another list of inputs (give every task the same inputs, in the "
                    "same order)",
                    p));
  }
  if (cl.field(kClKeepLongest) != (o.keep_longest ? 1u : 0u)) {
    return invalid_argument(fmt::format("{}: made with --keep {} (rerun --phase cluster with --force to change it)", p,
                                        cl.field(kClKeepLongest) != 0 ? "longest" : "first"));
  }
  if (cl.field(kClSignShards) != s.count) {
    return invalid_argument(
        fmt::format("{}: the job was signed in {} shards, not {}", p, cl.field(kClSignShards), s.count));
  }
  BITMILL_RETURN_IF_ERROR(cl.expect_array(kClBases, s.count + 1, 8, "shard bases"));
  BITMILL_RETURN_IF_ERROR(cl.expect_array(kClMembers, cl.field(kClClustered), sizeof(ClusterMember), "members"));
  BITMILL_RETURN_IF_ERROR(cl.expect_array(kClReps, cl.field(kClClusters), sizeof(ClusterRep), "kept records"));
  const uint64_t* bases = cl.array<uint64_t>(kClBases);
  const uint64_t base = bases[s.index], want = bases[s.index + 1] - base;
  const auto [begin, end] = near_shard_files(paths.size(), s);
  Applier a(cl, paths, kept, removed, clusters, o);
  if (begin < end) {
    InputSetOptions shard_io = io;
    shard_io.shard = Shard{};
    std::vector<std::string> mine(paths.begin() + static_cast<std::ptrdiff_t>(begin),
                                  paths.begin() + static_cast<std::ptrdiff_t>(end));
    BITMILL_ASSIGN_OR_RETURN(std::unique_ptr<InputSet> inputs, InputSet::open(mine, shard_io));
    BITMILL_RETURN_IF_ERROR(a.run(*inputs, begin, base, st));
  }
  if (st.records != want) {
    return data_error(
        fmt::format("the inputs of shard {} hold {} records, {} when they were signed: they changed "
                    "since (rerun every phase with --force)",
                    s.to_string(), st.records, want));
  }
  return st;
}

}  // namespace bitmill::dedup
