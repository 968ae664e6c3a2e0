// The bitext script rule: most of a side's letters are in the scripts of its language.
#include <algorithm>

#include "filter/bitext_family.h"
#include "filter/foreign_words.h"
#include "filter/rule_params.h"

namespace bitmill::filter::bitext {
namespace {

class Script final : public FamilyBase<Script> {
 public:
  Status read(const Setup& setup) {
    // A language outside the table (see lookup_language in filter_job.cc) has no scripts: its side
    // is skipped.
    for (int s = 0; s < 2; ++s) {
      BITMILL_ASSIGN_OR_RETURN(scripts_[s], parse_scripts(setup.lang[s]->scripts));
    }
    return read_in_range(setup.config, "script", "min-ratio", 0, 1, &min_ratio_);
  }

  void check(Row& row, Verdict& v) const override {
    judge_sides(on_, v, kScript, [&](int s) {
      if (scripts_[s].empty()) return false;
      auto& counts = row.scratch().scripts;
      count_scripts(row.side(s), counts);
      size_t total = 0, in_lang = 0;
      for (const auto& [script, n] : counts) {
        total += n;
        if (std::find(scripts_[s].begin(), scripts_[s].end(), script) != scripts_[s].end()) in_lang += n;
      }
      if (!share_below(in_lang, total, min_ratio_)) return false;
      // Names and acronyms in another script that the other side has too are not foreign text.
      const size_t shared = foreign_letters_shared(row.side(s), scripts_[s], row.side(1 - s));
      return share_below(in_lang, total - std::min(shared, total), min_ratio_);
    });
  }

  // The family's rules, in the order of enum Rule.
  static std::vector<RuleSpec> specs() {
    return {bitext_rule(
        "script",
        "too few of a side's letters are in the scripts of its language (words the other side also has, such as "
        "names in Latin letters, not counted)",
        {double_param("min-ratio", "0.8", "least share of letters in the language's scripts")})};
  }

 private:
  enum Rule : size_t { kScript };

  std::vector<int> scripts_[2];  // ICU script codes of each side's language
  double min_ratio_ = 0;
};

}  // namespace

const FamilyDef kScriptFamily = Script::def();

}  // namespace bitmill::filter::bitext
