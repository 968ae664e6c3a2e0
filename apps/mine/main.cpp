// bitmill-mine: margin-based parallel sentence mining (Artetxe & Schwenk 2019), exact k-NN; sharded
// over Slurm array tasks with --work (one k-NN shard per task), then `merge`.
#include <CLI/CLI.hpp>

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <optional>

#include "bitmill/base/log.h"
#include "bitmill/base/progress.h"
#include "bitmill/base/summary.h"
#include "bitmill/cli/checks.h"
#include "bitmill/cli/common.h"
#include "bitmill/cli/embedding_options.h"
#include "bitmill/cli/k_option.h"
#include "bitmill/cli/stopwatch.h"
#include "bitmill/cli/tool.h"
#include "bitmill/encoder/model_location.h"
#include "bitmill/index/search_both.h"
#include "bitmill/io/output_stream.h"
#include "bitmill/mine/default_threshold.h"
#include "bitmill/mine/job.h"
#include "bitmill/mine/job_shards.h"
#include "bitmill/mine/pair_writer.h"

namespace {

using namespace bitmill;

struct Options {
  cli::CommonOptions common;
  mine::JobFiles files;
  cli::EmbeddingOptions emb;
  std::string output = "-";
  size_t k = cli::kDefaultK;
  std::string margin = "ratio", retrieval = "max";
  std::string threshold;  // a number, "none", or empty: the model's calibrated threshold (see resolve_threshold)
  std::string model;      // whose calibration applies; empty: $BITMILL_MODEL, else the bundled default
  std::string src_lang, tgt_lang;  // for a threshold calibrated for the language pair; both or neither
  bool ids = false, unify = false;
  size_t block = 2048;
  std::string knn_method = "auto";
  // Approximate search over FAISS indexes (bitmill-index) instead of the exact one.
  index::IndexPair indexes;
  index::SearchParams search;
  // Sharded mining: the folder of the shard files, for a shard run (--work, with --shard or the
  // Slurm array variables) and for `merge`.
  std::string work;
  bool force = false;
  std::optional<uint64_t> shards;  // merge: the shard count; default: from the file names
};

mine::KnnOptions knn_options(const Options& o) {
  return mine::KnnOptions{o.k, o.block, true, mine::parse_knn_method(o.knn_method)};
}

Expected<mine::MineOptions> mine_options(const Options& o, std::optional<float> threshold) {
  return mine::parse_mine_options(o.margin, o.retrieval, threshold);
}

// The model directory whose calibration applies: --model, else $BITMILL_MODEL, else the bundled
// default ("the default model" in the log, whose path depends on the installation); none when there
// is none. A directory named (by --model or the variable) must exist.
struct CalibrationModel {
  std::string dir, name;
};
Expected<CalibrationModel> calibration_model(const Options& o) {
  const char* env = std::getenv("BITMILL_MODEL");
  const bool named = !o.model.empty() || (env != nullptr && *env != '\0');
  auto dir = encoder::find_model_dir(o.model, [](const char* name) { return std::getenv(name); });
  if (!dir.has_value()) return CalibrationModel{};
  std::error_code ec;
  if (!std::filesystem::is_directory(*dir, ec)) return not_found(*dir + ": model directory not found");
  return CalibrationModel{*dir, named ? *dir : std::string("the default model")};
}

// --threshold as given, or (mining, not scoring) the model's calibrated threshold when it applies to
// this run's setting; the choice is logged.
Expected<std::optional<float>> resolve_threshold(const Options& o, bool score_mode, size_t k, size_t dim, Log& log) {
  BITMILL_ASSIGN_OR_RETURN(mine::ThresholdArg arg, mine::parse_threshold_arg(o.threshold));
  BITMILL_ASSIGN_OR_RETURN(std::string lang_pair, mine::lang_pair_key(o.src_lang, o.tgt_lang));
  if (arg.given || score_mode) return arg.value;
  BITMILL_ASSIGN_OR_RETURN(CalibrationModel m, calibration_model(o));
  std::optional<model::MiningCalibration> cal;
  if (!m.dir.empty()) {
    BITMILL_ASSIGN_OR_RETURN(cal, model::read_mining_calibration(m.dir));
  }
  mine::ThresholdChoice c =
      mine::choose_threshold(arg, cal, m.name, mine::MiningSetting{o.margin, o.retrieval, k, dim, lang_pair});
  log.info("{}", c.note);
  return c.threshold;
}

mine::EmbeddingOpener embedding_opener(const Options& o) {
  return [&o](const std::string& path) { return cli::open_embedding_matrix(path, o.emb); };
}

Expected<mine::Job> load_job(const Options& o, Log& log) {
  BITMILL_ASSIGN_OR_RETURN(InvalidUtf8Policy utf8, cli::parse_invalid_utf8(o.common.invalid_utf8));
  BITMILL_ASSIGN_OR_RETURN(mine::Job j, mine::load_job(o.files, o.unify, utf8, embedding_opener(o)));
  if (o.unify) {
    log.info("unified: {} distinct of {} source lines, {} of {} target lines", j.src.rows.size(), j.src.text.size(),
             j.tgt.rows.size(), j.tgt.text.size());
  }
  return j;
}

void log_summary(Log& log, const Options& o, bool score_mode, size_t written, size_t nx, size_t ny, size_t k,
                 std::optional<float> threshold, const cli::Stopwatch& sw) {
  log.info("{}{}", mine::mining_summary(score_mode, written, nx, ny, k, o.margin, o.retrieval, threshold),
           time_suffix(sw.seconds()));
}

// The search options name one search: the approximate one (both indexes, its parameters), or the
// exact one (its tile and method). Options of the other are refused rather than ignored.
Status check_search_options(const Options& o, const CLI::App& app) {
  const bool src = !o.indexes.src.empty(), tgt = !o.indexes.tgt.empty();
  if (src != tgt) return invalid_argument("--src-index and --tgt-index go together");
  for (const char* opt : src ? std::vector<const char*>{"--block", "--knn-method"}
                             : std::vector<const char*>{"--nprobe", "--ef-search"}) {
    if (app.count(opt) == 0) continue;
    return invalid_argument(src ? fmt::format("{} applies to the exact search, not to --src-index/--tgt-index", opt)
                                : fmt::format("{} applies to --src-index/--tgt-index (approximate search)", opt));
  }
  return Status::ok();
}

// k-NN both ways: over the FAISS indexes given, else exactly.
Status search_both(const Options& o, const mine::Job& job, const cli::Stopwatch& sw, vectors::Neighbors& fwd,
                   vectors::Neighbors& bwd, Log& log) {
  if (!o.indexes.src.empty()) {
    const cli::Stopwatch isw;
    if (o.unify) return invalid_argument("--unify needs the exact search: an index holds every line's row");
    index::set_thread_limit(cli::thread_count(o.common));
    BITMILL_RETURN_IF_ERROR(index::search_both(o.indexes, job.src.set(), job.tgt.set(), o.search, o.k, fwd, bwd));
    log.debug("k-NN both ways over {} and {}: {}", o.indexes.tgt, o.indexes.src, isw.elapsed());
    return Status::ok();
  }
  mine::KnnStats stats;
  BITMILL_RETURN_IF_ERROR(mine::knn_both(job.src.set(), job.tgt.set(), knn_options(o), fwd, bwd, &stats));
  log.debug("k-NN both ways ({} search{}): {} x {} rows, dimension {}, k = {}: {}", mine::knn_method_name(stats.method),
            stats.method == mine::KnnMethod::kInt8 ? fmt::format(", {} pairs scored in f32", stats.scored) : "",
            job.src.set().size(), job.tgt.set().size(), job.src.emb->dim(), o.k, sw.elapsed());
  return Status::ok();
}

Status run_mine(const Options& o, const CLI::App& app, bool score_mode, Log& log) {
  const cli::Stopwatch sw;
  BITMILL_RETURN_IF_ERROR(check_search_options(o, app));
  BITMILL_RETURN_IF_ERROR(mine_options(o, std::nullopt).status());  // option errors before any file is read
  BITMILL_ASSIGN_OR_RETURN(mine::Job job, load_job(o, log));
  if (score_mode) BITMILL_RETURN_IF_ERROR(mine::check_aligned(job));
  BITMILL_ASSIGN_OR_RETURN(std::optional<float> threshold,
                           resolve_threshold(o, score_mode, o.k, job.src.emb->dim(), log));
  BITMILL_ASSIGN_OR_RETURN(mine::MineOptions mo, mine_options(o, threshold));
  BITMILL_ASSIGN_OR_RETURN(auto out, OutputStream::open(o.output));
  vectors::Neighbors fwd, bwd;
  BITMILL_RETURN_IF_ERROR(search_both(o, job, sw, fwd, bwd, log));
  // LASER's --mode score: line i with line i, its neighbourhoods from the full k-NN lists.
  BITMILL_ASSIGN_OR_RETURN(size_t written, score_mode ? mine::write_aligned_scores(*out, job, o.ids, fwd, bwd, mo)
                                                      : mine::write_mined_pairs(*out, job, o.ids, fwd, bwd, mo));
  BITMILL_RETURN_IF_ERROR(commit_all({out.get()}));
  log_summary(log, o, score_mode, written, job.src.set().size(), job.tgt.set().size(), o.k, threshold, sw);
  return Status::ok();
}

// Sharded mining, one array task: this shard's k-NN lists into WORK/knn.I-of-N.bin, unless a
// complete file of the same job is there already.
Status run_shard(const Options& o, const CLI::App& app, Log& log) {
  const cli::Stopwatch sw;
  for (const char* opt :
       {"--output", "--margin", "--retrieval", "--threshold", "--model", "--src-lang", "--tgt-lang", "--ids"}) {
    if (app.count(opt) > 0) {
      return invalid_argument(std::string(opt) + " belongs to 'bitmill-mine merge' (--work writes neighbour lists)");
    }
  }
  for (const char* opt : {"--src-index", "--tgt-index", "--nprobe", "--ef-search"}) {
    if (app.count(opt) > 0) return invalid_argument(std::string(opt) + ": --work shards the exact search only");
  }
  BITMILL_ASSIGN_OR_RETURN(Shard shard, cli::shard(o.common));
  BITMILL_RETURN_IF_ERROR(mine::check_work_dir(o.work));
  BITMILL_ASSIGN_OR_RETURN(mine::Job job, load_job(o, log));
  BITMILL_ASSIGN_OR_RETURN(mine::ShardRun r, mine::run_knn_shard(job, knn_options(o), o.unify, shard, o.work, o.force));
  if (r.reused) {
    log.info("shard {} already done: {}", shard.to_string(), r.path);
  } else {
    log.info("shard {}: {} of {} source rows x {} target rows (k = {}): {}{}", shard.to_string(),
             Progress::format_count(r.rows), Progress::format_count(r.inputs.src_positions),
             Progress::format_count(r.inputs.tgt_positions), o.k, r.path, time_suffix(sw.seconds()));
  }
  return Status::ok();
}

// Sharded mining, last step: the shards' lists merged, then mined as without shards.
Status run_merge(const Options& o, Log& log) {
  const cli::Stopwatch sw;
  if (o.files.src.empty() || o.files.tgt.empty()) return invalid_argument("merge: --src and --tgt are required");
  BITMILL_RETURN_IF_ERROR(mine_options(o, std::nullopt).status());
  BITMILL_RETURN_IF_ERROR(mine::check_work_dir(o.work));
  BITMILL_ASSIGN_OR_RETURN(mine::KnnShardSet shards, mine::KnnShardSet::open(o.work, o.shards));
  const mine::KnnShardInputs& in = shards.inputs();
  BITMILL_ASSIGN_OR_RETURN(InvalidUtf8Policy utf8, cli::parse_invalid_utf8(o.common.invalid_utf8));
  // The shards must come from these sentences (and these embeddings, when given: without them,
  // what the shards say of the embeddings is taken on trust), mined as the shards were (--unify).
  BITMILL_ASSIGN_OR_RETURN(mine::Job job, mine::load_merge_job(o.files, in.unify, utf8, embedding_opener(o)));
  BITMILL_RETURN_IF_ERROR(mine::check_merge(shards, mine::knn_inputs(job, in)));
  BITMILL_ASSIGN_OR_RETURN(std::optional<float> threshold, resolve_threshold(o, false, in.k, in.dim, log));
  BITMILL_ASSIGN_OR_RETURN(mine::MineOptions mo, mine_options(o, threshold));
  BITMILL_ASSIGN_OR_RETURN(auto out, OutputStream::open(o.output));
  vectors::Neighbors fwd, bwd;
  BITMILL_RETURN_IF_ERROR(shards.merge(fwd, bwd));
  log.debug("merged {} shards of {} x {} rows (k = {}{}): {}", shards.count(), in.src_positions, in.tgt_positions, in.k,
            in.unify ? ", unified" : "", sw.elapsed());
  BITMILL_ASSIGN_OR_RETURN(size_t written, mine::write_mined_pairs(*out, job, o.ids, fwd, bwd, mo));
  BITMILL_RETURN_IF_ERROR(commit_all({out.get()}));
  log_summary(log, o, false, written, in.src_positions, in.tgt_positions, in.k, threshold, sw);
  return Status::ok();
}

enum class Command { kMine, kScore, kMerge };

void add_input_options(CLI::App& app, Options& o, bool merge) {
  app.add_option("--src", o.files.src, "Source sentences, one per line (.txt, .gz, .zst)")
      ->type_name("SRC.txt")
      ->group("Input");
  app.add_option("--tgt", o.files.tgt, "Target sentences, one per line")->type_name("TGT.txt")->group("Input");
  app.add_option("--src-emb", o.files.src_emb,
                 merge ? "Source embeddings, optional: checked against the shards' record of them"
                       : "Source embeddings: .npy (f32/f16), else raw rows with --dim")
      ->type_name("SRC.npy")
      ->group("Input");
  app.add_option("--tgt-emb", o.files.tgt_emb, merge ? "Target embeddings, optional" : "Target embeddings")
      ->type_name("TGT.npy")
      ->group("Input");
  cli::add_embedding_options(app, o.emb);
  app.add_option("-o,--output", o.output, "Output TSV: score<TAB>src<TAB>tgt (default: stdout)")->type_name("OUT.tsv");
}

void add_search_options(CLI::App& app, Options& o) {
  app.add_flag("--unify", o.unify, "Mine each distinct sentence once (its first line's embedding)")->group("Mining");
  app.add_option("--block", o.block, "Rows per tile of the exact search (memory per thread ~ 3 x N x dim x 4 bytes)")
      ->type_name("N")
      ->default_val(2048)
      ->check(cli::count_in(16, cli::kMaxCount))
      ->group("Performance");
  app.add_option("--src-index", o.indexes.src,
                 "Search FAISS indexes (bitmill-index) instead of exactly: the source side's index")
      ->type_name("SRC.faiss")
      ->group("Approximate search");
  app.add_option("--tgt-index", o.indexes.tgt, "The target side's index")
      ->type_name("TGT.faiss")
      ->group("Approximate search");
  app.add_option("--nprobe", o.search.nprobe, "IVF lists visited per query (default: stored in the index)")
      ->type_name("N")
      ->check(cli::count_in(1, cli::kMaxCount))
      ->group("Approximate search");
  app.add_option("--ef-search", o.search.ef_search, "HNSW candidate list size (default: stored in the index)")
      ->type_name("N")
      ->check(cli::count_in(1, cli::kMaxCount))
      ->group("Approximate search");
  cli::one_of(app.add_option("--knn-method", o.knn_method,
                             "Exact search: int8 pre-filter then f32 scores (auto with AVX-512 VNNI), or f32 GEMM"),
              {"auto", "f32", "int8"})
      ->default_val("auto")
      ->group("Performance");
}

void add_sharding_options(CLI::App& app, Options& o, bool merge) {
  if (merge) {
    app.add_option("--work", o.work, "Folder of the shard files (knn.I-of-N.bin)")
        ->type_name("DIR")
        ->required()
        ->group("Sharding");
    app.add_option("--shards", o.shards, "Number of shards (default: from the file names in --work)")
        ->type_name("N")
        ->check(cli::count_in(1, kMaxShardCount))
        ->group("Sharding");
    return;
  }
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

void add_job_options(cli::Tool& tool, CLI::App& app, Options& o, Command cmd) {
  const bool merge = cmd == Command::kMerge;
  add_input_options(app, o, merge);
  if (!merge) cli::add_k_option(app, o.k, "Neighbours in each direction")->group("Mining");
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
  if (cmd == Command::kScore) {
    app.add_option("--threshold", o.threshold, "Keep pairs whose score is strictly above T (default: every pair)")
        ->type_name("T")
        ->check(cli::a_number())
        ->group("Mining");
  } else {
    app.add_option("--threshold", o.threshold,
                   "Keep pairs whose score is strictly above T (every retrieval); none keeps every pair. Default: "
                   "the calibrated threshold of --model, when it was calibrated for this margin, k and retrieval")
        ->type_name("T|none")
        ->check(cli::a_number_or("none"))
        ->group("Mining");
    app.add_option("--model", o.model,
                   "Model that made the embeddings, for its calibrated threshold (DIR/bitmill.json); default: "
                   "$BITMILL_MODEL, else the bundled default model")
        ->type_name("DIR")
        ->group("Mining");
    app.add_option("--src-lang", o.src_lang,
                   "Language of --src (ISO 639-3), with --tgt-lang: the default threshold is then the one the model "
                   "calibrated for this language pair, where it has one")
        ->type_name("L")
        ->group("Mining");
    app.add_option("--tgt-lang", o.tgt_lang, "Language of --tgt (ISO 639-3), with --src-lang")
        ->type_name("L")
        ->group("Mining");
  }
  app.add_flag("--ids", o.ids, "Add 0-based source and target line numbers: score, src_line, tgt_line, src, tgt")
      ->group("Output");
  if (!merge) add_search_options(app, o);
  if (cmd != Command::kScore) add_sharding_options(app, o, merge);
  tool.add_shared(app, cli::kUtf8 | cli::kThreads | cli::kLogging);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  cli::Tool tool("bitmill-mine",
                 "Mine parallel sentences from two monolingual sides with margin scoring over exact k nearest\n"
                 "neighbours both ways (Artetxe & Schwenk 2019; LASER's mine_bitexts.py definitions).\n"
                 "Output rows are sorted by score, best first. Sharded (Slurm arrays): each task runs with\n"
                 "--work DIR [--shard I/N], then 'merge' mines from the shards as without them.",
                 o.common);
  CLI::App& app = tool.app;
  Log& log = tool.log;
  add_job_options(tool, app, o, Command::kMine);
  CLI::App* score = app.add_subcommand("score", "Margin scores of given pairs: line i of --src with line i of --tgt");
  add_job_options(tool, *score, o, Command::kScore);
  CLI::App* merge =
      app.add_subcommand("merge", "Sharded mining, last step: merge the k-NN shards in --work, then mine as without");
  add_job_options(tool, *merge, o, Command::kMerge);
  app.require_subcommand(0, 1);
  return tool.run(argc, argv, [&]() -> Status {
    if (merge->parsed()) return run_merge(o, log);
    if (!o.work.empty() && !score->parsed()) return run_shard(o, app, log);
    if (score->parsed() && !o.work.empty()) return invalid_argument("score: --work is for mining, not scoring");
    if (!o.common.shard.empty() || o.force) return invalid_argument("--shard and --force need --work DIR");
    return run_mine(o, score->parsed() ? *score : app, score->parsed(), log);
  });
}
