#include "bitmill/index/build_report.h"

#include <fmt/format.h>

#include "bitmill/base/progress.h"
#include "bitmill/base/summary.h"

namespace bitmill::index {

std::string params_text(const FaissIndex& ix) {
  const SearchParams p = ix.stored_params();
  std::string s;
  if (p.nprobe > 0) s += fmt::format(", nprobe {}", p.nprobe);
  if (p.ef_search > 0) s += fmt::format(", efSearch {}", p.ef_search);
  return s;
}

std::string build_summary(const BuildStats& st, const FaissIndex& ix, const std::string& output, uint64_t rows,
                          uint64_t row_bytes, bool train_only, const Shard& shard, double seconds) {
  if (train_only && st.train_rows == 0) {
    return fmt::format("{}: {} needs no training: written empty, for --trained", output, ix.describe());
  }
  if (train_only) {
    return fmt::format("{}: {} trained on {} of {} vectors of dimension {}{}", output, ix.describe(),
                       Progress::format_count(st.train_rows), Progress::format_count(rows), ix.dim(),
                       time_rate_suffix(seconds, st.train_rows * row_bytes));
  }
  const std::string what = shard.is_whole() ? "" : fmt::format(" (shard {})", shard.to_string());
  return fmt::format("{}: {} of {} of dimension {}{}{}{}{}", output, ix.describe(),
                     Progress::format_count(st.added, "vector"), ix.dim(), what,
                     st.train_rows > 0 ? fmt::format(", trained on {}", Progress::format_count(st.train_rows)) : "",
                     params_text(ix), time_rate_suffix(seconds, (st.added + st.train_rows) * row_bytes));
}

std::string recall_summary(const RecallReport& r, const FaissIndex& ix) {
  return fmt::format("recall@{} {:.4f}: {} of the {} exact neighbours of {} sampled rows found ({}{})", r.k, r.recall,
                     Progress::format_count(r.hits), Progress::format_count(r.queries * r.k),
                     Progress::format_count(r.queries), ix.describe(), params_text(ix));
}

}  // namespace bitmill::index
