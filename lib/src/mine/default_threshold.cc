#include "bitmill/mine/default_threshold.h"

#include <fmt/format.h>

#include "bitmill/base/decimal.h"

namespace bitmill::mine {
namespace {

std::string setting_text(const std::string& margin, size_t k, const std::string& retrieval) {
  return fmt::format("{} margin, k = {}, {} retrieval", margin, k, retrieval);
}

constexpr const char* kKeepAll = "keeping every pair; --threshold T sets one";

}  // namespace

Expected<ThresholdArg> parse_threshold_arg(const std::string& text) {
  ThresholdArg a;
  if (text.empty()) return a;
  a.given = true;
  if (text == "none") return a;
  const std::optional<double> v = parse_decimal(text);  // cli::a_number()'s grammar
  if (!v) return invalid_argument(fmt::format("--threshold: expected a number or 'none', not '{}'", text));
  a.value = static_cast<float>(*v);
  return a;
}

ThresholdChoice choose_threshold(const ThresholdArg& arg, const std::optional<model::MiningCalibration>& calibration,
                                 const std::string& model_name, const MiningSetting& run) {
  if (arg.given) return {arg.value, ""};
  if (model_name.empty()) {
    return {std::nullopt,
            fmt::format("no model directory (--model, $BITMILL_MODEL or the bundled default), so no calibrated "
                        "threshold: {}",
                        kKeepAll)};
  }
  if (!calibration) {
    return {std::nullopt, fmt::format("{} has no calibrated threshold (bitmill.json): {}", model_name, kKeepAll)};
  }
  const model::MiningCalibration& c = *calibration;
  if (c.dim != run.dim) {
    return {std::nullopt,
            fmt::format("the embeddings have dimension {} but {} embeds in {}: they come from another model, so its "
                        "calibrated threshold does not apply (--model DIR names theirs); {}",
                        run.dim, model_name, c.dim, kKeepAll)};
  }
  if (c.margin != run.margin || c.k != run.k || c.retrieval != run.retrieval) {
    return {std::nullopt, fmt::format("the calibrated threshold of {} is for {}, not {}: {}", model_name,
                                      setting_text(c.margin, c.k, c.retrieval),
                                      setting_text(run.margin, run.k, run.retrieval), kKeepAll)};
  }
  return {c.threshold, fmt::format("score > {}: the calibrated threshold of {} (its bitmill.json); --threshold T or "
                                   "none overrides it",
                                   c.threshold, model_name)};
}

}  // namespace bitmill::mine
