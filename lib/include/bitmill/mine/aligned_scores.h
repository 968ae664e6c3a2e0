// Margin scores of given pairs (bitmill-mine score, LASER's mine_bitexts.py --mode score): line i
// of the source with line i of the target, for every i, each scored as mining scores a candidate
// (margin.h) with the neighbourhoods of the full k-NN lists of the job.
//
// Positions. A line is scored through its row in the search: line i itself, or with --unify the
// first occurrence of its sentence (line_positions() maps every line to that position, so a
// repeated sentence gets the scores of its first occurrence's neighbourhood).
//
// score_aligned() calls emit(i, score) in line order for the pairs whose score is strictly above
// `threshold` (every pair without one) and stops at emit's first error. The similarity is
// similarity() of the two rows, normalised. Errors: those of check_aligned(), and emit's.
// Requirements: the job's embeddings are open; fwd holds a list per source position and bwd one
// per target position (knn_both over the job's row sets).
//
// Thread safety: pure functions; score_aligned() runs on the calling thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "bitmill/base/status.h"
#include "bitmill/mine/job.h"
#include "bitmill/mine/margin.h"

namespace bitmill::mine {

// For each line of `side`, its position among the rows searched.
std::vector<int64_t> line_positions(const JobSide& side);

Status score_aligned(const Job& job, const Neighbors& fwd, const Neighbors& bwd, Margin margin,
                     std::optional<float> threshold, const std::function<Status(size_t line, float score)>& emit);

}  // namespace bitmill::mine
