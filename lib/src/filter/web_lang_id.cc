// The mono `lang-id` rule: its spec and threshold. The rule itself is evaluated by run_filter()
// (filter_run.cc), which identifies each document's language once for this rule, for the
// English-only gopher-stop-words and for the "language" fields it adds; WebFilter skips it.
#include "filter/web_family.h"

namespace bitmill::filter::web {
namespace {

struct LangId {
  static std::vector<RuleSpec> specs() {
    return {mono_rule("lang-id",
                      "language ID: reject documents not in --lang (when given) or below the confidence threshold",
                      {double_map_param("min-prob", "0.65",
                                        "minimum probability of the top language (per language: min-prob.LANG)")})};
  }
};

}  // namespace

const FamilyDef kLangIdFamily = FamilyDef::rules_only<LangId>();

}  // namespace bitmill::filter::web
