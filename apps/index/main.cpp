// bitmill-index: FAISS indexes over embeddings: build (train + add), sharded builds and their
// merge, search.
#include <CLI/CLI.hpp>

#include <fmt/format.h>

#include <sys/stat.h>

#include <chrono>
#include <optional>
#include <set>

#include "bitmill/base/log.h"
#include "bitmill/base/progress.h"
#include "bitmill/cli/common.h"
#include "bitmill/index/build.h"
#include "bitmill/index/embedding_set.h"
#include "bitmill/index/faiss_index.h"
#include "bitmill/index/recall.h"
#include "bitmill/io/embeddings.h"
#include "bitmill/io/output_stream.h"
#include "bitmill/vectors/neighbors.h"
#include "bitmill/vectors/row_set.h"

namespace {

using namespace bitmill;
using Clock = std::chrono::steady_clock;

struct Options {
  cli::CommonOptions common;
  std::vector<std::string> inputs;  // build: EMB files; merge: shard indexes
  std::string output;
  size_t dim = 0;  // raw embeddings only
  std::string emb_dtype = "f32";
  // build
  std::string factory;
  uint64_t train_size = 0;
  bool train_only = false;
  std::string trained;
  size_t recall_sample = 0;  // 0: no recall check
  std::string stats;
  size_t batch = 0;
  bool force = false;
  // search-time parameters (build, merge, search)
  size_t nprobe = 0, ef_search = 0;
  size_t k = 4;
  // search
  std::string index, queries;
};

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// " [1.2 s, 81.0 MB/s]": the summary suffix that tests/cli/run.sh normalises.
std::string timing(double secs, uint64_t bytes) {
  return fmt::format(" [{}, {}/s]", Progress::format_duration(secs),
                     Progress::format_bytes(secs > 0 ? static_cast<double>(bytes) / secs : 0.0));
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

// Outputs are renamed into place (io/output_stream.h), which would replace a device such as
// /dev/null or a FIFO with a regular file: refuse those up front.
Status check_output(const std::string& path) {
  struct stat st {};
  if (path != "-" && ::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    return invalid_argument(path + ": not a regular file; outputs are files (or - for stdout where allowed)");
  }
  return Status::ok();
}

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

index::SearchParams search_params(const Options& o) { return index::SearchParams{o.nprobe, o.ef_search}; }

std::string params_text(const index::FaissIndex& ix) {
  const index::SearchParams p = ix.stored_params();
  std::string s;
  if (p.nprobe > 0) s += fmt::format(", nprobe {}", p.nprobe);
  if (p.ef_search > 0) s += fmt::format(", efSearch {}", p.ef_search);
  return s;
}

Expected<index::EmbeddingSet> open_embeddings(const std::vector<std::string>& paths, const Options& o) {
  std::optional<size_t> dim;
  if (o.dim > 0) dim = o.dim;
  for (const std::string& p : paths) {
    if (!p.ends_with(".npy") && !dim) return invalid_argument(p + ": raw embeddings need --dim (or use a .npy file)");
  }
  return index::EmbeddingSet::open(paths, dim, o.emb_dtype == "f16" ? VecType::kF16 : VecType::kF32);
}

// Outputs appear only once complete, so an existing one is the result of a finished run: a rerun
// (a requeued Slurm task) keeps it when it holds what this run would build, unless --force.
Expected<bool> keep_existing(const Options& o, uint64_t rows, size_t dim, Log& log) {
  if (o.force || !exists(o.output)) return false;
  BITMILL_ASSIGN_OR_RETURN(index::FaissIndex old, index::FaissIndex::load(o.output));
  if (old.dim() != dim || old.size() != rows || !old.is_trained()) {
    return data_error(fmt::format(
        "{} exists and holds {} vectors of dimension {}, not the {} of dimension {} this run builds: remove it or "
        "pass --force",
        o.output, old.size(), old.dim(), rows, dim));
  }
  log.info("{} exists ({}, {} vectors of dimension {}): kept (--force rebuilds it)", o.output, old.describe(),
           Progress::format_count(old.size()), old.dim());
  return true;
}

Status run_build(const Options& o, Log& log) {
  const auto start = Clock::now();
  if (o.output.empty()) return invalid_argument("-o INDEX is required");
  if (o.inputs.empty()) return invalid_argument("no embedding files given (EMB...)");
  if (!o.trained.empty() && !o.factory.empty()) {
    return invalid_argument("--factory and --trained exclude each other: the trained index fixes the index type");
  }
  if (!o.trained.empty() && o.train_size > 0) {
    return invalid_argument("--train-size and --trained exclude each other: the index is trained already");
  }
  if (o.train_only && !o.trained.empty()) return invalid_argument("--train-only and --trained exclude each other");
  BITMILL_RETURN_IF_ERROR(check_output(o.output));
  if (!o.stats.empty()) BITMILL_RETURN_IF_ERROR(check_output(o.stats));
  for (const std::string& in : o.inputs) {
    if (same_output(in, o.output)) return invalid_argument(o.output + " is both an input and the output");
  }
  if (!o.trained.empty() && same_output(o.trained, o.output)) {
    return invalid_argument(o.output + " is both the trained index and the output: each shard needs its own file");
  }
  if (o.train_only && o.recall_sample > 0) {
    return invalid_argument("--check-recall needs vectors, and --train-only adds none");
  }
  if (o.train_only && !o.common.shard.empty()) {
    return invalid_argument("--train-only trains on a sample of every row: --shard does not apply");
  }
  BITMILL_ASSIGN_OR_RETURN(index::EmbeddingSet emb, open_embeddings(o.inputs, o));
  index::RowSelection sel;
  if (!o.train_only) {  // a Slurm array's shard does not apply to training either
    BITMILL_ASSIGN_OR_RETURN(sel.shard, cli::shard(o.common));
    BITMILL_ASSIGN_OR_RETURN(sel.by, parse_shard_by(o.common.shard_by));
  }
  const uint64_t rows = o.train_only ? 0 : emb.count(sel);
  BITMILL_ASSIGN_OR_RETURN(bool kept, keep_existing(o, rows, emb.dim(), log));
  if (kept) return Status::ok();

  index::FaissIndex ix;
  uint64_t train_rows = 0;
  double train_secs = 0;
  if (!o.trained.empty()) {
    BITMILL_ASSIGN_OR_RETURN(ix, index::FaissIndex::load(o.trained));
    if (!ix.is_trained()) return data_error(o.trained + " is not trained: make it with --train-only");
    if (ix.size() != 0) {
      return data_error(
          fmt::format("{} already holds {} vectors: --trained takes an empty trained index (from "
                      "--train-only)",
                      o.trained, ix.size()));
    }
    if (ix.dim() != emb.dim()) {
      return data_error(fmt::format("{} has dimension {} but the trained index {} has {}", emb.file(0).path(),
                                    emb.dim(), o.trained, ix.dim()));
    }
  } else {
    const std::string factory = o.factory.empty() ? index::default_factory(emb.rows(), emb.dim()) : o.factory;
    BITMILL_ASSIGN_OR_RETURN(ix, index::FaissIndex::create(factory, emb.dim()));
    if (!ix.is_trained()) {
      if (!sel.shard.is_whole()) {
        return invalid_argument(fmt::format(
            "shard {} of {} needs --trained TRAINED: train once with --train-only, then add each shard to a copy "
            "of the trained index, so that the shards can be merged",
            sel.shard.to_string(), ix.describe()));
      }
      train_rows = std::min(emb.rows(), o.train_size > 0 ? o.train_size : index::default_train_size(ix, emb.rows()));
      const auto t0 = Clock::now();
      BITMILL_RETURN_IF_ERROR(index::train_index(ix, emb, train_rows));
      train_secs = seconds_since(t0);
      log.debug("trained {} on {} of {} rows [{}]", ix.describe(), Progress::format_count(train_rows),
                Progress::format_count(emb.rows()), Progress::format_duration(train_secs));
    }
  }
  ix.set_name(o.output);
  if (o.nprobe > 0 || o.ef_search > 0) BITMILL_RETURN_IF_ERROR(ix.store_params(search_params(o)));

  uint64_t added = 0;
  double add_secs = 0;
  const uint64_t row_bytes = emb.dim() * vec_type_size(emb.file(0).type());
  if (!o.train_only) {
    const auto t0 = Clock::now();
    Progress progress(log, rows * row_bytes, "vectors");
    BITMILL_ASSIGN_OR_RETURN(
        added, index::add_rows(ix, emb, sel, o.batch, [&](uint64_t n) { progress.update(n, n * row_bytes); }));
    progress.finish();
    add_secs = seconds_since(t0);
  }
  BITMILL_RETURN_IF_ERROR(ix.save(o.output));
  const std::string what = sel.shard.is_whole() ? "" : fmt::format(" (shard {})", sel.shard.to_string());
  if (o.train_only && train_rows == 0) {
    log.info("{}: {} needs no training: written empty, for --trained", o.output, ix.describe());
  } else if (o.train_only) {
    log.info("{}: {} trained on {} of {} vectors of dimension {}{}", o.output, ix.describe(),
             Progress::format_count(train_rows), Progress::format_count(emb.rows()), emb.dim(),
             timing(seconds_since(start), train_rows * row_bytes));
  } else {
    log.info("{}: {} of {} of dimension {}{}{}{}{}", o.output, ix.describe(), Progress::format_count(added, "vector"),
             emb.dim(), what, train_rows > 0 ? fmt::format(", trained on {}", Progress::format_count(train_rows)) : "",
             params_text(ix), timing(seconds_since(start), (added + train_rows) * row_bytes));
  }

  std::optional<index::RecallReport> recall;
  double recall_secs = 0;
  if (o.recall_sample > 0) {
    const auto t0 = Clock::now();
    BITMILL_ASSIGN_OR_RETURN(recall, index::check_recall(ix, emb, sel, o.recall_sample, o.k, {}));
    recall_secs = seconds_since(t0);
    log.info("recall@{} {:.4f}: {} of the {} exact neighbours of {} sampled rows found ({}{})", recall->k,
             recall->recall, Progress::format_count(recall->hits), Progress::format_count(recall->queries * recall->k),
             Progress::format_count(recall->queries), ix.describe(), params_text(ix));
  }
  if (!o.stats.empty()) {
    const index::SearchParams sp = ix.stored_params();
    std::string j = "{\n";
    j += fmt::format("  \"index\": {},\n  \"type\": {},\n", json_string(o.output), json_string(ix.describe()));
    j += fmt::format("  \"dim\": {},\n  \"vectors\": {},\n  \"added\": {},\n  \"train_rows\": {},\n", ix.dim(),
                     ix.size(), added, train_rows);
    j += fmt::format("  \"shard\": {},\n", json_string(sel.shard.to_string()));
    j +=
        fmt::format("  \"nlist\": {},\n  \"nprobe\": {},\n  \"ef_search\": {},\n", ix.nlist(), sp.nprobe, sp.ef_search);
    if (recall) {
      j += fmt::format("  \"recall\": {{\"k\": {}, \"queries\": {}, \"rows\": {}, \"hits\": {}, \"recall\": {}}},\n",
                       recall->k, recall->queries, recall->rows, recall->hits, recall->recall);
    }
    j += fmt::format("  \"seconds\": {{\"train\": {:.3f}, \"add\": {:.3f}, \"recall\": {:.3f}, \"total\": {:.3f}}}\n",
                     train_secs, add_secs, recall_secs, seconds_since(start));
    j += "}\n";
    BITMILL_ASSIGN_OR_RETURN(auto out, OutputStream::open(o.stats));
    BITMILL_RETURN_IF_ERROR(out->write(j));
    BITMILL_RETURN_IF_ERROR(out->commit());
  }
  return Status::ok();
}

Status run_merge(const Options& o, Log& log) {
  const auto start = Clock::now();
  if (o.output.empty()) return invalid_argument("-o INDEX is required");
  if (o.inputs.empty()) return invalid_argument("no shard indexes given (SHARD_INDEX...)");
  BITMILL_RETURN_IF_ERROR(check_output(o.output));
  for (size_t i = 0; i < o.inputs.size(); ++i) {
    if (same_output(o.inputs[i], o.output)) return invalid_argument(o.inputs[i] + " is both a shard and the output");
    for (size_t j = 0; j < i; ++j) {
      if (same_output(o.inputs[i], o.inputs[j])) {
        return invalid_argument(o.inputs[i] + " is given twice: its vectors would be merged twice");
      }
    }
  }
  if (!o.force && exists(o.output)) {
    log.info("{} exists: kept (--force merges again)", o.output);
    return Status::ok();
  }
  BITMILL_ASSIGN_OR_RETURN(index::FaissIndex merged, index::FaissIndex::load(o.inputs[0]));
  if (!merged.mergeable()) {
    return data_error(o.inputs[0] + " is " + merged.describe() +
                      ": only IVF indexes and sharded Flat indexes (with an id map) can be merged; build other kinds "
                      "whole");
  }
  uint64_t bytes = 0;
  for (size_t i = 1; i < o.inputs.size(); ++i) {
    // One shard in memory at a time, besides the merged index.
    BITMILL_ASSIGN_OR_RETURN(index::FaissIndex shard, index::FaissIndex::load(o.inputs[i]));
    log.debug("{}: {} vectors", o.inputs[i], Progress::format_count(shard.size()));
    BITMILL_RETURN_IF_ERROR(index::merge_index(merged, shard));
  }
  for (const std::string& p : o.inputs) {
    struct stat st {};
    if (::stat(p.c_str(), &st) == 0) bytes += static_cast<uint64_t>(st.st_size);
  }
  merged.set_name(o.output);
  if (o.nprobe > 0 || o.ef_search > 0) BITMILL_RETURN_IF_ERROR(merged.store_params(search_params(o)));
  BITMILL_RETURN_IF_ERROR(merged.save(o.output));
  log.info("{}: {} of {} from {}{}{}", o.output, merged.describe(), Progress::format_count(merged.size(), "vector"),
           Progress::format_count(o.inputs.size(), "shard"), params_text(merged), timing(seconds_since(start), bytes));
  return Status::ok();
}

Status run_search(const Options& o, Log& log) {
  const auto start = Clock::now();
  if (o.index.empty()) return invalid_argument("--index INDEX is required");
  if (o.queries.empty()) return invalid_argument("--queries EMB is required");
  BITMILL_RETURN_IF_ERROR(check_output(o.output));
  BITMILL_ASSIGN_OR_RETURN(index::FaissIndex ix, index::FaissIndex::load(o.index));
  // Stored in this in-memory copy, not passed per search: FAISS 1.7.3 applies efSearch only so.
  if (o.nprobe > 0 || o.ef_search > 0) BITMILL_RETURN_IF_ERROR(ix.store_params(search_params(o)));
  std::optional<size_t> dim;
  if (o.dim > 0) dim = o.dim;
  if (!o.queries.ends_with(".npy") && !dim) {
    return invalid_argument(o.queries + ": raw embeddings need --dim (or use a .npy file)");
  }
  BITMILL_ASSIGN_OR_RETURN(EmbeddingMatrix q,
                           EmbeddingMatrix::open(o.queries, dim, o.emb_dtype == "f16" ? VecType::kF16 : VecType::kF32));
  BITMILL_ASSIGN_OR_RETURN(auto out, OutputStream::open(o.output.empty() ? "-" : o.output));
  vectors::Neighbors nb;
  index::SearchStats st;
  BITMILL_RETURN_IF_ERROR(index::search_knn(ix, vectors::RowSet{&q, nullptr}, {}, o.k, nb, &st));
  std::string buf;
  for (size_t i = 0; i < nb.rows; ++i) {
    buf.clear();
    for (size_t t = 0; t < nb.k; ++t) {
      const int64_t id = nb.idx_row(i)[t];
      if (id == vectors::kNoIdx) break;  // padding: fewer than k found
      fmt::format_to(std::back_inserter(buf), "{}\t{}\t{}\t{}\n", i, t + 1, id, nb.sim_row(i)[t]);
    }
    BITMILL_RETURN_IF_ERROR(out->write(buf));
  }
  BITMILL_RETURN_IF_ERROR(commit_all({out.get()}));
  log.info("searched {} {} in {} ({}, {}{}), k = {}{}", Progress::format_count(nb.rows),
           nb.rows == 1 ? "query" : "queries", o.index, ix.describe(), Progress::format_count(ix.size(), "vector"),
           params_text(ix), nb.k, timing(seconds_since(start), nb.rows * q.dim() * vec_type_size(q.type())));
  if (st.short_rows > 0) {
    log.warn("{} of {} queries found fewer than {} neighbours (the lists probed hold fewer): raise --nprobe",
             Progress::format_count(st.short_rows), Progress::format_count(nb.rows), nb.k);
  }
  return Status::ok();
}

void add_input_options(CLI::App& app, Options& o) {
  app.add_option("--dim", o.dim, "Dimension of raw (headerless) embedding files")->type_name("D")->group("Input");
  cli::one_of(app.add_option("--emb-dtype", o.emb_dtype, "Element type of raw embedding files"), {"f32", "f16"})
      ->default_val("f32")
      ->group("Input");
}

void add_param_options(CLI::App& app, Options& o, bool stored) {
  app.add_option("--nprobe", o.nprobe,
                 stored ? "IVF: lists visited per query, stored with the index (default: min(128, lists))"
                        : "IVF: lists visited per query (default: the index's)")
      ->type_name("N")
      ->check(CLI::PositiveNumber)
      ->group("Search");
  app.add_option("--ef-search", o.ef_search,
                 stored ? "HNSW: candidate list size, stored with the index (default: 128)"
                        : "HNSW: candidate list size (default: the index's)")
      ->type_name("N")
      ->check(CLI::PositiveNumber)
      ->group("Search");
}

void add_common(CLI::App& app, Options& o) {
  cli::add_thread_option(app, o.common);
  cli::add_log_options(app, o.common);
  app.add_flag("--force", o.force, "Rebuild OUTPUT even if a complete one exists (default: keep it)");
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  Log log("bitmill-index");
  CLI::App app;
  cli::setup_app(
      app, "bitmill-index",
      "Build a FAISS index over embeddings (cosine: inner product of L2-normalised rows); ids are the global\n"
      "row numbers of EMB... in argument order. Train once and add shards to copies of the trained index for\n"
      "Slurm arrays, then merge them.\n\n"
      "  bitmill-index [--factory STR] [--train-size N] [--check-recall[=N]] -o INDEX EMB...\n"
      "  bitmill-index --train-only [--factory STR] [--train-size N] -o TRAINED EMB...\n"
      "  bitmill-index --trained TRAINED --shard I/N -o SHARD_INDEX EMB...\n"
      "  bitmill-index merge -o INDEX SHARD_INDEX...\n"
      "  bitmill-index search --index INDEX --queries Q.npy [-k N] [-o OUT.tsv]\n\n"
      "Default index type, by the number of vectors n (IVF lists: 8*sqrt(n) rounded to a power of two, at\n"
      "most n/39): n < 20,000: Flat; n < 1,000,000: IVF{lists},Flat; else OPQ64,IVF{lists},PQ64np.");
  app.add_option("inputs", o.inputs, "Embedding files: .npy (f32/f16), else raw rows with --dim")->type_name("EMB...");
  app.add_option("-o,--output", o.output, "The index to write")->type_name("INDEX");
  app.add_option("--factory", o.factory,
                 "FAISS factory string: Flat, IVF4096,Flat, OPQ64,IVF65536,PQ64, HNSW32, ... (default: by size)")
      ->type_name("STR")
      ->group("Index");
  app.add_option("--train-size", o.train_size,
                 "Rows sampled for training (default: 64 x IVF lists, at least 65,536, at most all)")
      ->type_name("N")
      ->check(CLI::PositiveNumber)
      ->group("Index");
  app.add_flag("--train-only", o.train_only, "Train and write the empty trained index (for --trained)")->group("Index");
  app.add_option("--trained", o.trained, "Add to a copy of this trained index (from --train-only)")
      ->type_name("TRAINED")
      ->group("Index");
  app.add_option("--batch", o.batch, "Rows converted and added per batch (default: about 64 MiB of f32)")
      ->type_name("N")
      ->check(CLI::PositiveNumber)
      ->group("Performance");
  app.add_flag("--check-recall{1000}", o.recall_sample,
               "Report recall@k against exact search on N sampled rows (--check-recall=N; default 1000)")
      ->group("Check");
  app.add_option("-k", o.k, "Neighbours for --check-recall")
      ->type_name("N")
      ->default_val(4)
      ->check(CLI::Range(size_t{1}, size_t{1024}))
      ->group("Check");
  app.add_option("--stats", o.stats, "Write a JSON summary (counts, recall, timings) to FILE")
      ->type_name("FILE")
      ->group("Check");
  add_input_options(app, o);
  add_param_options(app, o, true);
  cli::add_shard_options(app, o.common);
  add_common(app, o);

  CLI::App* merge = app.add_subcommand("merge", "Merge shard indexes (IVF, or sharded Flat) into one, keeping ids");
  merge->add_option("shards", o.inputs, "Shard indexes built from one trained index")->type_name("SHARD_INDEX...");
  merge->add_option("-o,--output", o.output, "The merged index")->type_name("INDEX");
  add_param_options(*merge, o, true);
  add_common(*merge, o);

  CLI::App* search = app.add_subcommand("search", "k nearest neighbours of query rows: query_row, rank, id, sim");
  search->add_option("--index", o.index, "The index to search")->type_name("INDEX");
  search->add_option("--queries", o.queries, "Query embeddings: .npy, else raw rows with --dim")->type_name("Q.npy");
  search->add_option("-k", o.k, "Neighbours per query")
      ->type_name("N")
      ->default_val(4)
      ->check(CLI::Range(size_t{1}, size_t{1024}));
  search->add_option("-o,--output", o.output, "Output TSV: query_row<TAB>rank<TAB>id<TAB>sim (default: stdout)")
      ->type_name("OUT.tsv");
  add_input_options(*search, o);
  add_param_options(*search, o, false);
  cli::add_thread_option(*search, o.common);
  cli::add_log_options(*search, o.common);

  app.require_subcommand(0, 1);
  return cli::run(app, argc, argv, log, o.common, [&] {
    index::set_thread_limit(cli::thread_count(o.common));
    if (merge->parsed()) return run_merge(o, log);
    if (search->parsed()) return run_search(o, log);
    return run_build(o, log);
  });
}
