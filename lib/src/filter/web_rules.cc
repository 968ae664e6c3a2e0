#include "bitmill/filter/web_rules.h"

#include <array>

#include "filter/web_doc.h"
#include "filter/web_family.h"

// Sources: datatrove, src/datatrove/pipeline/filters/, as of 2024, written down from its code; the
// thresholds are those of the papers. Each family's file names its filter and paper, and where it
// differs from datatrove. Common to all of them:
//  - Words: see web_rules.h (white space + split-off punctuation instead of nltk/spaCy).
//  - Invalid UTF-8 bytes count as one character each (U+FFFD, a symbol).
//  - Empty denominators (no tokens, no lines, no characters) pass the ratio rules instead of
//    raising ZeroDivisionError.
//  - datatrove disables a check whose threshold is 0 or None; here rules are switched off by name,
//    and only gopher-words.max, gopher-mean-word-length.max, c4-lines.min-words and
//    c4-lines.max-word-length take 0 for "no limit".

namespace bitmill::filter {

namespace {

// The families in evaluation order (datatrove's FineWeb pipeline); their rules make up
// web_rule_specs(), in this order.
constexpr std::array<const web::FamilyDef*, 5> kFamilies = {
    &web::kLangIdFamily, &web::kGopherRepetitionFamily, &web::kGopherQualityFamily,
    &web::kC4Family,     &web::kFineWebFamily,
};

}  // namespace

const std::vector<RuleSpec>& web_rule_specs() {
  static const std::vector<RuleSpec> specs = [] {
    std::vector<RuleSpec> all;
    for (const web::FamilyDef* f : kFamilies) {
      for (const RuleSpec& r : f->rules()) all.push_back(r);
    }
    return all;
  }();
  return specs;
}

int WebFilter::rule_index(std::string_view name) {
  const auto& specs = web_rule_specs();
  for (size_t i = 0; i < specs.size(); ++i) {
    if (specs[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

struct WebScratch::Impl {
  web::WebDoc doc;
};

WebScratch::WebScratch() : impl_(std::make_unique<Impl>()) {}
WebScratch::~WebScratch() = default;
WebScratch::WebScratch(WebScratch&&) noexcept = default;
WebScratch& WebScratch::operator=(WebScratch&&) noexcept = default;

Expected<WebFilter> WebFilter::create(const RuleConfig& config) {
  if (config.mode() != FilterMode::kMono) return invalid_argument("web rules need a --mono rule configuration");
  if (web_rule_specs().size() > 64) return internal_error("more web rules than check()'s 64-bit mask holds");
  WebFilter f;
  size_t first_bit = 0;
  for (const web::FamilyDef* def : kFamilies) {
    if (def->create != nullptr) {
      BITMILL_ASSIGN_OR_RETURN(std::unique_ptr<const web::Family> family, def->create(config, first_bit));
      for (int english = 0; english < 2; ++english) f.token_needs_[english] |= family->token_needs(english != 0);
      f.families_.push_back(std::move(family));
    }
    first_bit += def->rules().size();
  }
  return f;
}

uint64_t WebFilter::check(std::string_view text, std::string_view lang, bool first_only, WebScratch& scratch,
                          std::string& cleaned, bool* changed) const {
  web::WebDoc& doc = scratch.impl_->doc;
  doc.reset(text, lang, token_needs_[lang == "en" ? 1 : 0], &cleaned, changed);
  Verdict verdict(first_only);
  for (const auto& family : families_) {
    family->check(doc, verdict);
    if (verdict.stopped()) break;
  }
  return verdict.mask();
}

}  // namespace bitmill::filter
