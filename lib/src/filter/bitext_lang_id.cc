// The bitext lang-id rule: each side is in its declared language, by the language identifier.
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "filter/bitext_family.h"
#include "filter/lang_id_rule.h"
#include "filter/lid_reliability.h"
#include "filter/rule_params.h"
#include "filter/spelling.h"

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
    BITMILL_RETURN_IF_ERROR(read_in_range(setup.config, "lang-id", "spelling-margin", 0, 1, &spelling_margin_));
    if (on_.on(kLangId)) BITMILL_RETURN_IF_ERROR(open_spellers(setup.config.get_string("lang-id", "dictionaries")));
    return read_in_range(setup.config, "lang-id", "top", 1, 176, &top_);
  }

  void check(Row& row, Verdict& v) const override {
    judge_sides(on_, v, kLangId, [&](int s) {
      const CharCounts& c = row.counts(s);
      if (!lid_side_[s] || static_cast<long long>(c.chars) < min_chars_) return false;
      auto& guesses = row.scratch().guesses;
      lid_->identify(row.side(s), static_cast<size_t>(top_), guesses);
      return rejects(s, static_cast<double>(c.chars - c.spaces), guesses, row.side(s));
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
         string_param("dictionaries", "/usr/share/hunspell",
                      "where the Hunspell dictionaries are (Debian's hunspell-* packages): on a side of close-chars or "
                      "more that language ID gives to a close language, the language whose dictionary knows more of "
                      "its words decides; \"\": language ID alone"),
         double_param("spelling-margin", "0.05",
                      "the close language's dictionary must miss this much less of the words (a share) to reject"),
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

  // Opens the spelling dictionaries of each side's language and of its close languages, where
  // installed in `dir` ("" or none installed: language ID alone decides).
  Status open_spellers(const std::string& dir) {
    if (dir.empty()) return Status::ok();
    for (int s = 0; s < 2; ++s) {
      // The side's own dictionary only when a close language has one: it is never consulted
      // otherwise (German's close languages have none), and a dictionary takes megabytes.
      bool any_close = false;
      for (const Language* l : close_[s]) {
        BITMILL_RETURN_IF_ERROR(open_speller(dir, *l));
        any_close = any_close || speller_for(*l) != nullptr;
      }
      if (any_close) BITMILL_RETURN_IF_ERROR(open_speller(dir, *lang_[s]));
    }
    return Status::ok();
  }

  Status open_speller(const std::string& dir, const Language& l) {
    if (speller_for(l) != nullptr) return Status::ok();
    BITMILL_ASSIGN_OR_RETURN(std::shared_ptr<detail::Speller> sp, detail::open_speller(dir, l));
    if (sp) spellers_.emplace_back(l.iso639_3, std::move(sp));
    return Status::ok();
  }

  const detail::Speller* speller_for(const Language& l) const {
    for (const auto& [code, sp] : spellers_) {
      if (code == l.iso639_3) return sp.get();
    }
    return nullptr;
  }

  // Whether `text` is spelled as the close language `other` rather than as side s's own: its
  // dictionary misses a smaller share of the words, by spelling-margin.
  bool spelled_as(int s, const Language& other, std::string_view text, bool* decided) const {
    const detail::Speller* mine = speller_for(*lang_[s]);
    const detail::Speller* theirs = speller_for(other);
    *decided = mine != nullptr && theirs != nullptr;
    if (!*decided) return false;
    const double own = mine->unknown_share(text), close = theirs->unknown_share(text);
    if (own < 0 || close < 0) {
      *decided = false;
      return false;
    }
    return close + spelling_margin_ < own;
  }

  // Whether the guesses on side s (of `chars` non-space characters) reject it: the declared
  // language (or one same_language() groups with it) below min-prob, and another language at or
  // above the confidence its length needs; on short text, a close language does not count. On a
  // long side that a close language wins, the spelling decides where both dictionaries are
  // installed (whatever the declared language's probability: lid.176 gives Dutch text 0.1 to
  // 0.3 Afrikaans, and Afrikaans news more Dutch than Afrikaans).
  bool rejects(int s, double chars, const std::vector<LangGuess>& guesses, std::string_view text) const {
    double declared = 0, other = 0;
    const Language* other_lang = nullptr;
    // Other languages' probabilities, those same_language() groups added up as the declared
    // one's are ("da" 0.35 and "nn" 0.32 are 0.67 of Danish-Norwegian); at most `top` of them.
    std::pair<const Language*, double> others[8];
    size_t n_others = 0;
    for (const LangGuess& g : guesses) {
      const double p = static_cast<double>(g.prob);
      if (g.language != nullptr && same_language(*lang_[s], *g.language)) {
        declared += p;
      } else if (g.language == nullptr || chars >= close_chars_ || !is_close(s, *g.language)) {
        size_t k = 0;
        while (k < n_others && !(g.language != nullptr && others[k].first != nullptr &&
                                 (others[k].first == g.language || same_language(*others[k].first, *g.language)))) {
          ++k;
        }
        if (k == n_others) {
          if (n_others == std::size(others)) continue;
          others[n_others++] = {g.language, 0.0};
        }
        others[k].second += p;
        if (others[k].second > other || std::isnan(others[k].second)) other_lang = others[k].first;
        other = std::max(other, others[k].second);
      }
    }
    // A NaN probability fails (unless the declared language has min-prob), as it always has.
    if (std::isnan(declared) || std::isnan(other)) return !(declared >= min_prob_[s]);
    const bool confident = other >= conf_[s].needed(chars);
    if (confident && other_lang != nullptr && is_close(s, *other_lang)) {
      bool decided = false;
      const bool spelled = spelled_as(s, *other_lang, text, &decided);
      if (decided) return spelled;
    }
    if (declared >= min_prob_[s]) return false;
    return confident;
  }

  const Language* lang_[2] = {nullptr, nullptr};
  const LanguageIdentifier* lid_ = nullptr;
  double min_prob_[2] = {0, 0};
  bool lid_side_[2] = {true, true};  // the side's language is one language ID can name
  std::vector<const Language*> close_[2];
  Confidence conf_[2];
  double close_chars_ = 0;
  double spelling_margin_ = 0;
  std::vector<std::pair<std::string_view, std::shared_ptr<detail::Speller>>> spellers_;  // by ISO 639-3
  long long top_ = 1, min_chars_ = 0;
};

}  // namespace

const FamilyDef kLangIdFamily = LangId::def();

}  // namespace bitmill::filter::bitext
