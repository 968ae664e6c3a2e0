#include "bitmill/index/build_report.h"

#include <doctest/doctest.h>

#include "bitmill/base/summary.h"

namespace bitmill::index {

TEST_CASE("index reports: what a build wrote, as bitmill-index's man page shows it") {
  auto ix = FaissIndex::create("Flat", 4);
  REQUIRE(ix.has_value());
  BuildStats st;
  st.added = 1200;
  // 16-byte rows in 2 s: the rate is over the rows added and trained on (base/summary.h's suffix).
  CHECK(build_summary(st, *ix, "out.faiss", 1200, 16, false, Shard{}, 2.0) ==
        "out.faiss: Flat of 1,200 vectors of dimension 4" + time_rate_suffix(2.0, 1200 * 16));
  st.train_rows = 500;
  CHECK(build_summary(st, *ix, "s.faiss", 1200, 16, false, Shard{1, 3}, 2.0) ==
        "s.faiss: Flat of 1,200 vectors of dimension 4 (shard 1/3), trained on 500" + time_rate_suffix(2.0, 1700 * 16));
  CHECK(build_summary(st, *ix, "t.faiss", 1200, 16, true, Shard{}, 2.0) ==
        "t.faiss: Flat trained on 500 of 1,200 vectors of dimension 4" + time_rate_suffix(2.0, 500 * 16));
  st.train_rows = 0;  // nothing to time
  CHECK(build_summary(st, *ix, "t.faiss", 1200, 16, true, Shard{}, 2.0) ==
        "t.faiss: Flat needs no training: written empty, for --trained");
  CHECK(params_text(*ix).empty());

  auto ivf = FaissIndex::create("IVF4,Flat", 4);
  REQUIRE(ivf.has_value());
  REQUIRE(ivf->store_params(SearchParams{3, 0}).is_ok());
  CHECK(params_text(*ivf) == ", nprobe 3");
  const RecallReport r{10, 4, 100, 37, 0.925};
  CHECK(recall_summary(r, *ivf) ==
        "recall@4 0.9250: 37 of the 40 exact neighbours of 10 sampled rows found (IVF4,Flat, nprobe 3)");
}

}  // namespace bitmill::index
