#include "bitmill/index/neighbor_tsv.h"

#include <fmt/format.h>

#include <iterator>
#include <string>

namespace bitmill::index {

Status write_neighbors_tsv(const vectors::Neighbors& nb, OutputStream& out) {
  std::string buf;
  for (size_t i = 0; i < nb.rows; ++i) {
    buf.clear();
    for (size_t t = 0; t < nb.k; ++t) {
      const int64_t id = nb.idx_row(i)[t];
      if (id == vectors::kNoIdx) break;  // padding: fewer than k found
      fmt::format_to(std::back_inserter(buf), "{}\t{}\t{}\t{}\n", i, t + 1, id, nb.sim_row(i)[t]);
    }
    BITMILL_RETURN_IF_ERROR(out.write(buf));
  }
  return Status::ok();
}

}  // namespace bitmill::index
