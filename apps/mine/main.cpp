// bitmill-mine: margin-based parallel sentence mining (Artetxe & Schwenk 2019), exact k-NN; sharded
// over Slurm array tasks with --work (one k-NN shard per task), then `merge`.
#include <CLI/CLI.hpp>

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <unordered_map>

#include "bitmill/base/log.h"
#include "bitmill/base/progress.h"
#include "bitmill/cli/common.h"
#include "bitmill/index/faiss_index.h"
#include "bitmill/io/embeddings.h"
#include "bitmill/io/output_stream.h"
#include "bitmill/mine/knn.h"
#include "bitmill/mine/knn_shard.h"
#include "bitmill/mine/margin.h"
#include "bitmill/mine/sentences.h"

namespace {

using namespace bitmill;
using Clock = std::chrono::steady_clock;

struct Options {
  cli::CommonOptions common;
  std::string src, tgt, src_emb, tgt_emb;
  std::string output = "-";
  size_t dim = 0;  // raw embeddings only
  std::string emb_dtype = "f32";
  size_t k = 4;
  std::string margin = "ratio";
  std::string retrieval = "max";
  std::optional<float> threshold;
  bool ids = false;
  bool unify = false;
  size_t block = 2048;
  std::string knn_method = "auto";
  // Approximate search over FAISS indexes (bitmill-index) instead of the exact one.
  std::string src_index, tgt_index;
  index::SearchParams search;
  // Sharded mining: the folder of the shard files, for a shard run (--work, with --shard or the
  // Slurm array variables) and for `merge`.
  std::string work;
  bool force = false;
  std::optional<uint64_t> shards;  // merge: the shard count; default: from the file names
};

// One side of the job: its sentences, its embeddings, and (with --unify) the rows mined.
struct Side {
  mine::Sentences text;
  EmbeddingMatrix emb;        // not opened by `merge` unless given
  std::vector<int64_t> rows;  // line numbers of the mined rows; empty = every line
  vectors::RowSet set() const { return vectors::RowSet{&emb, rows.empty() ? nullptr : &rows}; }
  size_t positions() const { return rows.empty() ? text.size() : rows.size(); }
  size_t line_of(int64_t i) const { return rows.empty() ? static_cast<size_t>(i) : static_cast<size_t>(rows[i]); }
};

struct Job {
  Side src, tgt;
};

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

Expected<Side> load_text(const std::string& path, bool unify, const Options& o) {
  Side s;
  BITMILL_ASSIGN_OR_RETURN(InvalidUtf8Policy utf8, cli::parse_invalid_utf8(o.common.invalid_utf8));
  BITMILL_ASSIGN_OR_RETURN(s.text, mine::Sentences::load(path, utf8));
  if (unify) s.rows = s.text.first_occurrences();
  return s;
}

// The embeddings of a side whose text is loaded from `text`: one row per line.
Status open_embeddings(Side& s, const std::string& emb, const std::string& text, const Options& o) {
  std::optional<size_t> dim;
  if (o.dim > 0) dim = o.dim;
  if (!emb.ends_with(".npy") && !dim) {
    return invalid_argument(emb + ": raw embeddings need --dim (or use a .npy file)");
  }
  BITMILL_ASSIGN_OR_RETURN(s.emb,
                           EmbeddingMatrix::open(emb, dim, o.emb_dtype == "f16" ? VecType::kF16 : VecType::kF32));
  if (s.emb.rows() != s.text.size()) {
    return data_error(fmt::format("{} has {} rows but {} has {} lines: one embedding per line is needed", emb,
                                  s.emb.rows(), text, s.text.size()));
  }
  return Status::ok();
}

Expected<Side> load_side(const std::string& text, const std::string& emb, const Options& o, const char* what) {
  if (text.empty() || emb.empty()) {
    return invalid_argument(fmt::format("--{} and --{}-emb are required", what, what));
  }
  BITMILL_ASSIGN_OR_RETURN(Side s, load_text(text, o.unify, o));
  BITMILL_RETURN_IF_ERROR(open_embeddings(s, emb, text, o));
  return s;
}

Expected<Job> load_job(const Options& o, Log& log) {
  Job j;
  BITMILL_ASSIGN_OR_RETURN(j.src, load_side(o.src, o.src_emb, o, "src"));
  BITMILL_ASSIGN_OR_RETURN(j.tgt, load_side(o.tgt, o.tgt_emb, o, "tgt"));
  if (j.src.emb.dim() != j.tgt.emb.dim()) {
    return data_error(
        fmt::format("{} has dimension {} but {} has {}", o.src_emb, j.src.emb.dim(), o.tgt_emb, j.tgt.emb.dim()));
  }
  if (o.unify) {
    log.info("unified: {} distinct of {} source lines, {} of {} target lines", j.src.rows.size(), j.src.text.size(),
             j.tgt.rows.size(), j.tgt.text.size());
  }
  return j;
}

mine::KnnOptions knn_options(const Options& o) {
  mine::KnnOptions ko;
  ko.k = o.k;
  ko.tile = o.block;
  ko.method = o.knn_method == "f32"    ? mine::KnnMethod::kF32
              : o.knn_method == "int8" ? mine::KnnMethod::kInt8
                                       : mine::KnnMethod::kAuto;
  return ko;
}

// Output rows: score<TAB>[src_line<TAB>tgt_line<TAB>]src<TAB>tgt.
class RowWriter {
 public:
  RowWriter(OutputStream& out, const Side& src, const Side& tgt, bool ids)
      : out_(out), src_(src), tgt_(tgt), ids_(ids) {}

  Status put(float score, size_t s_line, size_t t_line) {
    buf_.clear();
    fmt::format_to(std::back_inserter(buf_), "{}\t", score);  // shortest exact form of the f32
    if (ids_) fmt::format_to(std::back_inserter(buf_), "{}\t{}\t", s_line, t_line);
    buf_.append(src_.text.line(s_line));
    buf_.push_back('\t');
    buf_.append(tgt_.text.line(t_line));
    buf_.push_back('\n');
    return out_.write(buf_);
  }

  // Mined pairs, their row positions mapped to lines.
  Status put_pairs(const std::vector<mine::ScoredPair>& pairs) {
    for (const auto& p : pairs) BITMILL_RETURN_IF_ERROR(put(p.score, src_.line_of(p.src), tgt_.line_of(p.tgt)));
    return Status::ok();
  }

 private:
  OutputStream& out_;
  const Side& src_;
  const Side& tgt_;
  bool ids_;
  std::string buf_;
};

void log_summary(Log& log, const Options& o, bool score_mode, size_t written, size_t nx, size_t ny, size_t k,
                 Clock::time_point start) {
  log.info("{}: {} pairs from {} x {} sentences (k = {}, {} margin{}{}) [{}]", score_mode ? "scored" : "mined",
           Progress::format_count(written), Progress::format_count(nx), Progress::format_count(ny), k, o.margin,
           score_mode ? "" : ", " + o.retrieval + " retrieval",
           o.threshold ? fmt::format(", score > {}", *o.threshold) : "",
           Progress::format_duration(seconds_since(start)));
}

Expected<mine::MineOptions> mine_options(const Options& o) {
  mine::MineOptions mo;
  BITMILL_ASSIGN_OR_RETURN(mo.margin, mine::parse_margin(o.margin));
  BITMILL_ASSIGN_OR_RETURN(mo.retrieval, mine::parse_retrieval(o.retrieval));
  mo.threshold = o.threshold;
  return mo;
}

// k-NN both ways over FAISS indexes: the source rows searched in the target index (forward) and the
// target rows in the source index (backward). Each index must hold its side's rows, ids = lines.
Status index_knn(const Options& o, const Side& src, const Side& tgt, vectors::Neighbors& fwd, vectors::Neighbors& bwd,
                 Log& log) {
  const auto start = Clock::now();
  if (o.src_index.empty() || o.tgt_index.empty()) return invalid_argument("--src-index and --tgt-index go together");
  if (o.unify) return invalid_argument("--unify needs the exact search: an index holds every line's row");
  index::set_thread_limit(cli::thread_count(o.common));
  auto search = [&](const std::string& path, const Side& queries, const Side& indexed,
                    vectors::Neighbors& out) -> Status {
    BITMILL_ASSIGN_OR_RETURN(index::FaissIndex idx, index::FaissIndex::load(path));
    // Stored on this loaded copy: FAISS 1.7.3 applies a per-search efSearch only in part.
    BITMILL_RETURN_IF_ERROR(idx.store_params(o.search));
    if (idx.size() != indexed.text.size()) {
      return data_error(
          fmt::format("{} holds {} vectors but its side has {} lines: build it from that side's "
                      "embeddings",
                      path, idx.size(), indexed.text.size()));
    }
    index::SearchStats st;
    BITMILL_RETURN_IF_ERROR(index::search_knn(idx, queries.set(), o.search, o.k, out, &st));
    if (st.short_rows > 0) {
      return data_error(
          fmt::format("{}: {} queries found fewer than {} neighbours; raise --nprobe", path, st.short_rows, out.k));
    }
    return Status::ok();
  };
  BITMILL_RETURN_IF_ERROR(search(o.tgt_index, src, tgt, fwd));
  BITMILL_RETURN_IF_ERROR(search(o.src_index, tgt, src, bwd));
  log.debug("k-NN both ways over {} and {}: {}", o.tgt_index, o.src_index,
            Progress::format_duration(seconds_since(start)));
  return Status::ok();
}

Status run_mine(const Options& o, bool score_mode, Log& log) {
  const auto start = Clock::now();
  BITMILL_ASSIGN_OR_RETURN(mine::MineOptions mo, mine_options(o));
  BITMILL_ASSIGN_OR_RETURN(Job job, load_job(o, log));
  const Side &src = job.src, &tgt = job.tgt;
  if (score_mode && src.text.size() != tgt.text.size()) {
    return data_error(fmt::format("score: {} has {} lines but {} has {}: line i of each is scored as a pair", o.src,
                                  src.text.size(), o.tgt, tgt.text.size()));
  }
  BITMILL_ASSIGN_OR_RETURN(auto out, OutputStream::open(o.output));

  vectors::Neighbors fwd, bwd;
  if (!o.src_index.empty()) {
    BITMILL_RETURN_IF_ERROR(index_knn(o, src, tgt, fwd, bwd, log));
  } else {
    mine::KnnStats stats;
    BITMILL_RETURN_IF_ERROR(mine::knn_both(src.set(), tgt.set(), knn_options(o), fwd, bwd, &stats));
    log.debug("k-NN both ways ({} search{}): {} x {} rows, dimension {}, k = {}: {}",
              mine::knn_method_name(stats.method),
              stats.method == mine::KnnMethod::kInt8 ? fmt::format(", {} pairs scored in f32", stats.scored) : "",
              src.set().size(), tgt.set().size(), src.emb.dim(), o.k, Progress::format_duration(seconds_since(start)));
  }

  RowWriter rows(*out, src, tgt, o.ids);
  size_t written = 0;
  if (score_mode) {
    // LASER's --mode score: line i with line i, its neighbourhoods from the full k-NN lists. With
    // --unify a line is scored through its first occurrence's row.
    std::vector<int64_t> pos_s(src.text.size()), pos_t(tgt.text.size());
    auto positions = [](const Side& s, std::vector<int64_t>& pos) {
      if (s.rows.empty()) {
        for (size_t i = 0; i < pos.size(); ++i) pos[i] = static_cast<int64_t>(i);
        return;
      }
      std::unordered_map<std::string_view, int64_t> first;
      for (size_t r = 0; r < s.rows.size(); ++r) first.emplace(s.text.line(static_cast<size_t>(s.rows[r])), r);
      for (size_t i = 0; i < pos.size(); ++i) pos[i] = first.at(s.text.line(i));
    };
    positions(src, pos_s);
    positions(tgt, pos_t);
    for (size_t i = 0; i < src.text.size(); ++i) {
      const auto a = static_cast<size_t>(pos_s[i]), b = static_cast<size_t>(pos_t[i]);
      const float sim = mine::similarity(src.set(), a, tgt.set(), b, true);
      const float score = mine::margin_score(mo.margin, sim, fwd.mean(a), bwd.mean(b));
      if (o.threshold && !(score > *o.threshold)) continue;
      BITMILL_RETURN_IF_ERROR(rows.put(score, i, i));
      ++written;
    }
  } else {
    const std::vector<mine::ScoredPair> pairs = mine::mine_pairs(fwd, bwd, mo);
    BITMILL_RETURN_IF_ERROR(rows.put_pairs(pairs));
    written = pairs.size();
  }
  BITMILL_RETURN_IF_ERROR(commit_all({out.get()}));
  log_summary(log, o, score_mode, written, src.set().size(), tgt.set().size(), o.k, start);
  return Status::ok();
}

Status check_work_dir(const std::string& dir) {
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) return Status::ok();
  if (std::filesystem::exists(dir, ec)) return invalid_argument(dir + ": not a directory (--work)");
  return not_found(dir + ": no such directory (--work); create it first");
}

// What the lists of this job depend on (see knn_shard.h).
mine::KnnShardInputs shard_inputs(const Job& j, const Options& o) {
  mine::KnnShardInputs in;
  in.src_text = mine::text_fingerprint(j.src.text);
  in.tgt_text = mine::text_fingerprint(j.tgt.text);
  in.src_emb = mine::embedding_fingerprint(j.src.emb);
  in.tgt_emb = mine::embedding_fingerprint(j.tgt.emb);
  in.src_lines = j.src.text.size();
  in.tgt_lines = j.tgt.text.size();
  in.src_positions = j.src.positions();
  in.tgt_positions = j.tgt.positions();
  in.dim = j.src.emb.dim();
  in.k = o.k;
  in.unify = o.unify;
  const mine::KnnOptions ko = knn_options(o);
  in.normalize = ko.normalize;
  in.method = mine::resolve(ko.method);
  return in;
}

// Sharded mining, one array task: this shard's k-NN lists into WORK/knn.I-of-N.bin, unless a
// complete file of the same job is there already.
Status run_shard(const Options& o, const CLI::App& app, Log& log) {
  const auto start = Clock::now();
  for (const char* opt : {"--output", "--margin", "--retrieval", "--threshold", "--ids"}) {
    if (app.count(opt) > 0) {
      return invalid_argument(std::string(opt) + " belongs to 'bitmill-mine merge' (--work writes neighbour lists)");
    }
  }
  BITMILL_ASSIGN_OR_RETURN(Shard shard, cli::shard(o.common));
  BITMILL_RETURN_IF_ERROR(check_work_dir(o.work));
  BITMILL_ASSIGN_OR_RETURN(Job job, load_job(o, log));
  const mine::KnnShardInputs in = shard_inputs(job, o);
  const std::string path = mine::knn_shard_path(o.work, shard);
  std::error_code ec;
  if (!o.force && std::filesystem::exists(path, ec)) {
    auto h = mine::read_knn_shard_header(path);
    if (!h) return Status(h.status().code(), h.status().message() + "; --force recomputes the shard");
    const std::string diff = mine::describe_difference(h->inputs, in);
    if (!diff.empty()) {
      return data_error(path + ": does not match this run: computed " + diff + "; --force recomputes the shard");
    }
    log.info("shard {} already done: {}", shard.to_string(), path);
    return Status::ok();
  }
  vectors::Neighbors fwd, bwd;
  BITMILL_RETURN_IF_ERROR(mine::knn_shard(job.src.set(), job.tgt.set(), knn_options(o), shard, fwd, bwd));
  BITMILL_RETURN_IF_ERROR(mine::write_knn_shard(path, shard, in, fwd, bwd));
  log.info("shard {}: {} of {} source rows x {} target rows (k = {}): {} [{}]", shard.to_string(),
           Progress::format_count(fwd.rows), Progress::format_count(in.src_positions),
           Progress::format_count(in.tgt_positions), o.k, path, Progress::format_duration(seconds_since(start)));
  return Status::ok();
}

// Sharded mining, last step: the shards' lists merged, then mined as without shards.
Status run_merge(const Options& o, Log& log) {
  const auto start = Clock::now();
  if (o.src.empty() || o.tgt.empty()) return invalid_argument("merge: --src and --tgt are required");
  BITMILL_ASSIGN_OR_RETURN(mine::MineOptions mo, mine_options(o));
  BITMILL_RETURN_IF_ERROR(check_work_dir(o.work));
  BITMILL_ASSIGN_OR_RETURN(mine::KnnShardSet shards, mine::KnnShardSet::open(o.work, o.shards));
  const mine::KnnShardInputs& in = shards.inputs();
  BITMILL_ASSIGN_OR_RETURN(Side src, load_text(o.src, in.unify, o));
  BITMILL_ASSIGN_OR_RETURN(Side tgt, load_text(o.tgt, in.unify, o));
  // The shards must come from these sentences (and these embeddings, when given: without them,
  // what the shards say of the embeddings is taken on trust).
  mine::KnnShardInputs now = in;
  now.src_text = mine::text_fingerprint(src.text);
  now.tgt_text = mine::text_fingerprint(tgt.text);
  now.src_lines = src.text.size();
  now.tgt_lines = tgt.text.size();
  now.src_positions = src.positions();
  now.tgt_positions = tgt.positions();
  if (!o.src_emb.empty()) {
    BITMILL_RETURN_IF_ERROR(open_embeddings(src, o.src_emb, o.src, o));
    now.src_emb = mine::embedding_fingerprint(src.emb);
    now.dim = src.emb.dim();
  }
  if (!o.tgt_emb.empty()) {
    BITMILL_RETURN_IF_ERROR(open_embeddings(tgt, o.tgt_emb, o.tgt, o));
    now.tgt_emb = mine::embedding_fingerprint(tgt.emb);
    now.dim = tgt.emb.dim();
  }
  const std::string diff = mine::describe_difference(in, now);
  if (!diff.empty()) return data_error(shards.path(0) + ": does not match this merge: computed " + diff);
  BITMILL_ASSIGN_OR_RETURN(auto out, OutputStream::open(o.output));

  vectors::Neighbors fwd, bwd;
  BITMILL_RETURN_IF_ERROR(shards.merge(fwd, bwd));
  log.debug("merged {} shards of {} x {} rows (k = {}{}): {}", shards.count(), in.src_positions, in.tgt_positions, in.k,
            in.unify ? ", unified" : "", Progress::format_duration(seconds_since(start)));
  const std::vector<mine::ScoredPair> pairs = mine::mine_pairs(fwd, bwd, mo);
  RowWriter rows(*out, src, tgt, o.ids);
  BITMILL_RETURN_IF_ERROR(rows.put_pairs(pairs));
  BITMILL_RETURN_IF_ERROR(commit_all({out.get()}));
  log_summary(log, o, false, pairs.size(), in.src_positions, in.tgt_positions, in.k, start);
  return Status::ok();
}

enum class Command { kMine, kScore, kMerge };

void add_job_options(CLI::App& app, Options& o, Command cmd) {
  const bool merge = cmd == Command::kMerge;
  app.add_option("--src", o.src, "Source sentences, one per line (.txt, .gz, .zst)")
      ->type_name("SRC.txt")
      ->group("Input");
  app.add_option("--tgt", o.tgt, "Target sentences, one per line")->type_name("TGT.txt")->group("Input");
  app.add_option("--src-emb", o.src_emb,
                 merge ? "Source embeddings, optional: checked against the shards' record of them"
                       : "Source embeddings: .npy (f32/f16), else raw rows with --dim")
      ->type_name("SRC.npy")
      ->group("Input");
  app.add_option("--tgt-emb", o.tgt_emb, merge ? "Target embeddings, optional" : "Target embeddings")
      ->type_name("TGT.npy")
      ->group("Input");
  app.add_option("--dim", o.dim, "Dimension of raw (headerless) embedding files")->type_name("D")->group("Input");
  cli::one_of(app.add_option("--emb-dtype", o.emb_dtype, "Element type of raw embedding files"), {"f32", "f16"})
      ->default_val("f32")
      ->group("Input");
  app.add_option("-o,--output", o.output, "Output TSV: score<TAB>src<TAB>tgt (default: stdout)")->type_name("OUT.tsv");
  if (!merge) {
    app.add_option("-k", o.k, "Neighbours in each direction")
        ->type_name("N")
        ->default_val(4)
        ->check(CLI::Range(size_t{1}, size_t{1024}))
        ->group("Mining");
  }
  cli::one_of(app.add_option("--margin", o.margin, "Margin: ratio a/b, distance a-b, absolute a"),
              {"ratio", "distance", "absolute"})
      ->default_val("ratio")
      ->group("Mining");
  if (cmd != Command::kScore) {
    cli::one_of(app.add_option("--retrieval", o.retrieval, "Pairs kept: max (one-to-one), fwd, bwd or intersect"),
                {"max", "fwd", "bwd", "intersect"})
        ->default_val("max")
        ->group("Mining");
  }
  app.add_option("--threshold", o.threshold, "Keep pairs whose score is strictly above T (every mode)")
      ->type_name("T")
      ->group("Mining");
  app.add_flag("--ids", o.ids, "Add 0-based source and target line numbers: score, src_line, tgt_line, src, tgt")
      ->group("Output");
  if (!merge) {
    app.add_flag("--unify", o.unify, "Mine each distinct sentence once (its first line's embedding)")->group("Mining");
    app.add_option("--block", o.block, "Rows per tile of the exact search (memory per thread ~ 3 x N x dim x 4 bytes)")
        ->type_name("N")
        ->default_val(2048)
        ->check(CLI::Range(size_t{16}, size_t{1} << 20))
        ->group("Performance");
    app.add_option("--src-index", o.src_index,
                   "Search FAISS indexes (bitmill-index) instead of exactly: the source side's index")
        ->type_name("SRC.faiss")
        ->group("Approximate search");
    app.add_option("--tgt-index", o.tgt_index, "The target side's index")
        ->type_name("TGT.faiss")
        ->group("Approximate search");
    app.add_option("--nprobe", o.search.nprobe, "IVF lists visited per query (default: stored in the index)")
        ->type_name("N")
        ->group("Approximate search");
    app.add_option("--ef-search", o.search.ef_search, "HNSW candidate list size (default: stored in the index)")
        ->type_name("N")
        ->group("Approximate search");
    cli::one_of(app.add_option("--knn-method", o.knn_method,
                               "Exact search: int8 pre-filter then f32 scores (auto with AVX-512 VNNI), or f32 GEMM"),
                {"auto", "f32", "int8"})
        ->default_val("auto")
        ->group("Performance");
  }
  if (cmd == Command::kMine) {
    app.add_option("--work", o.work,
                   "Sharded mining: write this shard's k-NN lists to DIR/knn.I-of-N.bin instead of mining "
                   "(then 'merge')")
        ->type_name("DIR")
        ->group("Sharding");
    app.add_option("--shard", o.common.shard,
                   "With --work: source shard I of N (0-based), e.g. 3/16; default: from SLURM_ARRAY_TASK_ID and "
                   "SLURM_ARRAY_TASK_COUNT when set, else 0/1")
        ->type_name("I/N")
        ->group("Sharding");
    app.add_flag("--force", o.force, "With --work: recompute the shard even if its file is there")->group("Sharding");
  }
  if (merge) {
    app.add_option("--work", o.work, "Folder of the shard files (knn.I-of-N.bin)")
        ->type_name("DIR")
        ->required()
        ->group("Sharding");
    app.add_option("--shards", o.shards, "Number of shards (default: from the file names in --work)")
        ->type_name("N")
        ->check(CLI::PositiveNumber)
        ->group("Sharding");
  }
  cli::add_utf8_option(app, o.common);
  cli::add_thread_option(app, o.common);
  cli::add_log_options(app, o.common);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  Log log("bitmill-mine");
  CLI::App app;
  cli::setup_app(app, "bitmill-mine",
                 "Mine parallel sentences from two monolingual sides with margin scoring over exact k nearest\n"
                 "neighbours both ways (Artetxe & Schwenk 2019; LASER's mine_bitexts.py definitions).\n"
                 "Output rows are sorted by score, best first. Sharded (Slurm arrays): each task runs with\n"
                 "--work DIR [--shard I/N], then 'merge' mines from the shards as without them.");
  add_job_options(app, o, Command::kMine);
  CLI::App* score = app.add_subcommand("score", "Margin scores of given pairs: line i of --src with line i of --tgt");
  add_job_options(*score, o, Command::kScore);
  CLI::App* merge =
      app.add_subcommand("merge", "Sharded mining, last step: merge the k-NN shards in --work, then mine as without");
  add_job_options(*merge, o, Command::kMerge);
  app.require_subcommand(0, 1);
  return cli::run(app, argc, argv, log, o.common, [&]() -> Status {
    if (merge->parsed()) return run_merge(o, log);
    if (!o.work.empty() && !score->parsed()) return run_shard(o, app, log);
    if (score->parsed() && !o.work.empty()) return invalid_argument("score: --work is for mining, not scoring");
    if (!o.common.shard.empty() || o.force) return invalid_argument("--shard and --force need --work DIR");
    return run_mine(o, score->parsed(), log);
  });
}
