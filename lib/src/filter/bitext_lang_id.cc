// The bitext lang-id rule: each side is in its declared language, by the language identifier.
#include <algorithm>
#include <cmath>
#include <vector>

#include "filter/bitext_family.h"
#include "filter/lang_id_rule.h"
#include "filter/lid_reliability.h"
#include "filter/rule_params.h"

namespace bitmill::filter::bitext {
namespace {

// What rejects a side: another language identified with at least this probability, which falls
// linearly from `short_prob` at `short_chars` non-space characters or fewer to `long_prob` at
// `long_chars` or more (an identifier's top guess on a few words is often confident and wrong).
struct Confidence {
  double short_prob = 0.8, long_prob = 0.5;
  double short_chars = 15, long_chars = 40;

  double needed(double chars) const {
    if (chars <= short_chars) return short_prob;
    if (chars >= long_chars) return long_prob;
    const double t = (chars - short_chars) / (long_chars - short_chars);
    return short_prob + t * (long_prob - short_prob);
  }
};

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
      close_[s] = close_languages(l);
    }
    min_chars_ = setup.config.get_int("lang-id", "min-chars");
    Confidence usual, reliable;
    BITMILL_RETURN_IF_ERROR(read_in_range(setup.config, "lang-id", "confident", 0, 1, &usual.long_prob));
    BITMILL_RETURN_IF_ERROR(read_in_range(setup.config, "lang-id", "confident-short", 0, 1, &usual.short_prob));
    BITMILL_RETURN_IF_ERROR(read_in_range(setup.config, "lang-id", "confident-reliable", 0, 1, &reliable.long_prob));
    BITMILL_RETURN_IF_ERROR(
        read_in_range(setup.config, "lang-id", "confident-short-reliable", 0, 1, &reliable.short_prob));
    double reliable_miss = 0;
    BITMILL_RETURN_IF_ERROR(read_in_range(setup.config, "lang-id", "reliable-miss", 0, 1, &reliable_miss));
    long long short_chars = 0, long_chars = 0, close_chars = 0;
    BITMILL_RETURN_IF_ERROR(read_in_range(setup.config, "lang-id", "short-chars", 0, 1e6, &short_chars));
    BITMILL_RETURN_IF_ERROR(read_in_range(setup.config, "lang-id", "long-chars", 0, 1e6, &long_chars));
    BITMILL_RETURN_IF_ERROR(read_in_range(setup.config, "lang-id", "close-chars", 0, 1e6, &close_chars));
    if (long_chars < short_chars) return invalid_argument("lang-id.long-chars must be at least lang-id.short-chars");
    for (Confidence* c : {&usual, &reliable}) {
      c->short_chars = static_cast<double>(short_chars);
      c->long_chars = static_cast<double>(long_chars);
    }
    for (int s = 0; s < 2; ++s) {
      // A language lid.176 rarely misses on short text gets the lower thresholds.
      const double miss = detail::lid_miss_rate(lang_[s]->iso639_3);
      conf_[s] = miss >= 0 && miss <= reliable_miss ? reliable : usual;
    }
    close_chars_ = static_cast<double>(close_chars);
    return read_in_range(setup.config, "lang-id", "top", 1, 176, &top_);
  }

  void check(Row& row, Verdict& v) const override {
    judge_sides(on_, v, kLangId, [&](int s) {
      const CharCounts& c = row.counts(s);
      if (!lid_side_[s] || static_cast<long long>(c.chars) < min_chars_) return false;
      auto& guesses = row.scratch().guesses;
      lid_->identify(row.side(s), static_cast<size_t>(top_), guesses);
      return rejects(s, static_cast<double>(c.chars - c.spaces), guesses);
    });
  }

  // The family's rules, in the order of enum Rule.
  static std::vector<RuleSpec> specs() {
    return {bitext_rule(
        "lang-id", "language ID: a side is confidently identified as another language (and not as its declared one)",
        {double_map_param("min-prob", "0.05",
                          "a side whose declared language has this probability among the top guesses is kept (per "
                          "language: min-prob.LANG)"),
         double_param("confident", "0.5",
                      "probability of another language that rejects a side of long-chars non-space characters or more"),
         double_param("confident-short", "0.8",
                      "the same for a side of short-chars or fewer (linear in between): short text is often "
                      "misidentified with confidence"),
         double_param("confident-reliable", "0.4",
                      "confident for a side whose language lid.176 rarely misses on short text (reliable-miss)"),
         double_param("confident-short-reliable", "0.6", "confident-short for such a side"),
         double_param("reliable-miss", "0.005",
                      "a language whose short sentences the lower thresholds rejected at most this often (measured "
                      "on parallel data, 84 languages: English, German, French, Spanish, Russian... see the man "
                      "page) gets them (0: only those never missed)"),
         int_param("short-chars", "15", "length (non-space characters) up to which confident-short applies"),
         int_param("long-chars", "40", "length from which confident applies"),
         int_param("close-chars", "60",
                   "a side shorter than this is not rejected for a language close to its own (Afrikaans and Dutch, "
                   "Estonian and Finnish, Czech and Slovak...: close groups, see the man page)"),
         int_param("top", "3", "guesses considered"),
         int_param("min-chars", "0", "sides shorter than this many characters skip language ID")})};
  }

 private:
  enum Rule : size_t { kLangId };

  bool is_close(int s, const Language& guessed) const {
    for (const Language* l : close_[s]) {
      if (l->iso639_3 == guessed.iso639_3) return true;
    }
    return false;
  }

  // Whether the guesses on side s (of `chars` non-space characters) reject it: the declared
  // language (or one same_language() groups with it) below min-prob, and another language at or
  // above the confidence its length needs; on short text, a close language does not count.
  bool rejects(int s, double chars, const std::vector<LangGuess>& guesses) const {
    double declared = 0, other = 0;
    for (const LangGuess& g : guesses) {
      const double p = static_cast<double>(g.prob);
      if (g.language != nullptr && same_language(*lang_[s], *g.language)) {
        declared += p;
      } else if (g.language == nullptr || chars >= close_chars_ || !is_close(s, *g.language)) {
        other = std::max(other, p);
      }
    }
    if (declared >= min_prob_[s]) return false;
    if (std::isnan(declared) || std::isnan(other)) return true;  // a NaN probability fails, as it always has
    return other >= conf_[s].needed(chars);
  }

  const Language* lang_[2] = {nullptr, nullptr};
  const LanguageIdentifier* lid_ = nullptr;
  double min_prob_[2] = {0, 0};
  bool lid_side_[2] = {true, true};  // the side's language is one language ID can name
  std::vector<const Language*> close_[2];
  Confidence conf_[2];
  double close_chars_ = 0;
  long long top_ = 1, min_chars_ = 0;
};

}  // namespace

const FamilyDef kLangIdFamily = LangId::def();

}  // namespace bitmill::filter::bitext
