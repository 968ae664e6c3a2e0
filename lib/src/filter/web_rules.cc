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
constexpr std::array kFamilies = {
    &web::kLangIdFamily, &web::kGopherRepetitionFamily, &web::kGopherQualityFamily,
    &web::kC4Family,     &web::kFineWebFamily,
};

}  // namespace

const std::vector<RuleSpec>& web_rule_specs() { return joined_rules<kFamilies>(); }

int WebFilter::rule_index(std::string_view name) {
  const size_t i = find_rule(web_rule_specs(), name);
  return i < web_rule_specs().size() ? static_cast<int>(i) : -1;
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
  BITMILL_RETURN_IF_ERROR(
      create_families(kFamilies, web::Setup{config}, [&](std::unique_ptr<const web::Family> family) {
        for (int english = 0; english < 2; ++english) f.token_needs_[english] |= family->token_needs(english != 0);
        f.families_.push_back(std::move(family));
      }));
  return f;
}

uint64_t WebFilter::check(std::string_view text, std::string_view lang, bool first_only, WebScratch& scratch,
                          std::string& cleaned, bool* changed) const {
  web::WebDoc& doc = scratch.impl_->doc;
  doc.reset(text, lang, token_needs_[lang == "en" ? 1 : 0], &cleaned, changed);
  return run_families(families_, doc, first_only);
}

}  // namespace bitmill::filter
