// The bitext script rule: most of a side's letters are in the scripts of its language.
#include <algorithm>

#include "filter/bitext_family.h"
#include "filter/rule_params.h"

namespace bitmill::filter::bitext {
namespace {

enum Rule : size_t { kScript, kNumRules };

const std::vector<RuleSpec>& rules() {
  static const std::vector<RuleSpec> specs = {
      {"script",
       FilterMode::kBitext,
       true,
       "too few of a side's letters are in the scripts of its language",
       {{"min-ratio", ParamType::kDouble, "0.8", "least share of letters in the language's scripts"}}},
  };
  return specs;
}

class Script final : public Family {
 public:
  static Expected<std::unique_ptr<const Family>> create(const Setup& setup, size_t first_bit) {
    auto f = std::make_unique<Script>(setup.config, first_bit);
    // A language outside the table (see lookup_language in filter_job.cc) has no scripts: its side
    // is skipped.
    for (int s = 0; s < 2; ++s) {
      BITMILL_ASSIGN_OR_RETURN(f->scripts_[s], parse_scripts(setup.lang[s]->scripts));
    }
    f->min_ratio_ = setup.config.get_double("script", "min-ratio");
    BITMILL_RETURN_IF_ERROR(check_range("script", "min-ratio", f->min_ratio_, 0, 1));
    return std::unique_ptr<const Family>(std::move(f));
  }
  Script(const RuleConfig& config, size_t first_bit) : on_(config, rules(), first_bit) {}

  void check(Row& row, Verdict& v) const override {
    if (!on_.on(kScript)) return;
    for (int s = 0; s < 2; ++s) {
      if (scripts_[s].empty()) continue;
      auto& counts = row.scratch().scripts;
      count_scripts(row.side(s), counts);
      size_t total = 0, in_lang = 0;
      for (const auto& [script, n] : counts) {
        total += n;
        if (std::find(scripts_[s].begin(), scripts_[s].end(), script) != scripts_[s].end()) in_lang += n;
      }
      if (total > 0 && static_cast<double>(in_lang) < min_ratio_ * static_cast<double>(total)) {
        on_.fail(v, kScript);
        break;
      }
    }
  }

 private:
  FamilyRules on_;
  std::vector<int> scripts_[2];  // ICU script codes of each side's language
  double min_ratio_ = 0;
};

}  // namespace

const FamilyDef kScriptFamily = {&rules, &Script::create};

}  // namespace bitmill::filter::bitext
