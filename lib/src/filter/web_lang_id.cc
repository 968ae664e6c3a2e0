// The mono `lang-id` rule: its spec and threshold. The rule itself is evaluated by run_filter()
// (filter_run.cc), which identifies each document's language once for this rule, for the
// English-only gopher-stop-words and for the "language" fields it adds; WebFilter skips it.
#include "filter/web_family.h"

namespace bitmill::filter::web {
namespace {

const std::vector<RuleSpec>& rules() {
  static const std::vector<RuleSpec> specs = {
      {"lang-id",
       FilterMode::kMono,
       true,
       "language ID: reject documents not in --lang (when given) or below the confidence threshold",
       {{"min-prob", ParamType::kDoubleMap, "0.65",
         "minimum probability of the top language (per language: min-prob.LANG)"}}},
  };
  return specs;
}

}  // namespace

const FamilyDef kLangIdFamily = {&rules, nullptr};

}  // namespace bitmill::filter::web
