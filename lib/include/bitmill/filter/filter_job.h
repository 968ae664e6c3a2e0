// The bitmill-filter job built from its effective configuration: what `bitmill-filter` does between
// parsing its command line and running run_filter() (filter_run.h).
//
// build_filter_config() makes the RuleConfig: the defaults, then the YAML file (--config), then
// each --set, --disable and --enable in that order, then the semantic flags (--model switches the
// semantic rule on; --min-score and --margin set its parameters and need --model, in bitext mode
// only). FilterJob::create() then looks up the languages, opens language ID and the semantic model
// and makes the rule objects; FilterJob::options() is the FilterOptions for run_filter(), pointing
// into the job.
//
// Languages: ISO 639-1 or 639-3 codes of the language table (language.h). In bitext mode a
// well-formed ISO 639-3 code the table lacks (Berber, Lojban, Kabyle... have corpora but no
// language ID model) is accepted with a warning: the script and lang-id rules skip that side.
// Language ID (--lid): fastText's lid.176 when its model is found (--lid-model, BITMILL_LID_MODEL,
// the installed lid.176.ftz), else CLD2 with a warning; `fasttext` without a model is not_found;
// `cld2` is CLD2; `none` switches bitext lang-id off (mono: no language ID, no language fields).
// The semantic model: --model DIR, or `default` for the bundled model beside the program.
//
// Errors: invalid_argument for a bad option or parameter (naming it: "--set: ...", "--disable:
// ...", "--src-col and --tgt-col name the same column", "RULE.PARAM ..."), the file and line of a
// bad YAML file, not_found for a missing model; messages and warnings are the tool's.
// Thread safety: a FilterJob is immutable after create(); run_filter() shares its objects
// read-only across threads.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bitmill/base/log.h"
#include "bitmill/base/status.h"
#include "bitmill/filter/filter_run.h"
#include "bitmill/filter/rule_config.h"

namespace bitmill::filter {

// The tool's options that shape the job, as given on the command line.
struct FilterJobOptions {
  FilterMode mode = FilterMode::kBitext;
  std::string config;                              // --config FILE, or ""
  std::vector<std::string> sets, disable, enable;  // --set, --disable, --enable, in order
  bool all_reasons = false, annotate = false;
  bool annotate_numbers = false;  // bitext: with annotate, a column with what the numbers rule compared
  // Bitext.
  std::string src_lang, tgt_lang;
  size_t src_col = 1, tgt_col = 2;  // 1-based
  std::string model;                // semantic model directory, "default", or "" for none
  std::optional<double> min_score;  // --min-score
  bool margin = false;              // --margin
  // Mono.
  std::string lang;  // expected language, or "" for any
  std::string text_field = "text";
  std::string format = "auto";  // auto, jsonl, text
  // Language ID.
  std::string lid = "auto";  // auto, fasttext, cld2, none
  std::string lid_model;     // --lid-model FILE, or "" for the default
};

// The effective rule configuration (see above); `--explain` prints its RuleConfig::explain().
Expected<RuleConfig> build_filter_config(const FilterJobOptions& o);

class FilterJob {
 public:
  // Logs the warnings (unknown ISO 639-3 code, CLD2 fallback) and, at debug level, the engine.
  static Expected<std::unique_ptr<FilterJob>> create(const FilterJobOptions& o, RuleConfig config, Log& log);
  ~FilterJob();
  FilterJob(const FilterJob&) = delete;
  FilterJob& operator=(const FilterJob&) = delete;

  const FilterOptions& options() const { return opts_; }

 private:
  struct Parts;
  explicit FilterJob(RuleConfig config);
  Status build_bitext(const FilterJobOptions& o, Log& log);
  Status build_mono(const FilterJobOptions& o, Log& log);

  RuleConfig config_;
  std::unique_ptr<Parts> parts_;
  FilterOptions opts_;
};

// The summary a run ends with: "N rows in, K kept, R rejected (P%) [TIME, RATE/s]" ("documents"
// in mono mode), then "rejected by: RULE N, ..." when any row was rejected.
std::vector<std::string> filter_summary(const FilterStats& stats, FilterMode mode, double seconds);

}  // namespace bitmill::filter
