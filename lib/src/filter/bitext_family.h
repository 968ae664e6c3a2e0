// The rule families of bitmill-filter's bitext mode (private to lib/src/filter). Each family is
// declared once, in its own file (bitext_*.cc): a class on FamilyBase (rule_family.h) with its
// rules' names, help and parameters (specs()), the reading and validation of its parameters
// (read()), and its check. bitext_rules.cc lists the families in evaluation order;
// bitext_rule_specs() and the verdict bits follow that list. Adding a rule to a family touches
// that family's file only; adding a family, its file, its declaration below and one line of the list.
//
// The pair being judged is a Row: both sides as valid UTF-8 (a repaired copy of an invalid side),
// and the features several families use, each computed at most once per pair (character counts,
// sentence ends).
//
// Errors: a family's create() returns invalid_argument naming RULE.PARAM for a value out of range.
// Thread safety: a Family is immutable after create(); check() is const and runs on many threads
// at once, each with its own Row and BitextScratch.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "bitmill/base/status.h"
#include "bitmill/filter/bitext_rules.h"
#include "bitmill/filter/char_counts.h"
#include "bitmill/filter/lang_id.h"
#include "bitmill/filter/language.h"
#include "bitmill/filter/rule_config.h"
#include "bitmill/filter/terminal_punct.h"
#include "filter/rule_family.h"

namespace bitmill::filter::bitext {

// What the families are made from.
struct Setup {
  const RuleConfig& config;
  const Language* lang[2];        // source, target
  const LanguageIdentifier* lid;  // null when lang-id is off
};

class Row {
 public:
  // `valid`: both sides are valid UTF-8. Otherwise an invalid side is read from a repaired copy in
  // scratch (each maximal invalid subpart replaced by U+FFFD), so that every rule after `utf8`
  // sees valid UTF-8.
  Row(std::string_view src, std::string_view tgt, BitextScratch& scratch);

  bool valid() const { return valid_; }
  std::string_view side(int s) const { return side_[s]; }
  BitextScratch& scratch() { return scratch_; }

  // count_chars() of a side.
  const CharCounts& counts(int s) {
    if (!counts_[s]) counts_[s] = count_chars(side_[s]);
    return *counts_[s];
  }
  // terminal_punctuation() of a side.
  Terminal terminal(int s) {
    if (!terminal_[s]) terminal_[s] = terminal_punctuation(side_[s]);
    return *terminal_[s];
  }

 private:
  std::string_view side_[2];
  bool valid_;
  BitextScratch& scratch_;
  std::optional<CharCounts> counts_[2];
  std::optional<Terminal> terminal_[2];
};

class Family {
 public:
  virtual ~Family() = default;
  // Evaluates the family's rules that are on, recording failures in `verdict`; returns as soon as
  // verdict.stopped().
  virtual void check(Row& row, Verdict& verdict) const = 0;
};

// create() is null for a family that run_filter() evaluates (semantic, which embeds whole batches).
using FamilyDef = FamilyDefOf<Family, Setup>;
template <class Derived>
using FamilyBase = RuleFamily<Derived, Family, Setup>;

// Rule r, when it is on, fails the row when side_fails(s) for a side s: once, and the target is not
// looked at when the source fails. True when check() should return now.
template <class SideFails>
bool judge_sides(const FamilyRules& rules, Verdict& v, size_t r, SideFails&& side_fails) {
  return rules.on(r) && (side_fails(0) || side_fails(1)) && rules.fail(v, r);
}

// part < min_share x whole, when whole is not 0 (an empty whole passes). Multiplied rather than
// divided, as the bitext rules always compared.
inline bool share_below(size_t part, size_t whole, double min_share) {
  return whole > 0 && static_cast<double>(part) < min_share * static_cast<double>(whole);
}

// The families, each defined in its own file.
extern const FamilyDef kEncodingFamily;       // bitext_encoding.cc: columns, utf8, empty, mojibake, control-chars
extern const FamilyDef kLengthFamily;         // bitext_length.cc: length, letters
extern const FamilyDef kRepetitionFamily;     // bitext_repetition.cc: repeated-words, identical
extern const FamilyDef kLengthRatioFamily;    // bitext_length_ratio.cc: length-ratio
extern const FamilyDef kNumbersUrlsFamily;    // bitext_numbers_urls.cc: numbers, urls
extern const FamilyDef kTerminalPunctFamily;  // bitext_terminal_punct.cc: terminal-punct
extern const FamilyDef kScriptFamily;         // bitext_script.cc: script
extern const FamilyDef kLangIdFamily;         // bitext_lang_id.cc: lang-id
extern const FamilyDef kSemanticFamily;       // bitext_semantic.cc: semantic

// The semantic rule's parameters (bitext_semantic.cc), for the caller that scores the batches.
struct SemanticRule {
  double min_score = 0;  // semantic.min-score
  bool margin = false;   // semantic.margin
  size_t k = 1;          // semantic.k, at least 1
};
SemanticRule semantic_rule(const RuleConfig& config);

}  // namespace bitmill::filter::bitext
