// bitmill-dedup: remove duplicate lines, bitext pairs or web documents: exact duplicates, or near
// duplicates by MinHash LSH (--mode near).
#include <sys/stat.h>
#include <CLI/CLI.hpp>

#include <cerrno>

#include "bitmill/base/log.h"
#include "bitmill/base/progress.h"
#include "bitmill/base/summary.h"
#include "bitmill/cli/common.h"
#include "bitmill/cli/stopwatch.h"
#include "bitmill/cli/streams.h"
#include "bitmill/cli/tool.h"
#include "bitmill/dedup/exact.h"
#include "bitmill/dedup/near.h"
#include "bitmill/dedup/near_work.h"
#include "bitmill/io/input_set.h"
#include "bitmill/io/output_stream.h"
#include "bitmill/util/size.h"

namespace {

using namespace bitmill;

struct Options {
  cli::CommonOptions common;
  std::vector<std::string> inputs;
  std::string output = "-";
  std::string removed;
  std::string mode = "exact";
  std::string key = "line";
  std::string normalize = "none";
  bool fold_whitespace = false;
  int hash_bits = 64;
  // --mode near
  std::string format = "lines", unit = "word", keep = "first", clusters;
  dedup::NearOptions near;
  double threshold = 0;
  // --mode near --work
  std::string work, phase;
  bool force = false;
};

// Options of one mode given in the other are refused, not silently ignored.
Status check_mode_options(const CLI::App& app, bool near) {
  const std::vector<const char*> exact_only = {"--normalize", "--fold-whitespace", "--hash-bits"};
  const std::vector<const char*> near_only = {
      "--format", "--text-field", "--id-field", "--ngram", "--unit", "--bands", "--rows",  "--threshold",
      "--verify", "--keep",       "--clusters", "--seed",  "--work", "--phase", "--force", "--index"};
  for (const char* opt : near ? exact_only : near_only) {
    if (app.count(opt) == 0) continue;
    return invalid_argument(near ? fmt::format("{} is an option of --mode exact", opt)
                                 : fmt::format("{} is an option of --mode near", opt));
  }
  if (near && app.count("--threshold") > 0 && (app.count("--bands") > 0 || app.count("--rows") > 0)) {
    return invalid_argument("--threshold chooses --bands and --rows: give one or the other");
  }
  return Status::ok();
}

// The probability of becoming candidates at Jaccard 0.5, 0.6, ... 0.95 (for -v).
std::string s_curve_text(size_t bands, size_t rows) {
  std::string out;
  for (int j = 50; j <= 95; j += 5) {
    out += fmt::format("{}{:.2f}: {:.3f}", out.empty() ? "" : ", ", j / 100.0,
                       dedup::candidate_probability(j / 100.0, bands, rows));
  }
  return out;
}

// Fills o.near from the command line.
Status near_options(Options& o, const CLI::App& app, Log& log) {
  dedup::NearOptions& no = o.near;
  BITMILL_ASSIGN_OR_RETURN(no.key, dedup::parse_key_field(o.key));
  no.jsonl = o.format == "jsonl";
  if (no.jsonl && app.count("--key") > 0)
    return invalid_argument("--key is for lines; --format jsonl reads --text-field");
  if (!no.jsonl && (app.count("--text-field") > 0 || app.count("--id-field") > 0)) {
    return invalid_argument("--text-field and --id-field are for --format jsonl");
  }
  no.char_units = o.unit == "char";
  no.keep_longest = o.keep == "longest";
  if (app.count("--threshold") > 0) BITMILL_RETURN_IF_ERROR(dedup::choose_banding_for(o.threshold, 112, no));
  BITMILL_RETURN_IF_ERROR(dedup::check_near_options(no));
  BITMILL_ASSIGN_OR_RETURN(no.memory_bytes, cli::memory_budget(o.common));
  no.tmp_dir = o.common.tmp_dir;
  no.threads = cli::thread_count(o.common);
  log.debug("{} bands x {} rows; caught at Jaccard {}", no.bands, no.rows, s_curve_text(no.bands, no.rows));
  return Status::ok();
}

// -o, --removed and --clusters must name three different outputs.
Status check_output_clash(const Options& o) {
  const std::pair<const char*, const std::string*> outs[] = {
      {"-o", &o.output}, {"--removed", &o.removed}, {"--clusters", &o.clusters}};
  for (size_t i = 0; i < std::size(outs); ++i) {
    for (size_t j = i + 1; j < std::size(outs); ++j) {
      if (outs[i].second->empty() || outs[j].second->empty()) continue;
      if (!same_output(*outs[i].second, *outs[j].second)) continue;
      return invalid_argument(
          fmt::format("{} and {} name the same output ({})", outs[i].first, outs[j].first, *outs[j].second));
    }
  }
  return Status::ok();
}

Status run_near_dedup(Options& o, const CLI::App& app, Log& log) {
  BITMILL_RETURN_IF_ERROR(near_options(o, app, log));
  const dedup::NearOptions& no = o.near;
  BITMILL_ASSIGN_OR_RETURN(InputSetOptions io, cli::input_set_options(o.common));
  if (!no.index_dir.empty() && !io.shard.is_whole()) {
    return invalid_argument("--index is for a run over the whole input: drop --shard (or the Slurm array)");
  }
  BITMILL_RETURN_IF_ERROR(check_output_clash(o));
  BITMILL_ASSIGN_OR_RETURN(cli::Streams f,
                           cli::open_streams(o.inputs, io, o.common.shard_by, o.output, o.removed, log));
  std::unique_ptr<OutputStream> clusters;
  if (!o.clusters.empty()) {
    BITMILL_ASSIGN_OR_RETURN(clusters, OutputStream::open(o.clusters));
  }
  Progress progress(log, f.inputs->raw_bytes_total());
  BITMILL_ASSIGN_OR_RETURN(dedup::NearStats st,
                           dedup::run_near(*f.inputs, *f.out, f.second.get(), clusters.get(), no, &progress));
  progress.finish();
  BITMILL_RETURN_IF_ERROR(commit_all({f.out.get(), f.second.get(), clusters.get()}));
  const char* noun = no.jsonl ? "document" : "line";
  if (st.segment != nullptr) {
    BITMILL_RETURN_IF_ERROR(st.segment->commit());
    log.info(
        "index {}: {} of {} earlier run{} matched against, {} removed as their duplicates; the {} kept added as {}",
        no.index_dir, Progress::format_count(st.index_records, noun), st.index_segments,
        st.index_segments == 1 ? "" : "s", Progress::format_count(st.index_matched, noun), st.kept,
        st.index_segment_path);
  }
  if (st.without_shingles > 0) {
    log.info("{} without a word: never duplicates", Progress::format_count(st.without_shingles, noun));
  }
  log.info("{}{}", in_kept_text(st.records, noun, st.kept, st.removed, "removed"),
           time_rate_suffix(progress.elapsed_seconds(), st.bytes));
  log.info("{} in {} of two or more; {}{}", Progress::format_count(st.clustered, noun),
           Progress::format_count(st.clusters, "cluster"), Progress::format_count(st.candidate_pairs, "candidate pair"),
           no.verify > 0
               ? fmt::format(", {} below --verify {} dropped", Progress::format_count(st.dropped_pairs), no.verify)
               : "");
  log.debug("bucket join: {} records{}; {:.0f} bytes of state per {}", st.bucket_records,
            st.spilled ? " (spilled to disk)" : "", st.state_bytes_per_record, noun);
  return Status::ok();
}

// The usage rules of --work: which phase takes inputs, outputs and a shard.
Status check_work_usage(const Options& o, const CLI::App& app, dedup::NearPhase phase) {
  using dedup::NearPhase;
  const bool reads_inputs = phase == NearPhase::kSign || phase == NearPhase::kApply;
  if (app.count("--shard-by") > 0) return invalid_argument("--work shards by ranges of input files: drop --shard-by");
  if (reads_inputs && o.inputs.empty()) {
    return invalid_argument(
        fmt::format("--phase {} needs the input files (every task all of them, in one order)", o.phase));
  }
  for (const std::string& in : o.inputs) {
    if (!reads_inputs) return invalid_argument(fmt::format("--phase {} reads the work directory, not inputs", o.phase));
    if (in == "-") return invalid_argument("--work reads its inputs twice: give files, not stdin");
  }
  if (phase != NearPhase::kApply && (app.count("-o") > 0 || !o.removed.empty() || !o.clusters.empty())) {
    return invalid_argument(fmt::format("-o, --removed and --clusters belong to --phase apply, not {}", o.phase));
  }
  if (phase == NearPhase::kCluster && app.count("--shard") > 0) {
    return invalid_argument("--phase cluster is one task: drop --shard");
  }
  return Status::ok();
}

Status make_work_dir(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0777) == 0 || errno == EEXIST) return Status::ok();
  return errno_status(fmt::format("cannot create the work directory {}", dir), errno);
}

// bitmill-dedup --mode near --work DIR --phase P: one task of a sharded run (dedup/near_work.h).
Status run_near_work(Options& o, const CLI::App& app, Log& log) {
  using dedup::NearPhase;
  if (o.phase.empty()) return invalid_argument("--work needs --phase sign, join, cluster or apply");
  BITMILL_ASSIGN_OR_RETURN(NearPhase phase, dedup::parse_near_phase(o.phase));
  BITMILL_RETURN_IF_ERROR(check_work_usage(o, app, phase));
  if (!o.near.index_dir.empty()) return invalid_argument("--index is for one-process runs, not --work");
  BITMILL_RETURN_IF_ERROR(near_options(o, app, log));
  const dedup::NearOptions& no = o.near;
  BITMILL_ASSIGN_OR_RETURN(InputSetOptions io, cli::input_set_options(o.common));
  const Shard shard = phase == NearPhase::kCluster ? Shard{} : io.shard;
  io.shard = Shard{};
  BITMILL_RETURN_IF_ERROR(make_work_dir(o.work));
  const char* noun = no.jsonl ? "document" : "line";
  cli::Stopwatch clock;
  dedup::NearPhaseStats st;
  switch (phase) {
    case NearPhase::kSign: {
      Progress progress(log, std::nullopt);
      BITMILL_ASSIGN_OR_RETURN(st, dedup::near_sign(o.inputs, io, shard, o.work, no, o.force, &progress));
      progress.finish();
      if (!st.skipped) {
        log.info("sign {}: {} signed to {}{}", shard.to_string(), Progress::format_count(st.records, noun), st.file,
                 time_rate_suffix(clock.seconds(), st.bytes));
      }
      break;
    }
    case NearPhase::kJoin: {
      BITMILL_ASSIGN_OR_RETURN(st, dedup::near_join(o.work, shard, no, io, o.force));
      if (!st.skipped) {
        log.info("join {}: {} of {} linked to {}{}{}", shard.to_string(), Progress::format_count(st.edges, noun),
                 Progress::format_count(st.records, noun), st.file,
                 st.spilled ? " (the bucket sort spilled to disk)" : "",
                 no.verify > 0 ? fmt::format("; {} compared, {} below --verify {} dropped",
                                             Progress::format_count(st.compared, "pair"), st.dropped, no.verify)
                               : "");
      }
      break;
    }
    case NearPhase::kCluster: {
      BITMILL_ASSIGN_OR_RETURN(st, dedup::near_cluster(o.work, no, io, o.force));
      if (!st.skipped) {
        log.info("cluster: {} in {} of two or more, to {}", Progress::format_count(st.clustered, noun),
                 Progress::format_count(st.clusters, "cluster"), st.file);
      }
      break;
    }
    case NearPhase::kApply: {
      BITMILL_RETURN_IF_ERROR(check_output_clash(o));
      BITMILL_ASSIGN_OR_RETURN(std::unique_ptr<OutputStream> kept, OutputStream::open(o.output));
      std::unique_ptr<OutputStream> removed, clusters;
      if (!o.removed.empty()) {
        BITMILL_ASSIGN_OR_RETURN(removed, OutputStream::open(o.removed));
      }
      if (!o.clusters.empty()) {
        BITMILL_ASSIGN_OR_RETURN(clusters, OutputStream::open(o.clusters));
      }
      BITMILL_ASSIGN_OR_RETURN(
          st, dedup::near_apply(o.inputs, io, shard, o.work, *kept, removed.get(), clusters.get(), no, nullptr));
      BITMILL_RETURN_IF_ERROR(commit_all({kept.get(), removed.get(), clusters.get()}));
      log.info("apply {}: {}{}", shard.to_string(), in_kept_text(st.records, noun, st.kept, st.removed, "removed"),
               time_rate_suffix(clock.seconds(), st.bytes));
      break;
    }
  }
  if (st.skipped)
    log.info("{} is there already, made from these inputs and options: skipped (--force redoes it)", st.file);
  return Status::ok();
}

Status run_dedup(const Options& o, Log& log) {
  dedup::ExactOptions eo;
  BITMILL_ASSIGN_OR_RETURN(eo.key, dedup::parse_key_field(o.key));
  BITMILL_ASSIGN_OR_RETURN(eo.normalize.form, parse_normal_form(o.normalize));
  eo.normalize.fold_whitespace = o.fold_whitespace;
  eo.hash_bits = o.hash_bits == 128 ? dedup::HashBits::k128 : dedup::HashBits::k64;
  BITMILL_ASSIGN_OR_RETURN(eo.memory_bytes, cli::memory_budget(o.common));
  eo.tmp_dir = o.common.tmp_dir;
  eo.threads = cli::thread_count(o.common);

  BITMILL_ASSIGN_OR_RETURN(InputSetOptions io, cli::input_set_options(o.common));
  if (!o.removed.empty() && same_output(o.output, o.removed)) {
    return invalid_argument("-o and --removed name the same output (" + o.removed + ")");
  }

  BITMILL_ASSIGN_OR_RETURN(cli::Streams f,
                           cli::open_streams(o.inputs, io, o.common.shard_by, o.output, o.removed, log));
  const std::unique_ptr<InputSet>& inputs = f.inputs;
  Progress progress(log, inputs->raw_bytes_total());
  BITMILL_ASSIGN_OR_RETURN(dedup::ExactStats st, dedup::run_exact(*inputs, *f.out, f.second.get(), eo, &progress));
  progress.finish();
  BITMILL_RETURN_IF_ERROR(commit_all({f.out.get(), f.second.get()}));

  if (st.spilled) {
    log.debug("memory budget {} reached: {} spilled to disk in {}", format_size(eo.memory_bytes),
              Progress::format_count(st.spilled_lines, "line"), Progress::format_count(st.spill_runs, "sorted run"));
  }
  if (inputs->lines_skipped() > 0) {
    log.warn("skipped {} of invalid UTF-8", Progress::format_count(inputs->lines_skipped(), "line"));
  }
  if (inputs->lines_replaced() > 0) {
    log.warn("repaired invalid UTF-8 in {}", Progress::format_count(inputs->lines_replaced(), "line"));
  }
  log.info("{}{}", in_kept_text(st.lines, "line", st.kept, st.removed, "removed"),
           time_rate_suffix(progress.elapsed_seconds(), st.bytes));
  return Status::ok();
}

void add_near_options(CLI::App& app, Options& o) {
  const char* g = "Near duplicates (--mode near)";
  cli::one_of(app.add_option("--format", o.format, "Records: lines (or TSV with --key), or jsonl documents"),
              {"lines", "jsonl"})
      ->default_val("lines")
      ->group(g);
  app.add_option("--text-field", o.near.text_field, "JSONL: the field holding the text")->default_val("text")->group(g);
  app.add_option("--id-field", o.near.id_field, "JSONL: the field that names a record in --removed and --clusters")
      ->group(g);
  app.add_option("--ngram", o.near.ngram, "Units per shingle")->default_val(5)->group(g);
  cli::one_of(app.add_option("--unit", o.unit, "Shingle units: word (ICU words for Chinese, Thai...) or char"),
              {"word", "char"})
      ->default_val("word")
      ->group(g);
  app.add_option("--bands", o.near.bands, "LSH bands")->default_val(14)->group(g);
  app.add_option("--rows", o.near.rows, "MinHash values per band")->default_val(8)->group(g);
  app.add_option("--threshold", o.threshold, "Choose --bands and --rows for this Jaccard similarity")
      ->type_name("J")
      ->group(g);
  app.add_option("--verify", o.near.verify,
                 "Join candidates only when the exact Jaccard similarity of their shingles is at least J")
      ->type_name("J")
      ->group(g);
  cli::one_of(app.add_option("--keep", o.keep, "Which record of a cluster is kept"), {"first", "longest"})
      ->default_val("first")
      ->group(g);
  app.add_option("--clusters", o.clusters, "Write ID, cluster and size of every record in a cluster of two or more")
      ->type_name("FILE")
      ->group(g);
  app.add_option("--seed", o.near.seed, "Hash seed")->default_val(1)->group(g);
  app.add_option("--index", o.near.index_dir,
                 "Also remove records like those kept by earlier runs with this --index, and add this run's kept "
                 "records to it")
      ->type_name("DIR")
      ->group(g);
  const char* w = "Sharded near dedup (--mode near --work)";
  app.add_option("--work", o.work, "Work directory of a sharded run (created if missing); see the man page")
      ->type_name("DIR")
      ->group(w);
  cli::one_of(app.add_option("--phase", o.phase, "With --work: the phase this task runs"),
              {"sign", "join", "cluster", "apply"})
      ->group(w);
  app.add_flag("--force", o.force, "With --work: redo the phase even if its file is there")->group(w);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  cli::Tool tool("bitmill-dedup",
                 "Remove duplicate lines (or TSV bitext pairs), keeping the first occurrence in input order.\n"
                 "Reads INPUT files (or stdin) and writes the kept lines to -o (or stdout).",
                 o.common);
  CLI::App& app = tool.app;
  tool.add_inputs(o.inputs);
  app.add_option("-o,--output", o.output, "Kept lines (default: stdout)")->type_name("OUT");
  app.add_option(
         "--removed", o.removed,
         "Also write the removed records here, in input order (near: with the id of the record each duplicates)")
      ->type_name("FILE");
  // Only exact matching exists; --mode exact stays accepted for the scripts that spell it out.
  cli::one_of(
      app.add_option("--mode", o.mode,
                     "exact: records with equal keys are duplicates; near: records whose word shingles are similar "
                     "(MinHash LSH)"),
      {"exact", "near"})
      ->default_val("exact")
      ->group("Matching");
  cli::one_of(
      app.add_option("--key", o.key, "Compare on: line, src (TSV column 1), tgt (column 2) or pair (columns 1 and 2)"),
      {"line", "src", "tgt", "pair"})
      ->default_val("line")
      ->group("Matching");
  cli::one_of(app.add_option("--normalize", o.normalize, "Normalise keys first (see the man page)"),
              {"none", "nfkc", "casefold", "nfkc-casefold"})
      ->default_val("none")
      ->group("Matching");
  app.add_flag("--fold-whitespace", o.fold_whitespace,
               "Treat runs of whitespace as one space and ignore leading/trailing whitespace")
      ->group("Matching");
  cli::one_of(app.add_option("--hash-bits", o.hash_bits, "Key hash width: 64, or 128 for billions of lines"),
              {"64", "128"})
      ->default_val(64)
      ->group("Matching");
  add_near_options(app, o);
  tool.add_shared(app, cli::kUtf8 | cli::kShard | cli::kMemory | cli::kThreads | cli::kLogging);
  return tool.run(argc, argv, [&]() -> Status {
    BITMILL_RETURN_IF_ERROR(check_mode_options(app, o.mode == "near"));
    if (o.mode != "near") return run_dedup(o, tool.log);
    if (!o.work.empty()) return run_near_work(o, app, tool.log);
    if (!o.phase.empty() || o.force) return invalid_argument("--phase and --force go with --work DIR");
    return run_near_dedup(o, app, tool.log);
  });
}
