// BUCC-style evaluation of mined pairs against a gold standard of sentence pairs, both given as
// 0-based line numbers into the source and target texts.
//
//   mined  bitmill-mine --ids output: score<TAB>src_line<TAB>tgt_line[<TAB>src<TAB>tgt...], rows
//          in any order; columns after the third are ignored (only their bytes are read).
//   gold   src_line<TAB>tgt_line per row; further columns are ignored.
//
// A trailing '\r' (CRLF files) is ignored. Any other deviation (an empty line, a missing column,
// a line number that is not a plain non-negative integer, a score that is not a number or is NaN)
// is a data error naming file and line: "mined.tsv:3: column 2: 'x' is not a line number".
// A pair mined more than once counts once, at its highest score; duplicate gold rows count once.
// An empty gold standard is an error (recall would be undefined); an empty mined file is not.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bitmill/base/status.h"
#include "bitmill/eval/metrics.h"

namespace bitmill::eval {

using LinePair = std::pair<int64_t, int64_t>;  // (source line, target line), 0-based

struct MinedPair {
  double score = 0;
  LinePair lines;
};

// One line (without its '\n'); errors name the column but not the file.
Status parse_mined_line(std::string_view line, MinedPair& out);
Status parse_gold_line(std::string_view line, LinePair& out);

// Every row of the file (.gz and .zst by content).
Expected<std::vector<MinedPair>> read_mined(const std::string& path);
// The distinct gold pairs, sorted.
Expected<std::vector<LinePair>> read_gold(const std::string& path);

// Each distinct mined pair once, at its highest score, judged against `gold` (sorted, distinct).
std::vector<Judged> judge(std::vector<MinedPair> mined, const std::vector<LinePair>& gold);

struct BuccResult {
  size_t mined_rows = 0;    // rows read from the mined file
  size_t distinct = 0;      // distinct mined pairs
  size_t gold = 0;          // distinct gold pairs
  Prf at_threshold;         // score > threshold (every pair without one)
  std::optional<Cut> best;  // none when nothing was mined
};

Expected<BuccResult> evaluate_bucc(const std::string& mined_path, const std::string& gold_path,
                                   std::optional<double> threshold);

}  // namespace bitmill::eval
