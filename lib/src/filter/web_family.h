// The rule families of `bitmill-filter --mono` (private to lib/src/filter). Each family is declared
// once, in its own file: a class on FamilyBase (rule_family.h) with its rules' names, help and
// parameters (specs()), the reading and validation of its parameters (read()), and its check.
// web_rules.cc lists the families in evaluation order; web_rule_specs() and the verdict bits
// follow that list. Adding a rule to a family touches that family's file only; adding a family,
// its file, its declaration below and one line of the list.
//
// Errors: a family's create() returns invalid_argument naming RULE.PARAM for a bad value.
// Thread safety: a Family is immutable after create(); check() is const and runs on many threads
// at once, each with its own WebDoc.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "bitmill/base/status.h"
#include "bitmill/filter/rule_config.h"
#include "filter/rule_family.h"
#include "filter/web_doc.h"

namespace bitmill::filter::web {

class Family {
 public:
  virtual ~Family() = default;
  // What the family needs of WebDoc::tokens() (TokenNeed bits) for documents in English or not.
  virtual uint32_t token_needs(bool english) const = 0;
  // Evaluates the family's rules that are on, recording failures in `verdict`; returns as soon as
  // verdict.stopped().
  virtual void check(WebDoc& doc, Verdict& verdict) const = 0;
};

// What the families are made from.
struct Setup {
  const RuleConfig& config;
};

// create() is null for a family the caller evaluates (lang-id, which needs the language
// identifier).
using FamilyDef = FamilyDefOf<Family, Setup>;
template <class Derived>
using FamilyBase = RuleFamily<Derived, Family, Setup>;

// num / den above max, or below min, when den is not 0 (an empty denominator passes, see
// web_rules.cc).
inline bool ratio_above(size_t num, size_t den, double max) {
  return den > 0 && static_cast<double>(num) / static_cast<double>(den) > max;
}
inline bool ratio_below(size_t num, size_t den, double min) {
  return den > 0 && static_cast<double>(num) / static_cast<double>(den) < min;
}

// The families, each defined in its own file (web_*.cc).
extern const FamilyDef kLangIdFamily;            // web_lang_id.cc
extern const FamilyDef kGopherRepetitionFamily;  // web_gopher_repetition.cc
extern const FamilyDef kGopherQualityFamily;     // web_gopher_quality.cc
extern const FamilyDef kC4Family;                // web_c4.cc
extern const FamilyDef kFineWebFamily;           // web_fineweb.cc

}  // namespace bitmill::filter::web
