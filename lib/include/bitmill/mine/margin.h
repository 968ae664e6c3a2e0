// Margin-based scoring and retrieval of parallel sentences (Artetxe & Schwenk 2019), with the
// definitions of LASER's mine_bitexts.py:
//
//   score(x, y) = margin(cos(x, y), (mean_k fwd(x) + mean_k bwd(y)) / 2)
//   margin(a, b) = a (absolute), a - b (distance), a / b (ratio)
//
// where mean_k fwd(x) is the mean similarity of x's k nearest targets and mean_k bwd(y) that of
// y's k nearest sources. Each source's forward candidate is its neighbour with the best score
// (the first in neighbour order on ties), each target's backward candidate likewise. Retrieval:
//   fwd        one pair per source: (x, its forward candidate)
//   bwd        one pair per target: (its backward candidate, y)
//   intersect  the forward pairs whose target's backward candidate is that source
//   max        forward and backward pairs together, best score first, kept greedily while neither
//              side has been used (one-to-one)
// The threshold keeps pairs whose score is strictly above it, in every mode (LASER applies it in
// max mode only). Results are sorted by score, decreasing; ties by source, then target index.
// All arithmetic is f32, as LASER's NumPy code on f32 embeddings.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bitmill/base/status.h"
#include "bitmill/mine/knn.h"

namespace bitmill::mine {

enum class Margin { kRatio, kDistance, kAbsolute };
enum class Retrieval { kMax, kFwd, kBwd, kIntersect };

Expected<Margin> parse_margin(const std::string& s);        // ratio|distance|absolute
Expected<Retrieval> parse_retrieval(const std::string& s);  // max|fwd|bwd|intersect

float apply_margin(Margin m, float a, float b);
// score(x, y) for a similarity `sim` and the two neighbourhood means.
float margin_score(Margin m, float sim, float fwd_mean, float bwd_mean);

struct ScoredPair {
  float score = 0;
  int64_t src = 0, tgt = 0;  // positions in the searched row sets
};

struct MineOptions {
  Margin margin = Margin::kRatio;
  Retrieval retrieval = Retrieval::kMax;
  std::optional<float> threshold;  // none: keep every pair the retrieval yields
};

// The options of bitmill-mine's --margin, --retrieval and --threshold (errors as parse_margin's
// and parse_retrieval's).
Expected<MineOptions> parse_mine_options(const std::string& margin, const std::string& retrieval,
                                         std::optional<float> threshold);

// The summary of a mining or scoring run, without its timing: "mined: N pairs from X x Y
// sentences (k = K, ratio margin, max retrieval, score > T)" ("scored: ..." without the retrieval).
// `margin` and `retrieval` as given on the command line.
std::string mining_summary(bool score_mode, size_t written, size_t nx, size_t ny, size_t k, const std::string& margin,
                           const std::string& retrieval, std::optional<float> threshold);

// The mined pairs from forward (source -> target) and backward (target -> source) lists.
std::vector<ScoredPair> mine_pairs(const Neighbors& fwd, const Neighbors& bwd, const MineOptions& opts);

// Sorts by score (decreasing), then source, then target.
void sort_pairs(std::vector<ScoredPair>& pairs);

}  // namespace bitmill::mine
