// The thresholds of the `lang-id` rule of either mode (private to lib/src/filter): lang-id.min-prob,
// a map parameter whose per-language values may be keyed by either ISO 639 code.
//
// Thread safety: pure functions.
#pragma once

#include "bitmill/filter/language.h"
#include "bitmill/filter/rule_config.h"

namespace bitmill::filter {

// lang-id.min-prob for a side or document declared as `lang`.
double lang_id_min_prob(const RuleConfig& config, const Language& lang);

// The mono lang-id threshold: for the expected language (--lang) when there is one, else the
// parameter's own value.
double mono_lang_id_min_prob(const RuleConfig& config, const Language* expected);

}  // namespace bitmill::filter
