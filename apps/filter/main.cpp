// bitmill-filter: rule- and model-based filtering of TSV bitext and monolingual web documents,
// with language ID and a reason for every rejected row.
#include <CLI/CLI.hpp>

#include <fmt/format.h>

#include "bitmill/base/log.h"
#include "bitmill/base/progress.h"
#include "bitmill/cli/common.h"
#include "bitmill/filter/filter_job.h"
#include "bitmill/filter/filter_run.h"
#include "bitmill/io/input_set.h"
#include "bitmill/io/output_stream.h"

namespace {

using namespace bitmill;
using namespace bitmill::filter;

struct Options {
  cli::CommonOptions common;
  std::vector<std::string> inputs;
  std::string output = "-";
  std::string rejected, stats;
  bool mono = false;
  bool explain = false;
  FilterJobOptions job;
};

// The outputs must be distinct files, and --annotate writes everything to -o.
Status check_outputs(const Options& o) {
  if (o.job.annotate && !o.rejected.empty()) {
    return invalid_argument("--annotate writes every row to the output; it does not take --rejected");
  }
  for (const std::string& out : {o.rejected, o.stats}) {
    if (!out.empty() && same_output(o.output, out)) return invalid_argument("-o and " + out + " name the same output");
  }
  if (!o.rejected.empty() && !o.stats.empty() && same_output(o.rejected, o.stats)) {
    return invalid_argument("--rejected and --stats name the same output");
  }
  return Status::ok();
}

Status run_filter_tool(Options& o, Log& log) {
  o.job.mode = o.mono ? FilterMode::kMono : FilterMode::kBitext;
  BITMILL_ASSIGN_OR_RETURN(RuleConfig config, build_filter_config(o.job));
  if (o.explain) {
    fmt::print("{}", explain_filter_config(config));
    std::fflush(stdout);
    return Status::ok();
  }
  BITMILL_RETURN_IF_ERROR(check_outputs(o));
  BITMILL_ASSIGN_OR_RETURN(auto job, FilterJob::create(o.job, std::move(config), log));

  InputSetOptions io;
  // Invalid UTF-8 is not an error here: the utf8 rule rejects such rows (mono: repaired first).
  io.invalid_utf8 = InvalidUtf8Policy::kKeep;
  BITMILL_ASSIGN_OR_RETURN(io.shard, cli::shard(o.common));
  BITMILL_ASSIGN_OR_RETURN(io.shard_by, parse_shard_by(o.common.shard_by));
  BITMILL_ASSIGN_OR_RETURN(auto inputs, InputSet::open(o.inputs, io));
  if (!io.shard.is_whole()) log.info("shard {} by {}", io.shard.to_string(), o.common.shard_by);
  BITMILL_ASSIGN_OR_RETURN(auto kept, OutputStream::open(o.output));
  std::unique_ptr<OutputStream> rejected;
  if (!o.rejected.empty()) {
    BITMILL_ASSIGN_OR_RETURN(rejected, OutputStream::open(o.rejected));
  }

  Progress progress(log, inputs->raw_bytes_total());
  BITMILL_ASSIGN_OR_RETURN(FilterStats st, run_filter(*inputs, *kept, rejected.get(), job->options(), &progress));
  progress.finish();
  std::unique_ptr<OutputStream> stats;
  if (!o.stats.empty()) {
    BITMILL_ASSIGN_OR_RETURN(stats, OutputStream::open(o.stats));
    BITMILL_RETURN_IF_ERROR(stats->write(st.to_json()));
  }
  BITMILL_RETURN_IF_ERROR(commit_all({kept.get(), rejected.get(), stats.get()}));
  for (const std::string& line : filter_summary(st, o.job.mode, progress.elapsed_seconds())) log.info("{}", line);
  return Status::ok();
}

void add_output_options(CLI::App& app, Options& o) {
  app.add_option("-o,--output", o.output, "Kept rows (default: stdout)")->type_name("OUT")->group("Output");
  app.add_option("--rejected", o.rejected, "Rejected rows, with one added column: the rule that failed")
      ->type_name("FILE")
      ->group("Output");
  app.add_flag("--all-reasons", o.job.all_reasons, "Name every failed rule (comma-separated), not just the first")
      ->group("Output");
  app.add_flag("--annotate", o.job.annotate,
               "Write every row to the output with an added column: keep, or the failed rule(s); with --model "
               "also the score")
      ->group("Output");
  app.add_option("--stats", o.stats, "Write the counts (rows in, kept, rejections per rule) as JSON")
      ->type_name("FILE")
      ->group("Output");
}

void add_bitext_options(CLI::App& app, Options& o) {
  app.add_option("--src-lang", o.job.src_lang, "Source language (ISO 639-1 or 639-3)")
      ->type_name("L1")
      ->group("Bitext");
  app.add_option("--tgt-lang", o.job.tgt_lang, "Target language (ISO 639-1 or 639-3)")
      ->type_name("L2")
      ->group("Bitext");
  app.add_option("--src-col", o.job.src_col, "TSV column of the source (1-based)")
      ->default_val(1)
      ->type_name("N")
      ->group("Bitext");
  app.add_option("--tgt-col", o.job.tgt_col, "TSV column of the target (1-based)")
      ->default_val(2)
      ->type_name("N")
      ->group("Bitext");
  app.add_option("--model", o.job.model,
                 "Sentence encoder (bitmill-embed's --model) for the semantic rule; 'default': the bundled model")
      ->type_name("DIR")
      ->group("Bitext");
  app.add_option("--min-score", o.job.min_score, "Reject pairs whose semantic score is below X (with --model)")
      ->type_name("X")
      ->group("Bitext");
  app.add_flag("--margin", o.job.margin, "Semantic score: ratio margin within the batch instead of cosine")
      ->group("Bitext");
}

void add_mono_options(CLI::App& app, Options& o) {
  app.add_flag("--mono", o.mono, "Web documents (FineWeb/Gopher/C4 rules) instead of bitext")->group("Mono");
  app.add_option("--lang", o.job.lang, "Mono: keep only documents in this language (ISO 639-1 or 639-3)")
      ->type_name("L")
      ->group("Mono");
  app.add_option("--text-field", o.job.text_field, "Mono: the JSONL field holding the text")
      ->default_val("text")
      ->type_name("NAME")
      ->group("Mono");
  cli::one_of(
      app.add_option("--format", o.job.format, "Mono: input format (auto: JSONL when the first line is an object)"),
      {"auto", "jsonl", "text"})
      ->default_val("auto")
      ->group("Mono");
}

void add_rule_options(CLI::App& app, Options& o) {
  app.add_option("--config", o.job.config, "YAML pipeline file of rules and parameters (see --explain)")
      ->type_name("FILE")
      ->group("Rules");
  app.add_option("--set", o.job.sets, "Set a parameter, or switch a rule: RULE.PARAM=VALUE, RULE=off (repeatable)")
      ->type_name("RULE.PARAM=V")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->group("Rules");
  app.add_option("--disable", o.job.disable, "Switch rules off (repeatable, or comma-separated)")
      ->delimiter(',')
      ->type_name("RULE")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->group("Rules");
  app.add_option("--enable", o.job.enable, "Switch rules on (repeatable, or comma-separated)")
      ->delimiter(',')
      ->type_name("RULE")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->group("Rules");
  app.add_flag("--explain", o.explain, "Print the effective rules and parameters (YAML, reads back with --config)")
      ->group("Rules");
  cli::one_of(app.add_option("--lid", o.job.lid,
                             "Language ID engine: fastText lid.176, CLD2, or none (auto: fastText "
                             "when its model is found, else CLD2)"),
              {"auto", "fasttext", "cld2", "none"})
      ->default_val("auto")
      ->group("Rules");
  app.add_option("--lid-model", o.job.lid_model, "fastText language ID model (default: the installed lid.176.ftz)")
      ->type_name("FILE")
      ->group("Rules");
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  Log log("bitmill-filter");
  CLI::App app;
  cli::setup_app(app, "bitmill-filter",
                 "Filter TSV bitext (default) or monolingual web documents (--mono) with rules and language ID.\n"
                 "Kept rows go to -o (or stdout), in input order; rejected rows to --rejected, each with the\n"
                 "rule that failed. `bitmill-filter --explain` lists the rules and their parameters.");
  app.add_option("inputs", o.inputs, "Input files, read in order; '-' or none for stdin")->type_name("INPUT...");
  add_output_options(app, o);
  add_bitext_options(app, o);
  add_mono_options(app, o);
  add_rule_options(app, o);
  cli::add_shard_options(app, o.common);
  cli::add_thread_option(app, o.common);
  cli::add_log_options(app, o.common);
  return cli::run(app, argc, argv, log, o.common, [&] { return run_filter_tool(o, log); });
}
