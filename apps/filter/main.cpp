// bitmill-filter: rule- and model-based filtering of TSV bitext and monolingual web documents,
// with language ID and a reason for every rejected row.
#include <CLI/CLI.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "bitmill/base/log.h"
#include "bitmill/base/progress.h"
#include "bitmill/cli/common.h"
#include "bitmill/filter/bitext_rules.h"
#include "bitmill/filter/filter_run.h"
#include "bitmill/filter/lang_id.h"
#include "bitmill/filter/language.h"
#include "bitmill/filter/rule_config.h"
#include "bitmill/filter/semantic.h"
#include "bitmill/filter/web_rules.h"
#include "bitmill/io/input_set.h"
#include "bitmill/io/output_stream.h"
#include "bitmill/util/data_dir.h"

namespace {

using namespace bitmill;
using namespace bitmill::filter;

struct Options {
  cli::CommonOptions common;
  std::vector<std::string> inputs;
  std::string output = "-";
  std::string rejected, stats;
  std::string src_lang, tgt_lang;
  size_t src_col = 1, tgt_col = 2;
  bool annotate = false, all_reasons = false;
  bool mono = false;
  std::string lang;  // mono: the expected language
  std::string text_field = "text";
  std::string format = "auto";
  std::string config;
  std::vector<std::string> sets, disable, enable;
  bool explain = false;
  std::string lid = "auto";
  std::string lid_model;
  std::string model;
  std::optional<double> min_score;
  bool margin = false;
};

Expected<RuleConfig> build_config(const Options& o) {
  RuleConfig config(o.mono ? FilterMode::kMono : FilterMode::kBitext);
  if (!o.config.empty()) BITMILL_RETURN_IF_ERROR(config.load_yaml(o.config));
  for (const auto& s : o.sets) BITMILL_RETURN_IF_ERROR(config.set(s).with_prefix("--set"));
  for (const auto& r : o.disable) BITMILL_RETURN_IF_ERROR(config.set_enabled(r, false).with_prefix("--disable"));
  for (const auto& r : o.enable) BITMILL_RETURN_IF_ERROR(config.set_enabled(r, true).with_prefix("--enable"));
  if (!o.mono) {
    if (!o.model.empty()) {
      BITMILL_RETURN_IF_ERROR(config.set_enabled("semantic", true));
      if (o.min_score)
        BITMILL_RETURN_IF_ERROR(config.set_param("semantic", "min-score", fmt::format("{}", *o.min_score)));
      if (o.margin) BITMILL_RETURN_IF_ERROR(config.set_param("semantic", "margin", "true"));
    } else if (o.min_score || o.margin) {
      return invalid_argument("--min-score and --margin need --model DIR");
    }
  } else if (!o.model.empty() || o.min_score || o.margin) {
    return invalid_argument("--model, --min-score and --margin apply to bitext, not --mono");
  }
  return config;
}

// A language of the table, or for a well-formed ISO 639-3 code the table lacks (Berber, Lojban,
// Kabyle... have corpora but no language ID model), a bare entry in `storage` with a warning: the
// script and lang-id rules then skip that side.
Expected<const Language*> lookup_language(const std::string& code, Language& storage, Log& log) {
  auto found = find_language(code);
  if (found) return found;
  // Only ISO 639-3: every ISO 639-1 code is in the table, so an unknown two-letter code is a typo.
  const bool well_formed =
      code.size() == 3 && std::all_of(code.begin(), code.end(), [](char c) { return c >= 'a' && c <= 'z'; });
  if (!well_formed) return found.status();
  log.warn("language '{}' is not in bitmill's language table: the script and lang-id rules skip its side", code);
  storage = Language{code, "", "", ""};
  return &storage;
}

// The language identifier: fastText's lid.176 when its model is found, else CLD2.
Expected<std::unique_ptr<LanguageIdentifier>> open_lid(const Options& o, Log& log) {
  if (o.lid == "cld2") return make_cld2_lid();
  std::string path = o.lid_model;
  if (path.empty()) {
    if (auto p = default_lid_model_path()) path = *p;
  }
  if (path.empty()) {
    if (o.lid == "fasttext") {
      return not_found(
          "no fastText model: pass --lid-model FILE or set BITMILL_LID_MODEL (scripts/install-deps.sh installs "
          "lid.176.ftz)");
    }
    log.warn("fastText's lid.176.ftz not found (--lid-model, BITMILL_LID_MODEL): language ID falls back to CLD2");
    return make_cld2_lid();
  }
  return open_fasttext_lid(path);
}

Status run_filter_tool(const Options& o, Log& log) {
  BITMILL_ASSIGN_OR_RETURN(RuleConfig config, build_config(o));
  if (o.explain) {
    fmt::print("{}", config.explain());
    std::fflush(stdout);
    return Status::ok();
  }
  if (o.annotate && !o.rejected.empty()) {
    return invalid_argument("--annotate writes every row to the output; it does not take --rejected");
  }
  for (const std::string& out : {o.rejected, o.stats}) {
    if (!out.empty() && same_output(o.output, out)) return invalid_argument("-o and " + out + " name the same output");
  }
  if (!o.rejected.empty() && !o.stats.empty() && same_output(o.rejected, o.stats)) {
    return invalid_argument("--rejected and --stats name the same output");
  }

  FilterOptions fo;
  fo.mode = o.mono ? FilterMode::kMono : FilterMode::kBitext;
  fo.all_reasons = o.all_reasons;
  fo.annotate = o.annotate;

  std::unique_ptr<LanguageIdentifier> lid;
  std::optional<BitextFilter> bitext;
  std::optional<WebFilter> web;
  std::unique_ptr<SemanticScorer> semantic;
  const Language* src = nullptr;
  const Language* tgt = nullptr;
  Language unknown[2];  // languages missing from the table (see lookup_language)
  if (!o.mono) {
    if (o.src_lang.empty() || o.tgt_lang.empty())
      return invalid_argument("bitext mode needs --src-lang and --tgt-lang");
    if (o.src_col < 1 || o.tgt_col < 1) return invalid_argument("--src-col and --tgt-col are 1-based");
    if (o.src_col == o.tgt_col) return invalid_argument("--src-col and --tgt-col name the same column");
    BITMILL_ASSIGN_OR_RETURN(src, lookup_language(o.src_lang, unknown[0], log));
    BITMILL_ASSIGN_OR_RETURN(tgt, lookup_language(o.tgt_lang, unknown[1], log));
    if (config.enabled("lang-id") && o.lid != "none") {
      BITMILL_ASSIGN_OR_RETURN(lid, open_lid(o, log));
    } else if (config.enabled("lang-id")) {
      BITMILL_RETURN_IF_ERROR(config.set_enabled("lang-id", false));
    }
    BITMILL_ASSIGN_OR_RETURN(auto f, BitextFilter::create(config, *src, *tgt, lid.get()));
    bitext.emplace(std::move(f));
    if (config.enabled("semantic")) {
      if (o.model.empty()) return invalid_argument("the semantic rule needs --model DIR");
      // "default" names the model bundled beside the program, as bitmill-embed's default.
      std::string model = o.model;
      if (model == "default" && !std::filesystem::exists(model)) {
        auto dir = find_shared_data("models/default");
        if (!dir)
          return not_found("--model default: no bundled model beside the program (share/bitmill/models/default)");
        model = *dir;
      }
      BITMILL_ASSIGN_OR_RETURN(
          semantic, SemanticScorer::load(model, config.get_bool("semantic", "margin"),
                                         static_cast<size_t>(std::max(1LL, config.get_int("semantic", "k")))));
      fo.semantic = semantic.get();
      fo.min_score = config.get_double("semantic", "min-score");
    }
    fo.bitext = &*bitext;
    fo.columns_rule = config.enabled("columns");
    fo.src_col = o.src_col;
    fo.tgt_col = o.tgt_col;
  } else {
    if (!o.lang.empty()) {
      BITMILL_ASSIGN_OR_RETURN(fo.mono_lang, find_language(o.lang));
    }
    if (o.lid != "none") {
      BITMILL_ASSIGN_OR_RETURN(lid, open_lid(o, log));
    }
    fo.lid = lid.get();
    fo.mono_lang_rule = config.enabled("lang-id") && lid != nullptr;
    if (fo.mono_lang) {
      fo.mono_min_prob = config.get_double("lang-id", "min-prob");
      const auto& per = config.get_map("lang-id", "min-prob");
      for (std::string_view code : {fo.mono_lang->iso639_3, fo.mono_lang->iso639_1}) {
        if (auto it = per.find(std::string(code)); !code.empty() && it != per.end()) fo.mono_min_prob = it->second;
      }
    } else {
      fo.mono_min_prob = config.get_double("lang-id", "min-prob");
    }
    BITMILL_ASSIGN_OR_RETURN(auto f, WebFilter::create(config));
    web.emplace(std::move(f));
    fo.web = &*web;
    fo.text_field = o.text_field;
    fo.format = o.format == "jsonl" ? DocFormat::kJsonl : o.format == "text" ? DocFormat::kText : DocFormat::kAuto;
  }
  if (lid) log.debug("language ID: {}", lid->engine());

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
  BITMILL_ASSIGN_OR_RETURN(FilterStats st, run_filter(*inputs, *kept, rejected.get(), fo, &progress));
  progress.finish();
  std::unique_ptr<OutputStream> stats;
  if (!o.stats.empty()) {
    BITMILL_ASSIGN_OR_RETURN(stats, OutputStream::open(o.stats));
    BITMILL_RETURN_IF_ERROR(stats->write(st.to_json()));
  }
  BITMILL_RETURN_IF_ERROR(commit_all({kept.get(), rejected.get(), stats.get()}));

  const double secs = progress.elapsed_seconds();
  const double pct = st.rows ? 100.0 * static_cast<double>(st.rows - st.kept) / static_cast<double>(st.rows) : 0.0;
  log.info("{} in, {} kept, {} rejected ({:.1f}%) [{}, {}/s]",
           Progress::format_count(st.rows, o.mono ? "document" : "row"), Progress::format_count(st.kept),
           Progress::format_count(st.rows - st.kept), pct, Progress::format_duration(secs),
           Progress::format_bytes(secs > 0 ? static_cast<double>(st.bytes) / secs : 0.0));
  std::string by_rule;
  for (size_t i = 0; i < st.rules.size(); ++i) {
    if (st.first[i] == 0) continue;
    by_rule += fmt::format("{}{} {}", by_rule.empty() ? "" : ", ", st.rules[i], st.first[i]);
  }
  if (!by_rule.empty()) log.info("rejected by: {}", by_rule);
  return Status::ok();
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
  app.add_option("-o,--output", o.output, "Kept rows (default: stdout)")->type_name("OUT")->group("Output");
  app.add_option("--rejected", o.rejected, "Rejected rows, with one added column: the rule that failed")
      ->type_name("FILE")
      ->group("Output");
  app.add_flag("--all-reasons", o.all_reasons, "Name every failed rule (comma-separated), not just the first")
      ->group("Output");
  app.add_flag("--annotate", o.annotate,
               "Write every row to the output with an added column: keep, or the failed rule(s); with --model "
               "also the score")
      ->group("Output");
  app.add_option("--stats", o.stats, "Write the counts (rows in, kept, rejections per rule) as JSON")
      ->type_name("FILE")
      ->group("Output");

  app.add_option("--src-lang", o.src_lang, "Source language (ISO 639-1 or 639-3)")->type_name("L1")->group("Bitext");
  app.add_option("--tgt-lang", o.tgt_lang, "Target language (ISO 639-1 or 639-3)")->type_name("L2")->group("Bitext");
  app.add_option("--src-col", o.src_col, "TSV column of the source (1-based)")
      ->default_val(1)
      ->type_name("N")
      ->group("Bitext");
  app.add_option("--tgt-col", o.tgt_col, "TSV column of the target (1-based)")
      ->default_val(2)
      ->type_name("N")
      ->group("Bitext");
  app.add_option("--model", o.model,
                 "Sentence encoder (bitmill-embed's --model) for the semantic rule; 'default': the bundled model")
      ->type_name("DIR")
      ->group("Bitext");
  app.add_option("--min-score", o.min_score, "Reject pairs whose semantic score is below X (with --model)")
      ->type_name("X")
      ->group("Bitext");
  app.add_flag("--margin", o.margin, "Semantic score: ratio margin within the batch instead of cosine")
      ->group("Bitext");

  app.add_flag("--mono", o.mono, "Web documents (FineWeb/Gopher/C4 rules) instead of bitext")->group("Mono");
  app.add_option("--lang", o.lang, "Mono: keep only documents in this language (ISO 639-1 or 639-3)")
      ->type_name("L")
      ->group("Mono");
  app.add_option("--text-field", o.text_field, "Mono: the JSONL field holding the text")
      ->default_val("text")
      ->type_name("NAME")
      ->group("Mono");
  cli::one_of(app.add_option("--format", o.format, "Mono: input format (auto: JSONL when the first line is an object)"),
              {"auto", "jsonl", "text"})
      ->default_val("auto")
      ->group("Mono");

  app.add_option("--config", o.config, "YAML pipeline file of rules and parameters (see --explain)")
      ->type_name("FILE")
      ->group("Rules");
  app.add_option("--set", o.sets, "Set a parameter, or switch a rule: RULE.PARAM=VALUE, RULE=off (repeatable)")
      ->type_name("RULE.PARAM=V")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->group("Rules");
  app.add_option("--disable", o.disable, "Switch rules off (repeatable, or comma-separated)")
      ->delimiter(',')
      ->type_name("RULE")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->group("Rules");
  app.add_option("--enable", o.enable, "Switch rules on (repeatable, or comma-separated)")
      ->delimiter(',')
      ->type_name("RULE")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->group("Rules");
  app.add_flag("--explain", o.explain, "Print the effective rules and parameters (YAML, reads back with --config)")
      ->group("Rules");
  cli::one_of(app.add_option("--lid", o.lid,
                             "Language ID engine: fastText lid.176, CLD2, or none (auto: fastText "
                             "when its model is found, else CLD2)"),
              {"auto", "fasttext", "cld2", "none"})
      ->default_val("auto")
      ->group("Rules");
  app.add_option("--lid-model", o.lid_model, "fastText language ID model (default: the installed lid.176.ftz)")
      ->type_name("FILE")
      ->group("Rules");

  cli::add_shard_options(app, o.common);
  cli::add_thread_option(app, o.common);
  cli::add_log_options(app, o.common);
  return cli::run(app, argc, argv, log, o.common, [&] { return run_filter_tool(o, log); });
}
