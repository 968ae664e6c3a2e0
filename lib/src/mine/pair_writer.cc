#include "bitmill/mine/pair_writer.h"

#include <fmt/format.h>

#include <iterator>

#include "bitmill/mine/aligned_scores.h"

namespace bitmill::mine {

Status PairWriter::put(float score, size_t src_line, size_t tgt_line) {
  buf_.clear();
  fmt::format_to(std::back_inserter(buf_), "{}\t", score);  // shortest exact form of the f32
  if (ids_) fmt::format_to(std::back_inserter(buf_), "{}\t{}\t", src_line, tgt_line);
  buf_.append(job_.src.text.line(src_line));
  buf_.push_back('\t');
  buf_.append(job_.tgt.text.line(tgt_line));
  buf_.push_back('\n');
  return out_.write(buf_);
}

Status PairWriter::put_pairs(const std::vector<ScoredPair>& pairs) {
  for (const auto& p : pairs) BITMILL_RETURN_IF_ERROR(put(p.score, job_.src.line_of(p.src), job_.tgt.line_of(p.tgt)));
  return Status::ok();
}

Expected<size_t> write_mined_pairs(OutputStream& out, const Job& job, bool ids, const Neighbors& fwd,
                                   const Neighbors& bwd, const MineOptions& opts) {
  const std::vector<ScoredPair> pairs = mine_pairs(fwd, bwd, opts);
  BITMILL_RETURN_IF_ERROR(PairWriter(out, job, ids).put_pairs(pairs));
  return pairs.size();
}

Expected<size_t> write_aligned_scores(OutputStream& out, const Job& job, bool ids, const Neighbors& fwd,
                                      const Neighbors& bwd, const MineOptions& opts) {
  PairWriter rows(out, job, ids);
  size_t written = 0;
  BITMILL_RETURN_IF_ERROR(score_aligned(job, fwd, bwd, opts.margin, opts.threshold, [&](size_t i, float score) {
    ++written;
    return rows.put(score, i, i);
  }));
  return written;
}

}  // namespace bitmill::mine
