// bitmill-dedup: remove duplicate lines or bitext pairs, keeping the first occurrence.
#include <CLI/CLI.hpp>

#include "bitmill/base/log.h"
#include "bitmill/base/progress.h"
#include "bitmill/base/summary.h"
#include "bitmill/cli/common.h"
#include "bitmill/cli/streams.h"
#include "bitmill/cli/tool.h"
#include "bitmill/dedup/exact.h"
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
};

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
  app.add_option("--removed", o.removed, "Also write the removed lines here, in input order")->type_name("FILE");
  // Only exact matching exists; --mode exact stays accepted for the scripts that spell it out.
  cli::one_of(
      app.add_option("--mode", o.mode, "exact: lines with equal keys are duplicates (the only mode in this version)"),
      {"exact"})
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
  tool.add_shared(app, cli::kUtf8 | cli::kShard | cli::kMemory | cli::kThreads | cli::kLogging);
  return tool.run(argc, argv, [&] { return run_dedup(o, tool.log); });
}
