#include "filter/lang_id_rule.h"

#include <string>
#include <string_view>

namespace bitmill::filter {

double lang_id_min_prob(const RuleConfig& config, const Language& lang) {
  // The ISO 639-3 code's value, else the ISO 639-1 code's (which wins when both are set).
  const auto& per = config.get_map("lang-id", "min-prob");
  double v = config.get_double("lang-id", "min-prob");
  for (std::string_view code : {lang.iso639_3, lang.iso639_1}) {
    if (auto it = per.find(std::string(code)); !code.empty() && it != per.end()) v = it->second;
  }
  return v;
}

double mono_lang_id_min_prob(const RuleConfig& config, const Language* expected) {
  return expected != nullptr ? lang_id_min_prob(config, *expected) : config.get_double("lang-id", "min-prob");
}

}  // namespace bitmill::filter
