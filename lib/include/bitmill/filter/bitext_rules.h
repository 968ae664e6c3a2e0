// The bitext rules of bitmill-filter: one verdict per (source, target) pair.
//
// The rules, their parameters and defaults are the table bitext_rule_specs() (rule_config.h);
// `bitmill-filter --explain` prints it and man/bitmill-filter.1.md documents it. Rules run in
// table order, cheapest first; the "first rule that failed" is the first in that order. The
// `semantic` rule needs sentence embeddings of a whole batch, so check() leaves it to the caller
// (filter_run.h), which embeds the rows that passed the other rules.
//
// Inputs may contain invalid UTF-8 (the `utf8` rule rejects such rows); every other rule sees
// valid UTF-8 (a repaired copy when `utf8` is switched off).
//
// Thread safety: a BitextFilter is immutable after create(); check() is const and re-entrant,
// with one BitextScratch per thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bitmill/base/status.h"
#include "bitmill/filter/lang_id.h"
#include "bitmill/filter/language.h"
#include "bitmill/filter/rule_config.h"

namespace bitmill::filter {

// Reused buffers of one thread.
struct BitextScratch {
  std::string repaired[2];
  std::vector<std::string> numbers[2];
  std::vector<std::string> urls[2];
  std::vector<std::pair<int, size_t>> scripts;
  std::vector<LangGuess> guesses;
};

// Bit i of a verdict: rule i of bitext_rule_specs() failed.
using RuleMask = uint64_t;

class BitextFilter {
 public:
  // `lid` may be null only when the lang-id rule is off; it must outlive the filter. A language
  // that find_language() does not know (a bare entry made by the caller: code only, no scripts)
  // is judged by every rule but `script` and `lang-id`; a language `lid` cannot name
  // (LanguageIdentifier::can_name) skips `lang-id` on its side.
  // Errors: a parameter out of range (invalid_argument naming RULE.PARAM).
  static Expected<BitextFilter> create(const RuleConfig& config, const Language& src, const Language& tgt,
                                       const LanguageIdentifier* lid);

  // The rules that fail for the pair, except `semantic`. With `first_only` it stops at the
  // first failure (the usual case: only the first reason is reported).
  RuleMask check(std::string_view src, std::string_view tgt, bool first_only, BitextScratch& scratch) const;

  // Index of a rule in bitext_rule_specs() (the rule must exist).
  static size_t rule_index(std::string_view name);

 private:
  struct Params {
    bool on[64] = {};
    long long max_controls = 0, max_mojibake = 0;
    long long min_words = 1, max_words = 0, min_chars = 1, max_chars = 0;
    double min_letters = 0;
    long long max_word_run = 0;
    double max_similarity = 1;
    double max_ratio = 0, cjk_weight = 1;
    long long ratio_min_chars = 0;
    bool numbers_one_sided = false;
    bool terminal_strict = false, terminal_exclamation = false;
    bool format_junk[2] = {false, false};  // count format characters as controls on this side
    double max_cut = 0;
    long long lid_top = 1;
    bool lid_side[2] = {true, true};  // the side's language is one language ID can name
    double min_script[2] = {0, 0};
    double min_prob[2] = {0, 0};
    long long lid_min_chars = 0;
  };
  BitextFilter() = default;

  const Language* lang_[2] = {nullptr, nullptr};
  std::vector<int> scripts_[2];  // ICU script codes of each side's language
  const LanguageIdentifier* lid_ = nullptr;
  Params p_;
};

}  // namespace bitmill::filter
