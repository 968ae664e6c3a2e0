// How bitmill-mine chooses its score threshold.
//
//   --threshold T      keep the pairs scoring strictly above T (T a decimal number, not NaN;
//                      -inf keeps every pair)
//   --threshold none   keep every pair the retrieval yields
//   no --threshold     the threshold the model directory carries (model/mining_calibration.h), when
//                      the run mines under the setting it was calibrated for: the same margin, k and
//                      retrieval, and embeddings of the model's dimension (a different dimension
//                      means the embeddings came from another model). Otherwise every pair is kept.
//                      With --src-lang and --tgt-lang, the threshold calibrated for that language pair
//                      when the model has one (bitmill.json's pair_thresholds), else its default.
//
// choose_threshold() returns the threshold and a note for the log (empty when --threshold was
// given: the summary line shows it), e.g. "score > 1.0625: the calibrated threshold of the
// default model (its bitmill.json); --threshold T or none overrides it" or "models/x has no
// calibrated threshold (bitmill.json): keeping every pair; --threshold T sets one".
//
// lang_pair_key() turns --src-lang/--tgt-lang into pair_thresholds' key: ISO 639-3 codes, lower-cased,
// in alphabetical order ("eng", "DEU" -> "deu-eng"; mining is symmetric in its two sides). Both or
// neither: "" when neither was given. Errors (invalid argument): "--src-lang: 'de' is not an ISO 639-3
// code (three letters, as 'deu')", "--tgt-lang is needed with --src-lang (a threshold is calibrated
// for a pair of languages)".
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "bitmill/base/status.h"
#include "bitmill/model/mining_calibration.h"

namespace bitmill::mine {

struct ThresholdArg {
  bool given = false;          // --threshold was on the command line
  std::optional<float> value;  // its value; none with given: --threshold none
};

// "" (not given), "none", or a decimal number; anything else is an invalid argument:
// "--threshold: expected a number or 'none', not 'x'".
Expected<ThresholdArg> parse_threshold_arg(const std::string& text);

Expected<std::string> lang_pair_key(const std::string& src_lang, const std::string& tgt_lang);

// The run's setting, as the calibration names it.
struct MiningSetting {
  std::string margin, retrieval;
  size_t k = 0;
  size_t dim = 0;         // of the embeddings mined
  std::string lang_pair;  // lang_pair_key(), "" when the languages were not given
};

struct ThresholdChoice {
  std::optional<float> threshold;
  std::string note;
};

// `model_name`: the model the calibration was read from, as the log names it (its directory, or "the
// default model"); empty: no model directory was found, and `calibration` is none.
ThresholdChoice choose_threshold(const ThresholdArg& arg, const std::optional<model::MiningCalibration>& calibration,
                                 const std::string& model_name, const MiningSetting& run);

}  // namespace bitmill::mine
