// bitmill-align pair: which documents of SRC are translations of which documents of TGT (any
// order, any counts; doc_pairing.h states the method), and optionally the sentence alignment of
// each pair found.
//
// Output: one line per pair, in order of the source document:
//   src_doc <TAB> tgt_doc <TAB> score
// (0-based document indices in SRC and TGT, the cosine of the document vectors). With a beads
// output, every pair's alignment as align_run.h writes it, its first column the source
// document's index (line numbers are the files').
//
// Both collections are held in memory (their sentences, and one vector of 16 x dim floats per
// document); the scores are computed on all cores, 1000 x 1000 documents in about a second.
//
// Thread safety: run_pair() is re-entrant.
#pragma once

#include <cstdint>
#include <string>

#include "bitmill/align/vecalign.h"
#include "bitmill/base/status.h"
#include "bitmill/encoder/sentence_encoder.h"
#include "bitmill/io/output_stream.h"
#include "bitmill/text/utf8.h"

namespace bitmill::align {

struct PairRunOptions {
  float threshold = 0.35f;
  Params params;  // for the beads
  InvalidUtf8Policy utf8 = InvalidUtf8Policy::kFail;
};

struct PairStats {
  uint64_t src_docs = 0, tgt_docs = 0, pairs = 0, beads = 0;
};

// beads may be null (pairs only).
Expected<PairStats> run_pair(const std::string& src_path, const std::string& tgt_path,
                             const encoder::SentenceEncoder& enc, OutputStream& pairs, OutputStream* beads,
                             const PairRunOptions& opts);

}  // namespace bitmill::align
