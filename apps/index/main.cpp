// bitmill-index: FAISS indexes over embeddings: build (train + add), sharded builds and their
// merge, search.
#include <CLI/CLI.hpp>

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
#include "bitmill/index/build.h"
#include "bitmill/index/build_base.h"
#include "bitmill/index/build_report.h"
#include "bitmill/index/build_request.h"
#include "bitmill/index/build_stats.h"
#include "bitmill/index/embedding_set.h"
#include "bitmill/index/faiss_index.h"
#include "bitmill/index/neighbor_tsv.h"
#include "bitmill/index/output_files.h"
#include "bitmill/index/recall.h"
#include "bitmill/index/shard_merge.h"
#include "bitmill/io/output_stream.h"

namespace {

using namespace bitmill;

struct Options {
  cli::CommonOptions common;
  index::BuildRequest build;  // its inputs and output are merge's shards and output, and search's output
  cli::EmbeddingOptions emb;
  size_t batch = 0;
  bool force = false;
  index::SearchParams search;  // stored (build, merge) or for this search
  size_t k = cli::kDefaultK;
  // search
  std::string index, queries;
};

Status store_params(const Options& o, index::FaissIndex& ix) {
  if (o.search.nprobe > 0 || o.search.ef_search > 0) return ix.store_params(o.search);
  return Status::ok();
}

// The recall check and the --stats report of a finished build.
Status check_and_report(const Options& o, const index::FaissIndex& ix, const index::EmbeddingSet& emb,
                        const index::RowSelection& sel, index::BuildStats& st, const cli::Stopwatch& total, Log& log) {
  if (o.build.recall_sample > 0) {
    const cli::Stopwatch sw;
    BITMILL_ASSIGN_OR_RETURN(st.recall, index::check_recall(ix, emb, sel, o.build.recall_sample, o.k, {}));
    st.recall_seconds = sw.seconds();
    log.info("{}", index::recall_summary(*st.recall, ix));
  }
  if (o.build.stats.empty()) return Status::ok();
  index::describe_index(st, ix, o.build.output, sel.shard);
  st.total_seconds = total.seconds();
  BITMILL_ASSIGN_OR_RETURN(auto out, OutputStream::open(o.build.stats));
  BITMILL_RETURN_IF_ERROR(out->write(index::build_stats_json(st)));
  return out->commit();
}

Status run_build(const Options& o, Log& log) {
  const cli::Stopwatch sw;
  BITMILL_RETURN_IF_ERROR(index::check_build_request(o.build, !o.common.shard.empty()));
  BITMILL_RETURN_IF_ERROR(cli::check_raw_dims(o.build.inputs, o.emb));
  BITMILL_ASSIGN_OR_RETURN(index::EmbeddingSet emb,
                           index::EmbeddingSet::open(o.build.inputs, o.emb.given_dim(), o.emb.raw_type()));
  index::RowSelection sel;
  if (!o.build.train_only) {  // a Slurm array's shard does not apply to training either
    BITMILL_ASSIGN_OR_RETURN(sel.shard, cli::shard(o.common));
    BITMILL_ASSIGN_OR_RETURN(sel.by, parse_shard_by(o.common.shard_by));
  }
  const uint64_t rows = o.build.train_only ? 0 : emb.count(sel);
  BITMILL_ASSIGN_OR_RETURN(auto kept, index::keep_complete_index(o.build.output, rows, emb.dim(), o.force));
  if (kept) {
    log.info("{} exists ({}, {} vectors of dimension {}): kept (--force rebuilds it)", o.build.output, kept->type,
             Progress::format_count(kept->vectors), kept->dim);
    return Status::ok();
  }
  BITMILL_ASSIGN_OR_RETURN(index::FaissIndex ix, o.build.trained.empty()
                                                     ? index::create_index(o.build.factory, emb, sel.shard)
                                                     : index::load_trained_index(o.build.trained, emb));
  index::BuildStats st;
  if (!ix.is_trained()) {
    const cli::Stopwatch tsw;
    st.train_rows = index::training_rows(ix, emb, o.build.train_size);
    std::vector<std::string> faiss_notes;
    BITMILL_RETURN_IF_ERROR(index::train_index(ix, emb, st.train_rows, index::kDefaultSeed, &faiss_notes));
    for (const std::string& note : faiss_notes) log.warn("FAISS: {}", note);
    st.train_seconds = tsw.seconds();
    log.debug("trained {} on {} of {} rows [{}]", ix.describe(), Progress::format_count(st.train_rows),
              Progress::format_count(emb.rows()), Progress::format_duration(st.train_seconds));
  }
  ix.set_name(o.build.output);
  BITMILL_RETURN_IF_ERROR(store_params(o, ix));
  const uint64_t row_bytes = emb.dim() * vec_type_size(emb.file(0).type());
  if (!o.build.train_only) {
    const cli::Stopwatch asw;
    Progress progress(log, rows * row_bytes, "vectors");
    BITMILL_ASSIGN_OR_RETURN(
        st.added, index::add_rows(ix, emb, sel, o.batch, [&](uint64_t n) { progress.update(n, n * row_bytes); }));
    progress.finish();
    st.add_seconds = asw.seconds();
  }
  BITMILL_RETURN_IF_ERROR(ix.save(o.build.output));
  log.info("{}", index::build_summary(st, ix, o.build.output, emb.rows(), row_bytes, o.build.train_only, sel.shard,
                                      sw.seconds()));
  return check_and_report(o, ix, emb, sel, st, sw, log);
}

Status run_merge(const Options& o, Log& log) {
  const cli::Stopwatch sw;
  if (o.build.output.empty()) return invalid_argument("-o INDEX is required");
  if (o.build.inputs.empty()) return invalid_argument("no shard indexes given (SHARD_INDEX...)");
  BITMILL_RETURN_IF_ERROR(index::check_output_file(o.build.output));
  BITMILL_RETURN_IF_ERROR(index::check_merge_files(o.build.inputs, o.build.output));
  if (!o.force && index::output_exists(o.build.output)) {
    log.info("{} exists: kept (--force merges again)", o.build.output);
    return Status::ok();
  }
  BITMILL_ASSIGN_OR_RETURN(
      index::FaissIndex merged,
      index::merge_index_files(o.build.inputs, [&](const std::string& path, const index::FaissIndex& s) {
        log.debug("{}: {} vectors", path, Progress::format_count(s.size()));
      }));
  merged.set_name(o.build.output);
  BITMILL_RETURN_IF_ERROR(store_params(o, merged));
  BITMILL_RETURN_IF_ERROR(merged.save(o.build.output));
  log.info("{}: {} of {} from {}{}{}", o.build.output, merged.describe(),
           Progress::format_count(merged.size(), "vector"), Progress::format_count(o.build.inputs.size(), "shard"),
           index::params_text(merged), time_rate_suffix(sw.seconds(), index::file_bytes(o.build.inputs)));
  return Status::ok();
}

Status run_search(const Options& o, Log& log) {
  const cli::Stopwatch sw;
  if (o.index.empty()) return invalid_argument("--index INDEX is required");
  if (o.queries.empty()) return invalid_argument("--queries EMB is required");
  BITMILL_RETURN_IF_ERROR(index::check_output_file(o.build.output));
  BITMILL_ASSIGN_OR_RETURN(index::FaissIndex ix, index::FaissIndex::load(o.index));
  // Stored in this in-memory copy, not passed per search: FAISS 1.7.3 applies efSearch only so.
  BITMILL_RETURN_IF_ERROR(store_params(o, ix));
  BITMILL_ASSIGN_OR_RETURN(EmbeddingMatrix q, cli::open_embedding_matrix(o.queries, o.emb));
  BITMILL_ASSIGN_OR_RETURN(auto out, OutputStream::open(o.build.output.empty() ? "-" : o.build.output));
  vectors::Neighbors nb;
  index::SearchStats st;
  BITMILL_RETURN_IF_ERROR(index::search_knn(ix, vectors::RowSet{&q, nullptr}, {}, o.k, nb, &st));
  BITMILL_RETURN_IF_ERROR(index::write_neighbors_tsv(nb, *out));
  BITMILL_RETURN_IF_ERROR(commit_all({out.get()}));
  log.info("searched {} {} in {} ({}, {}{}), k = {}{}", Progress::format_count(nb.rows),
           nb.rows == 1 ? "query" : "queries", o.index, ix.describe(), Progress::format_count(ix.size(), "vector"),
           index::params_text(ix), nb.k, time_rate_suffix(sw.seconds(), nb.rows * q.dim() * vec_type_size(q.type())));
  if (st.short_rows > 0) {
    log.warn("{} of {} queries found fewer than {} neighbours (the lists probed hold fewer): raise --nprobe",
             Progress::format_count(st.short_rows), Progress::format_count(nb.rows), nb.k);
  }
  return Status::ok();
}

void add_param_options(CLI::App& app, Options& o, bool stored) {
  app.add_option("--nprobe", o.search.nprobe,
                 stored ? "IVF: lists visited per query, stored with the index (default: min(128, lists))"
                        : "IVF: lists visited per query (default: the index's)")
      ->type_name("N")
      ->check(cli::count_in(1, cli::kMaxCount))
      ->group("Search");
  app.add_option("--ef-search", o.search.ef_search,
                 stored ? "HNSW: candidate list size, stored with the index (default: 128)"
                        : "HNSW: candidate list size (default: the index's)")
      ->type_name("N")
      ->check(cli::count_in(1, cli::kMaxCount))
      ->group("Search");
}

void add_common(cli::Tool& tool, CLI::App& app, Options& o) {
  tool.add_shared(app, cli::kThreads | cli::kLogging);
  app.add_flag("--force", o.force, "Rebuild OUTPUT even if a complete one exists (default: keep it)");
}

void add_build_options(cli::Tool& tool, CLI::App& app, Options& o) {
  app.add_option("inputs", o.build.inputs, "Embedding files: .npy (f32/f16), else raw rows with --dim")
      ->type_name("EMB...");
  app.add_option("-o,--output", o.build.output, "The index to write")->type_name("INDEX");
  app.add_option("--factory", o.build.factory,
                 "FAISS factory string: Flat, IVF4096,Flat, OPQ64,IVF65536,PQ64, HNSW32, ... (default: by size)")
      ->type_name("STR")
      ->group("Index");
  app.add_option("--train-size", o.build.train_size,
                 "Rows sampled for training (default: 64 x IVF lists, at least 65,536, at most all)")
      ->type_name("N")
      ->check(cli::count_in(1, cli::kMaxRows))
      ->group("Index");
  app.add_flag("--train-only", o.build.train_only, "Train and write the empty trained index (for --trained)")
      ->group("Index");
  app.add_option("--trained", o.build.trained, "Add to a copy of this trained index (from --train-only)")
      ->type_name("TRAINED")
      ->group("Index");
  app.add_option("--batch", o.batch, "Rows converted and added per batch (default: about 64 MiB of f32)")
      ->type_name("N")
      ->check(cli::count_in(1, cli::kMaxCount))
      ->group("Performance");
  app.add_flag("--check-recall{1000}", o.build.recall_sample,
               "Report recall@k against exact search on N sampled rows (--check-recall=N; default 1000)")
      ->check(cli::count_in(1, cli::kMaxRows).description(""))
      ->group("Check");
  cli::add_k_option(app, o.k, "Neighbours for --check-recall")->group("Check");
  app.add_option("--stats", o.build.stats, "Write a JSON summary (counts, recall, timings) to FILE")
      ->type_name("FILE")
      ->group("Check");
  cli::add_embedding_options(app, o.emb);
  add_param_options(app, o, true);
  tool.add_shared(app, cli::kShard);
  add_common(tool, app, o);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  cli::Tool tool(
      "bitmill-index",
      "Build a FAISS index over embeddings (cosine: inner product of L2-normalised rows); ids are the global\n"
      "row numbers of EMB... in argument order. Train once and add shards to copies of the trained index for\n"
      "Slurm arrays, then merge them.\n\n"
      "  bitmill-index [--factory STR] [--train-size N] [--check-recall[=N]] -o INDEX EMB...\n"
      "  bitmill-index --train-only [--factory STR] [--train-size N] -o TRAINED EMB...\n"
      "  bitmill-index --trained TRAINED --shard I/N -o SHARD_INDEX EMB...\n"
      "  bitmill-index merge -o INDEX SHARD_INDEX...\n"
      "  bitmill-index search --index INDEX --queries Q.npy [-k N] [-o OUT.tsv]\n\n"
      "Default index type, by the number of vectors n (IVF lists: 8*sqrt(n) rounded to a power of two, at\n"
      "most n/39): n < 20,000: Flat; n < 1,000,000: IVF{lists},Flat; else OPQ64,IVF{lists},PQ64np.",
      o.common);
  CLI::App& app = tool.app;
  add_build_options(tool, app, o);

  CLI::App* merge = app.add_subcommand("merge", "Merge shard indexes (IVF, or sharded Flat) into one, keeping ids");
  merge->add_option("shards", o.build.inputs, "Shard indexes built from one trained index")
      ->type_name("SHARD_INDEX...");
  merge->add_option("-o,--output", o.build.output, "The merged index")->type_name("INDEX");
  add_param_options(*merge, o, true);
  add_common(tool, *merge, o);

  CLI::App* search = app.add_subcommand("search", "k nearest neighbours of query rows: query_row, rank, id, sim");
  search->add_option("--index", o.index, "The index to search")->type_name("INDEX");
  search->add_option("--queries", o.queries, "Query embeddings: .npy, else raw rows with --dim")->type_name("Q.npy");
  cli::add_k_option(*search, o.k, "Neighbours per query");
  search->add_option("-o,--output", o.build.output, "Output TSV: query_row<TAB>rank<TAB>id<TAB>sim (default: stdout)")
      ->type_name("OUT.tsv");
  cli::add_embedding_options(*search, o.emb);
  add_param_options(*search, o, false);
  tool.add_shared(*search, cli::kThreads | cli::kLogging);

  app.require_subcommand(0, 1);
  return tool.run(argc, argv, [&] {
    index::set_thread_limit(cli::thread_count(o.common));
    if (merge->parsed()) return run_merge(o, tool.log);
    if (search->parsed()) return run_search(o, tool.log);
    return run_build(o, tool.log);
  });
}
