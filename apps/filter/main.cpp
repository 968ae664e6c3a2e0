// bitmill-filter: rule- and model-based filtering of TSV bitext and monolingual web documents,
// with language ID and a reason for every rejected row.
#include <CLI/CLI.hpp>

#include <fmt/format.h>

#include "bitmill/base/log.h"
#include "bitmill/base/progress.h"
#include "bitmill/cli/checks.h"
#include "bitmill/cli/common.h"
#include "bitmill/cli/streams.h"
#include "bitmill/cli/tool.h"
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
  if ((o.job.annotate || o.job.annotate_numbers) && !o.rejected.empty()) {
    return invalid_argument(fmt::format("{} writes every row to the output; it does not take --rejected",
                                        o.job.annotate ? "--annotate" : "--annotate-numbers"));
  }
  const std::pair<const char*, const std::string*> outs[] = {
      {"-o", &o.output}, {"--rejected", &o.rejected}, {"--stats", &o.stats}};
  for (size_t i = 0; i < std::size(outs); ++i) {
    for (size_t j = i + 1; j < std::size(outs); ++j) {
      const std::string& a = *outs[i].second;
      const std::string& b = *outs[j].second;
      if (a.empty() || b.empty() || !same_output(a, b)) continue;
      return invalid_argument(fmt::format("{} and {} name the same output ({})", outs[i].first, outs[j].first, b));
    }
  }
  return Status::ok();
}

// Each mode's options are refused in the other, rather than silently ignored.
Status check_mode_options(const CLI::App& app, bool mono) {
  const std::vector<const char*> bitext = {"--src-lang", "--tgt-lang",  "--src-col", "--tgt-col",
                                           "--model",    "--min-score", "--margin",  "--annotate-numbers"};
  const std::vector<const char*> web = {"--lang", "--text-field", "--format"};
  for (const char* opt : mono ? bitext : web) {
    if (app.count(opt) == 0) continue;
    return invalid_argument(mono ? fmt::format("{} is a bitext option; --mono does not take it", opt)
                                 : fmt::format("{} is an option of --mono (web documents)", opt));
  }
  return Status::ok();
}

// The options of one --help group, each declared in one call.
class Group {
 public:
  Group(CLI::App& app, std::string name) : app_(app), name_(std::move(name)) {}
  // An option with a value, shown as `type` in --help.
  template <class T>
  CLI::Option* option(const std::string& flags, T& value, const std::string& help, const std::string& type) const {
    return app_.add_option(flags, value, help)->type_name(type)->group(name_);
  }
  // An option with one of `choices` (cli::one_of).
  CLI::Option* choice(const std::string& flags, std::string& value, const std::string& help,
                      const std::vector<std::string>& choices) const {
    return cli::one_of(app_.add_option(flags, value, help), choices)->group(name_);
  }
  CLI::Option* flag(const std::string& flags, bool& value, const std::string& help) const {
    return app_.add_flag(flags, value, help)->group(name_);
  }

 private:
  CLI::App& app_;
  std::string name_;
};

// An option given once per value (--set A --set B): every value is kept.
CLI::Option* repeatable(CLI::Option* opt) {
  // CLI11 lets a vector option take every following argument; the input files must stay inputs.
  return opt->expected(1)->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

void add_output_options(CLI::App& app, Options& o) {
  const Group g(app, "Output");
  g.option("-o,--output", o.output, "Kept rows (default: stdout)", "OUT");
  g.option("--rejected", o.rejected, "Rejected rows, with one added column: the rule that failed", "FILE");
  g.flag("--all-reasons", o.job.all_reasons, "Name every failed rule (comma-separated), not just the first");
  g.flag("--annotate", o.job.annotate,
         "Write every row to the output with an added column: keep, or the failed rule(s); with --model also the "
         "score");
  g.flag("--annotate-numbers", o.job.annotate_numbers,
         "As --annotate, with a last added column: what the numbers rule compared (bitext; see the man page)");
  g.option("--stats", o.stats, "Write the counts (rows in, kept, rejections per rule) as JSON", "FILE");
}

void add_bitext_options(CLI::App& app, Options& o) {
  const Group g(app, "Bitext");
  g.option("--src-lang", o.job.src_lang, "Source language (ISO 639-1 or 639-3)", "L1");
  g.option("--tgt-lang", o.job.tgt_lang, "Target language (ISO 639-1 or 639-3)", "L2");
  g.option("--src-col", o.job.src_col, "TSV column of the source (1-based)", "N")
      ->default_val(1)
      ->check(cli::count_in(1, cli::kMaxCount));
  g.option("--tgt-col", o.job.tgt_col, "TSV column of the target (1-based)", "N")
      ->default_val(2)
      ->check(cli::count_in(1, cli::kMaxCount));
  g.option("--model", o.job.model,
           "Sentence encoder (bitmill-embed's --model) for the semantic rule; 'default': the bundled model", "DIR");
  g.option("--min-score", o.job.min_score, "Reject pairs whose semantic score is below X (with --model)", "X")
      ->check(cli::a_number());
  g.flag("--margin", o.job.margin, "Semantic score: ratio margin within the batch instead of cosine");
}

void add_mono_options(CLI::App& app, Options& o) {
  const Group g(app, "Mono");
  g.flag("--mono", o.mono, "Web documents (FineWeb/Gopher/C4 rules) instead of bitext");
  g.option("--lang", o.job.lang, "Mono: keep only documents in this language (ISO 639-1 or 639-3)", "L");
  g.option("--text-field", o.job.text_field, "Mono: the JSONL field holding the text", "NAME")->default_val("text");
  g.choice("--format", o.job.format, "Mono: input format (auto: JSONL when the first line is an object)",
           {"auto", "jsonl", "text"})
      ->default_val("auto");
}

void add_rule_options(CLI::App& app, Options& o) {
  const Group g(app, "Rules");
  g.option("--config", o.job.config, "YAML pipeline file of rules and parameters (see --explain)", "FILE");
  repeatable(g.option("--set", o.job.sets, "Set a parameter, or switch a rule: RULE.PARAM=VALUE, RULE=off (repeatable)",
                      "RULE.PARAM=V"));
  repeatable(g.option("--disable", o.job.disable, "Switch rules off (repeatable, or comma-separated)", "RULE"))
      ->delimiter(',');
  repeatable(g.option("--enable", o.job.enable, "Switch rules on (repeatable, or comma-separated)", "RULE"))
      ->delimiter(',');
  g.flag("--explain", o.explain, "Print the effective rules and parameters (YAML, reads back with --config)");
  g.choice("--lid", o.job.lid,
           "Language ID engine: fastText lid.176, CLD2, or none (auto: fastText when its model is found, else CLD2)",
           {"auto", "fasttext", "cld2", "none"})
      ->default_val("auto");
  g.option("--lid-model", o.job.lid_model, "fastText language ID model (default: the installed lid.176.ftz)", "FILE");
}

void add_options(cli::Tool& tool, Options& o) {
  tool.add_inputs(o.inputs);
  add_output_options(tool.app, o);
  add_bitext_options(tool.app, o);
  add_mono_options(tool.app, o);
  add_rule_options(tool.app, o);
  tool.add_shared(tool.app, cli::kShard | cli::kThreads | cli::kLogging);
}

// An output that only some runs write (--rejected, --stats): null when its option is not given.
Expected<std::unique_ptr<OutputStream>> open_if_given(const std::string& path) {
  if (path.empty()) return std::unique_ptr<OutputStream>();
  return OutputStream::open(path);
}

Status run_filter_tool(Options& o, const CLI::App& app, Log& log) {
  BITMILL_RETURN_IF_ERROR(check_mode_options(app, o.mono));
  o.job.mode = o.mono ? FilterMode::kMono : FilterMode::kBitext;
  BITMILL_ASSIGN_OR_RETURN(RuleConfig config, build_filter_config(o.job));
  if (o.explain) {
    fmt::print("{}", config.explain());
    std::fflush(stdout);
    return Status::ok();
  }
  BITMILL_RETURN_IF_ERROR(check_outputs(o));
  BITMILL_ASSIGN_OR_RETURN(auto job, FilterJob::create(o.job, std::move(config), log));

  BITMILL_ASSIGN_OR_RETURN(InputSetOptions io, cli::input_set_options(o.common));
  // Invalid UTF-8 is not an error here: the utf8 rule rejects such rows (mono: repaired first).
  io.invalid_utf8 = InvalidUtf8Policy::kKeep;
  BITMILL_ASSIGN_OR_RETURN(cli::Streams f,
                           cli::open_streams(o.inputs, io, o.common.shard_by, o.output, o.rejected, log));
  Progress progress(log, f.inputs->raw_bytes_total());
  BITMILL_ASSIGN_OR_RETURN(FilterStats st, run_filter(*f.inputs, *f.out, f.second.get(), job->options(), &progress));
  progress.finish();
  BITMILL_ASSIGN_OR_RETURN(auto stats, open_if_given(o.stats));
  if (stats) BITMILL_RETURN_IF_ERROR(stats->write(st.to_json()));
  BITMILL_RETURN_IF_ERROR(commit_all({f.out.get(), f.second.get(), stats.get()}));
  for (const std::string& line : filter_summary(st, o.job.mode, progress.elapsed_seconds())) log.info("{}", line);
  return Status::ok();
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  cli::Tool tool("bitmill-filter",
                 "Filter TSV bitext (default) or monolingual web documents (--mono) with rules and language ID.\n"
                 "Kept rows go to -o (or stdout), in input order; rejected rows to --rejected, each with the\n"
                 "rule that failed. `bitmill-filter --explain` lists the rules and their parameters.",
                 o.common);
  add_options(tool, o);
  return tool.run(argc, argv, [&] { return run_filter_tool(o, tool.app, tool.log); });
}
