// The bitext rules of bitmill-filter: one verdict per (source, target) pair.
//
// The rules, their parameters and defaults are the table bitext_rule_specs() (rule_config.h);
// `bitmill-filter --explain` prints it and man/bitmill-filter.1.md documents it. Rules run in
// table order, cheapest first; the "first rule that failed" is the first in that order. Rules come
// in families, each declared in its own file (lib/src/filter/bitext_*.cc); the list of families in
// bitext_rules.cc gives the order. The
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
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bitmill/base/status.h"
#include "bitmill/filter/lang_id.h"
#include "bitmill/filter/language.h"
#include "bitmill/filter/rule_config.h"

namespace bitmill::filter {

namespace bitext {
class Family;
}  // namespace bitext

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
  // Errors: a parameter out of range (invalid_argument naming RULE.PARAM; when several are, the
  // first in table order: rules in evaluation order, each rule's parameters as --explain lists
  // them), or the lang-id rule on without an identifier (reported when lang-id's turn comes).
  static Expected<BitextFilter> create(const RuleConfig& config, const Language& src, const Language& tgt,
                                       const LanguageIdentifier* lid);

  // The rules that fail for the pair, except `semantic`. With `first_only` it stops at the
  // first failure (the usual case: only the first reason is reported).
  RuleMask check(std::string_view src, std::string_view tgt, bool first_only, BitextScratch& scratch) const;

  // Index of a rule in bitext_rule_specs() (the rule must exist).
  static size_t rule_index(std::string_view name);

 private:
  BitextFilter() = default;
  std::vector<std::shared_ptr<const bitext::Family>> families_;  // in evaluation order
};

}  // namespace bitmill::filter
