// bitmill.json: what a model directory tells bitmill's tools beyond the sentence-transformers
// layout. Today one block, the margin threshold calibrated for mining with this model:
//
//   {"mining": {"margin": "ratio", "k": 4, "retrieval": "max", "threshold": 1.0625, "dim": 256,
//               "pair_thresholds": {"deu-eng": 1.2125, "eng-pan": 1.0775},
//               "calibrated_on": "dev/mine (7 tasks), dev/ntrex planted (46 tasks): ..."}}
//
// "threshold" is the default for any pair of languages; "pair_thresholds" (optional) those
// calibrated for a language pair, keyed by its two ISO 639-3 codes in alphabetical order (the
// order of the training corpus's file names), applied when bitmill-mine is told the languages.
//
// The threshold belongs to the setting it was calibrated under (margin, k, retrieval) and to the
// model's embeddings (dim); bitmill-mine applies it only under that setting (mine/default_threshold.h).
// scripts/train/calibrate.py writes the file. sentence-transformers ignores it.
//
// read_mining_calibration(dir): none when DIR/bitmill.json does not exist or has no "mining" block;
// a data error naming the file and the key when it is malformed: "M/bitmill.json: 'k' must be a
// non-negative integer, not a string", "M/bitmill.json: mining 'threshold' must be a finite number",
// "M/bitmill.json: mining 'margin' must be ratio, distance or absolute, not 'cosine'",
// "M/bitmill.json: mining 'pair_thresholds' key 'eng-deu' must be two ISO 639-3 codes in
// alphabetical order, as 'deu-eng'". Unknown keys are ignored (later versions may add some).
//
// Thread safety: pure function over the file system.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "bitmill/base/status.h"

namespace bitmill::model {

struct MiningCalibration {
  std::string path;       // the file read
  std::string margin;     // ratio | distance | absolute
  std::string retrieval;  // max | fwd | bwd | intersect
  size_t k = 0;           // neighbours in each direction
  size_t dim = 0;         // the dimension of the model's embeddings
  float threshold = 0;    // keep pairs whose score is strictly above it
  // Per language pair ("deu-eng": ISO 639-3 codes, alphabetical), where one was calibrated.
  std::map<std::string, float> pair_thresholds;
  std::string calibrated_on;  // free text, for the log and the card
};

Expected<std::optional<MiningCalibration>> read_mining_calibration(const std::string& model_dir);

// True for a language code as pair_thresholds' keys spell it: three lowercase ASCII letters.
bool is_iso639_3_code(std::string_view code);

}  // namespace bitmill::model
