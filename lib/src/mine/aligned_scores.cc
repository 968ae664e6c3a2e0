#include "bitmill/mine/aligned_scores.h"

#include <string_view>
#include <unordered_map>

namespace bitmill::mine {

std::vector<int64_t> line_positions(const JobSide& side) {
  std::vector<int64_t> pos(side.text.size());
  if (side.rows.empty()) {
    for (size_t i = 0; i < pos.size(); ++i) pos[i] = static_cast<int64_t>(i);
    return pos;
  }
  std::unordered_map<std::string_view, int64_t> first;
  for (size_t r = 0; r < side.rows.size(); ++r) {
    first.emplace(side.text.line(static_cast<size_t>(side.rows[r])), static_cast<int64_t>(r));
  }
  for (size_t i = 0; i < pos.size(); ++i) pos[i] = first.at(side.text.line(i));
  return pos;
}

Status score_aligned(const Job& job, const Neighbors& fwd, const Neighbors& bwd, Margin margin,
                     std::optional<float> threshold, const std::function<Status(size_t line, float score)>& emit) {
  BITMILL_RETURN_IF_ERROR(check_aligned(job));
  const std::vector<int64_t> pos_s = line_positions(job.src), pos_t = line_positions(job.tgt);
  const RowSet x = job.src.set(), y = job.tgt.set();
  for (size_t i = 0; i < pos_s.size(); ++i) {
    const auto a = static_cast<size_t>(pos_s[i]), b = static_cast<size_t>(pos_t[i]);
    const float score = margin_score(margin, similarity(x, a, y, b, true), fwd.mean(a), bwd.mean(b));
    if (threshold && !(score > *threshold)) continue;
    BITMILL_RETURN_IF_ERROR(emit(i, score));
  }
  return Status::ok();
}

}  // namespace bitmill::mine
