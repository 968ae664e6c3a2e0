#include "bitmill/mine/default_threshold.h"

#include <fmt/format.h>

#include "bitmill/base/decimal.h"
#include "bitmill/base/printable.h"

namespace bitmill::mine {
namespace {

std::string setting_text(const std::string& margin, size_t k, const std::string& retrieval) {
  return fmt::format("{} margin, k = {}, {} retrieval", margin, k, retrieval);
}

Expected<std::string> iso639_3(const char* option, const std::string& code) {
  std::string c = code;
  for (char& ch : c) ch = (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch;
  if (!model::is_iso639_3_code(c)) {
    return invalid_argument(
        fmt::format("{}: '{}' is not an ISO 639-3 code (three letters, as 'deu')", option, printable(code)));
  }
  return c;
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

Expected<std::string> lang_pair_key(const std::string& src_lang, const std::string& tgt_lang) {
  if (src_lang.empty() && tgt_lang.empty()) return std::string();
  if (src_lang.empty() || tgt_lang.empty()) {
    return invalid_argument(fmt::format("{} is needed with {} (a threshold is calibrated for a pair of languages)",
                                        src_lang.empty() ? "--src-lang" : "--tgt-lang",
                                        src_lang.empty() ? "--tgt-lang" : "--src-lang"));
  }
  BITMILL_ASSIGN_OR_RETURN(std::string a, iso639_3("--src-lang", src_lang));
  BITMILL_ASSIGN_OR_RETURN(std::string b, iso639_3("--tgt-lang", tgt_lang));
  return a <= b ? a + "-" + b : b + "-" + a;
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
  if (!run.lang_pair.empty()) {
    const auto it = c.pair_thresholds.find(run.lang_pair);
    if (it != c.pair_thresholds.end()) {
      return {it->second, fmt::format("score > {}: the threshold of {} calibrated for {} (its bitmill.json); "
                                      "--threshold T or none overrides it",
                                      it->second, model_name, run.lang_pair)};
    }
    return {c.threshold, fmt::format("score > {}: the calibrated threshold of {} (its bitmill.json has none for {} "
                                     "in particular); --threshold T or none overrides it",
                                     c.threshold, model_name, run.lang_pair)};
  }
  return {c.threshold, fmt::format("score > {}: the calibrated threshold of {} (its bitmill.json); --threshold T or "
                                   "none overrides it",
                                   c.threshold, model_name)};
}

}  // namespace bitmill::mine
