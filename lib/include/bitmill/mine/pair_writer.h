// The rows bitmill-mine writes, one per pair:
//
//   score<TAB>src<TAB>tgt<NEWLINE>                        (default)
//   score<TAB>src_line<TAB>tgt_line<TAB>src<TAB>tgt<NEWLINE>  (ids: 0-based line numbers)
//
// The score is written in the shortest form that reads back as the same f32; src and tgt are the
// lines of the job's sides, verbatim.
//
// put() writes the pair of two line numbers; put_pairs() writes mined pairs, whose positions it
// maps to lines (JobSide::line_of). write_mined_pairs() writes what mine_pairs() finds in a job's
// lists, write_aligned_scores() what score_aligned() scores (line i with line i); both return the
// number of rows written. Errors: the output's write errors (and check_aligned's).
//
// Thread safety: one thread per writer; the job and the output must outlive it.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "bitmill/base/status.h"
#include "bitmill/io/output_stream.h"
#include "bitmill/mine/job.h"
#include "bitmill/mine/margin.h"

namespace bitmill::mine {

class PairWriter {
 public:
  PairWriter(OutputStream& out, const Job& job, bool ids) : out_(out), job_(job), ids_(ids) {}

  Status put(float score, size_t src_line, size_t tgt_line);
  Status put_pairs(const std::vector<ScoredPair>& pairs);

 private:
  OutputStream& out_;
  const Job& job_;
  bool ids_;
  std::string buf_;
};

Expected<size_t> write_mined_pairs(OutputStream& out, const Job& job, bool ids, const Neighbors& fwd,
                                   const Neighbors& bwd, const MineOptions& opts);
Expected<size_t> write_aligned_scores(OutputStream& out, const Job& job, bool ids, const Neighbors& fwd,
                                      const Neighbors& bwd, const MineOptions& opts);

}  // namespace bitmill::mine
