// Monolingual web-document rules of `bitmill-filter --mono`: the heuristics of datatrove's
// GopherRepetitionFilter, GopherQualityFilter, C4QualityFilter and FineWebQualityFilter (the
// FineWeb pipeline), one rule per threshold so that each can be switched off and named as the
// reason of a rejection.
//
// Rules, in evaluation order (= the order of web_rule_specs(), = bit i of check()'s mask):
//   lang-id                        evaluated by the caller with the LID engine; WebFilter skips it
//   gopher-dup-paragraphs ...      Gopher repetition (paragraph/line duplicates, top n-grams 2..4,
//   gopher-dup-10grams             duplicated n-grams 5..10)
//   gopher-words ...               Gopher quality (word count, mean word length, # and ellipsis per
//   gopher-stop-words              word, bullet lines, ellipsis lines, alphabetic words, stop words)
//   c4-lines                       C4's line-level cleanup: rewrites the text (see check())
//   c4-lorem-ipsum, c4-curly-bracket, c4-min-sentences
//   fineweb-line-punct ...         FineWeb quality (lines ending in punctuation, short lines,
//   fineweb-newlines               duplicated line characters, newlines per word)
// This is datatrove's FineWeb order (language, Gopher repetition, Gopher quality, C4, FineWeb):
// the Gopher rules see the document as given (paragraphs need its blank lines, which C4's rewrite
// drops); the C4 document rules and the FineWeb rules see C4's cleaned text.
// Each family (lang-id, Gopher repetition, Gopher quality, C4, FineWeb) is declared in its own file,
// lib/src/filter/web_*.cc, with its sources and where it differs from datatrove; the list of
// families in web_rules.cc gives the order.
//
// Words: datatrove tokenises with nltk/spaCy; here a word is a run of non-white-space characters
// (Python's str.isspace) with its leading and trailing punctuation split off, each run of one
// repeated punctuation character a token of its own ("end." -> "end" "."; "(see" -> "(" "see";
// "..." stays one token). Punctuation = Unicode P*, S* and Cc. Unlike nltk: clitics stay attached
// ("don't" is one token, nltk: "do" "n't"), "U.S." loses its final ".", and scripts written without
// spaces (Chinese, Japanese, Thai) get one "word" per space-separated run, so the word-based Gopher
// rules mean little there. Lengths and ratios count Unicode code points, as Python's len() does.
//
// Errors: create() returns invalid_argument for a non-mono config or a bad value (negative
// threshold, min above max, invalid UTF-8 in a string parameter).
// Thread safety: a WebFilter is immutable after create(); check() is const and may run on many
// threads at once, each with its own WebScratch.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bitmill/base/status.h"
#include "bitmill/filter/rule_config.h"

namespace bitmill::filter {

namespace web {
class Family;
}  // namespace web

// Per-thread working memory of WebFilter::check(): token, hash and line buffers that grow to the
// largest document seen and are then reused (no heap allocation per document in steady state).
class WebScratch {
 public:
  WebScratch();
  ~WebScratch();
  WebScratch(WebScratch&&) noexcept;
  WebScratch& operator=(WebScratch&&) noexcept;

 private:
  friend class WebFilter;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class WebFilter {
 public:
  // Reads every rule's switch and parameters from `config` (its mode must be kMono).
  static Expected<WebFilter> create(const RuleConfig& config);

  // Applies the enabled rules (lang-id excepted) in table order to one document and returns a
  // mask: bit i set = rule i of web_rule_specs() failed. All rules are evaluated unless
  // `first_only`, which stops at the first failure. `lang` is the document's ISO 639-1 code (""
  // unknown): gopher-stop-words only runs when it is "en" (its word list is English).
  // c4-lines rewrites the text (drops lines, removes citations, joins the kept lines with "\n");
  // when that changes it, `cleaned` receives the new text, *changed is set to true, and the rules
  // after c4-lines see the new text; otherwise `cleaned` is left alone and *changed is false.
  // c4-lines itself fails when no line survives.
  uint64_t check(std::string_view text, std::string_view lang, bool first_only, WebScratch& scratch,
                 std::string& cleaned, bool* changed) const;

  // Index of a rule in web_rule_specs() (its bit in check()'s mask), -1 when there is none.
  static int rule_index(std::string_view name);

 private:
  WebFilter() = default;
  std::vector<std::shared_ptr<const web::Family>> families_;  // in evaluation order
  uint32_t token_needs_[2] = {0, 0};                          // what they need of tokens: [english]
};

}  // namespace bitmill::filter
