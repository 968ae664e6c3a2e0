// The one-line reports of bitmill-index, as text (the tool adds its timing suffix and logs them):
// what a build wrote, what a recall check found, and an index's stored search parameters.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>

#include "bitmill/index/build_stats.h"
#include "bitmill/index/faiss_index.h"
#include "bitmill/index/recall.h"
#include "bitmill/util/shard.h"

namespace bitmill::index {

// ", nprobe N" and ", efSearch M" for the stored parameters that are set; "" for none.
std::string params_text(const FaissIndex& ix);

// What a build wrote to `output`: "OUTPUT: TYPE of N vectors of dimension D (shard I/N), trained
// on T, nprobe P [TIME, RATE/s]", or for --train-only "OUTPUT: TYPE trained on T of R vectors of
// dimension D [TIME, RATE/s]" and, untimed, "OUTPUT: TYPE needs no training: written empty, for
// --trained". `rows` is the number of rows of the embeddings (training samples them), `row_bytes`
// the size of one, `seconds` the build's time; the rate is over the rows trained on and added.
std::string build_summary(const BuildStats& st, const FaissIndex& ix, const std::string& output, uint64_t rows,
                          uint64_t row_bytes, bool train_only, const Shard& shard, double seconds);

// "recall@K R: H of the E exact neighbours of Q sampled rows found (TYPE, nprobe P)".
std::string recall_summary(const RecallReport& r, const FaissIndex& ix);

}  // namespace bitmill::index
