#include "bitmill/filter/bitext_rules.h"

#include <array>
#include <cassert>

#include "bitmill/text/utf8.h"
#include "filter/bitext_family.h"

// Defaults follow Bicleaner's hard rules and OpusFilter's filters where they define one; the
// values were checked on the clean pairs of scripts/bench/filter_noise.sh (the share of clean
// pairs each rule rejects is in the man page).

namespace bitmill::filter {

namespace {

// The families in evaluation order, cheapest first; their rules make up bitext_rule_specs(), in
// this order.
constexpr std::array kFamilies = {
    &bitext::kEncodingFamily,    &bitext::kLengthFamily,      &bitext::kRepetitionFamily,
    &bitext::kLengthRatioFamily, &bitext::kNumbersUrlsFamily, &bitext::kTerminalPunctFamily,
    &bitext::kScriptFamily,      &bitext::kLangIdFamily,      &bitext::kSemanticFamily,
};

}  // namespace

const std::vector<RuleSpec>& bitext_rule_specs() { return joined_rules<kFamilies>(); }

size_t BitextFilter::rule_index(std::string_view name) {
  const size_t i = find_rule(bitext_rule_specs(), name);
  assert(i < bitext_rule_specs().size() && "unknown bitext rule");
  return i < bitext_rule_specs().size() ? i : 0;
}

namespace bitext {

Row::Row(std::string_view src, std::string_view tgt, BitextScratch& scratch)
    : side_{src, tgt}, valid_(is_valid_utf8(src) && is_valid_utf8(tgt)), scratch_(scratch) {
  if (valid_) return;
  for (int s = 0; s < 2; ++s) {
    if (is_valid_utf8(side_[s])) continue;
    scratch.repaired[s].clear();
    append_replacing_invalid_utf8(side_[s], scratch.repaired[s]);
    side_[s] = scratch.repaired[s];
  }
}

}  // namespace bitext

Expected<BitextFilter> BitextFilter::create(const RuleConfig& config, const Language& src, const Language& tgt,
                                            const LanguageIdentifier* lid) {
  if (config.mode() != FilterMode::kBitext) return invalid_argument("bitext rules need a bitext configuration");
  if (bitext_rule_specs().size() > 64) return internal_error("more bitext rules than a RuleMask holds");
  const bitext::Setup setup{config, {&src, &tgt}, lid};
  BitextFilter f;
  BITMILL_RETURN_IF_ERROR(create_families(kFamilies, setup, [&](std::unique_ptr<const bitext::Family> family) {
    f.families_.push_back(std::move(family));
  }));
  return f;
}

RuleMask BitextFilter::check(std::string_view src, std::string_view tgt, bool first_only,
                             BitextScratch& scratch) const {
  bitext::Row row(src, tgt, scratch);
  return run_families(families_, row, first_only);
}

}  // namespace bitmill::filter
