// The bitext lang-id rule: each side is in its declared language, by the language identifier.
#include "filter/bitext_family.h"
#include "filter/lang_id_rule.h"
#include "filter/rule_params.h"

namespace bitmill::filter::bitext {
namespace {

enum Rule : size_t { kLangId, kNumRules };

const std::vector<RuleSpec>& rules() {
  using P = ParamType;
  static const std::vector<RuleSpec> specs = {
      {"lang-id",
       FilterMode::kBitext,
       true,
       "language ID: a side is not in its declared language, or not confidently",
       {{"min-prob", P::kDoubleMap, "0.1",
         "least probability of the declared language among the top guesses (per language: min-prob.LANG)"},
        {"top", P::kInt, "3", "guesses considered"},
        {"min-chars", P::kInt, "0", "sides shorter than this many characters skip language ID"}}},
  };
  return specs;
}

class LangId final : public Family {
 public:
  static Expected<std::unique_ptr<const Family>> create(const Setup& setup, size_t first_bit) {
    const RuleConfig& c = setup.config;
    auto f = std::make_unique<LangId>(setup, first_bit);
    if (f->on_.on(kLangId) && setup.lid == nullptr) {
      return invalid_argument("the lang-id rule needs a language identifier");
    }
    for (int s = 0; s < 2; ++s) {
      const Language& l = *setup.lang[s];
      f->min_prob_[s] = lang_id_min_prob(c, l);
      BITMILL_RETURN_IF_ERROR(check_range("lang-id", "min-prob", f->min_prob_[s], 0, 1));
      // A language outside the table (see lookup_language in filter_job.cc) has no LID label. Nor
      // does a language the identifier cannot name (lid.176 has no Klingon or Zulu label).
      f->lid_side_[s] = find_language(l.iso639_3).has_value() && (setup.lid == nullptr || setup.lid->can_name(l));
    }
    f->top_ = c.get_int("lang-id", "top");
    f->min_chars_ = c.get_int("lang-id", "min-chars");
    BITMILL_RETURN_IF_ERROR(check_range("lang-id", "top", static_cast<double>(f->top_), 1, 176));
    return std::unique_ptr<const Family>(std::move(f));
  }
  LangId(const Setup& setup, size_t first_bit)
      : on_(setup.config, rules(), first_bit), lang_{setup.lang[0], setup.lang[1]}, lid_(setup.lid) {}

  void check(Row& row, Verdict& v) const override {
    if (!on_.on(kLangId)) return;
    auto& guesses = row.scratch().guesses;
    for (int s = 0; s < 2; ++s) {
      if (!lid_side_[s] || static_cast<long long>(row.counts(s).chars) < min_chars_) continue;
      // The declared language's probability among the top guesses: short sentences often get a
      // close relative as the top guess with the right language second.
      lid_->identify(row.side(s), static_cast<size_t>(top_), guesses);
      double prob = 0;
      for (const LangGuess& g : guesses) {
        if (g.language != nullptr && same_language(*lang_[s], *g.language)) prob += static_cast<double>(g.prob);
      }
      if (prob < min_prob_[s]) {
        on_.fail(v, kLangId);
        break;
      }
    }
  }

 private:
  FamilyRules on_;
  const Language* lang_[2];
  const LanguageIdentifier* lid_;
  double min_prob_[2] = {0, 0};
  bool lid_side_[2] = {true, true};  // the side's language is one language ID can name
  long long top_ = 1, min_chars_ = 0;
};

}  // namespace

const FamilyDef kLangIdFamily = {&rules, &LangId::create};

}  // namespace bitmill::filter::bitext
