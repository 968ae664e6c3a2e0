// The bitext lang-id rule: each side is in its declared language, by the language identifier.
#include "filter/bitext_family.h"
#include "filter/lang_id_rule.h"
#include "filter/rule_params.h"

namespace bitmill::filter::bitext {
namespace {

class LangId final : public FamilyBase<LangId> {
 public:
  Status read(const Setup& setup) {
    if (on_.on(kLangId) && setup.lid == nullptr) {
      return invalid_argument("the lang-id rule needs a language identifier");
    }
    lid_ = setup.lid;
    for (int s = 0; s < 2; ++s) {
      const Language& l = *setup.lang[s];
      lang_[s] = &l;
      min_prob_[s] = lang_id_min_prob(setup.config, l);
      BITMILL_RETURN_IF_ERROR(check_range("lang-id", "min-prob", min_prob_[s], 0, 1));
      // A language outside the table (see lookup_language in filter_job.cc) has no LID label. Nor
      // does a language the identifier cannot name (lid.176 has no Klingon or Zulu label).
      lid_side_[s] = find_language(l.iso639_3).has_value() && (lid_ == nullptr || lid_->can_name(l));
    }
    min_chars_ = setup.config.get_int("lang-id", "min-chars");
    return read_in_range(setup.config, "lang-id", "top", 1, 176, &top_);
  }

  void check(Row& row, Verdict& v) const override {
    judge_sides(on_, v, kLangId, [&](int s) {
      if (!lid_side_[s] || static_cast<long long>(row.counts(s).chars) < min_chars_) return false;
      // The declared language's probability among the top guesses: short sentences often get a
      // close relative as the top guess with the right language second.
      auto& guesses = row.scratch().guesses;
      lid_->identify(row.side(s), static_cast<size_t>(top_), guesses);
      double prob = 0;
      for (const LangGuess& g : guesses) {
        if (g.language != nullptr && same_language(*lang_[s], *g.language)) prob += static_cast<double>(g.prob);
      }
      return !(prob >= min_prob_[s]);  // a NaN probability fails, as it always has
    });
  }

  // The family's rules, in the order of enum Rule.
  static std::vector<RuleSpec> specs() {
    return {
        bitext_rule("lang-id", "language ID: a side is not in its declared language, or not confidently",
                    {double_map_param("min-prob", "0.1",
                                      "least probability of the declared language among the top guesses (per language: "
                                      "min-prob.LANG)"),
                     int_param("top", "3", "guesses considered"),
                     int_param("min-chars", "0", "sides shorter than this many characters skip language ID")})};
  }

 private:
  enum Rule : size_t { kLangId };

  const Language* lang_[2] = {nullptr, nullptr};
  const LanguageIdentifier* lid_ = nullptr;
  double min_prob_[2] = {0, 0};
  bool lid_side_[2] = {true, true};  // the side's language is one language ID can name
  long long top_ = 1, min_chars_ = 0;
};

}  // namespace

const FamilyDef kLangIdFamily = LangId::def();

}  // namespace bitmill::filter::bitext
