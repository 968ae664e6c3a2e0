// The bitext semantic rule: the sides mean the same, by sentence embeddings. run_filter() evaluates
// it on whole batches (semantic.h); here are its spec and the reading of its parameters.
#include <algorithm>

#include "filter/bitext_family.h"

namespace bitmill::filter::bitext {
namespace {

struct Semantic {
  static std::vector<RuleSpec> specs() {
    return {off_by_default(bitext_rule(
        "semantic", "the sides do not mean the same: sentence-embedding score below the threshold (needs --model)",
        {double_param("min-score", "0.2", "least cosine similarity (or margin score with --margin: try about 0.9)"),
         bool_param("margin", "false", "score with the ratio margin against the batch's k nearest neighbours"),
         int_param("k", "4", "neighbours for the margin")}))};
  }
};

}  // namespace

const FamilyDef kSemanticFamily = FamilyDef::rules_only<Semantic>();

SemanticRule semantic_rule(const RuleConfig& config) {
  SemanticRule r;
  r.min_score = config.get_double("semantic", "min-score");
  r.margin = config.get_bool("semantic", "margin");
  r.k = static_cast<size_t>(std::max(1LL, config.get_int("semantic", "k")));
  return r;
}

}  // namespace bitmill::filter::bitext
