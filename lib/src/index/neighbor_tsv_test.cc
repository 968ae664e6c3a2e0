#include "bitmill/index/neighbor_tsv.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <sstream>
#include <string>

#include "testing/test_util.h"

namespace bitmill::index {
namespace {

TEST_CASE("index: search rows are query, rank, id, sim per neighbour found, padding is left out") {
  testing::TempDir dir;
  vectors::Neighbors nb;
  nb.rows = 3;
  nb.k = 2;
  nb.sim = {0.9f, 0.1f / 3, 0.5f, vectors::kNoSim, vectors::kNoSim, vectors::kNoSim};
  nb.idx = {7, 123456789012, 4, vectors::kNoIdx, vectors::kNoIdx, vectors::kNoIdx};
  {
    auto out = OutputStream::open(dir.file("o.tsv"));
    REQUIRE(out.has_value());
    REQUIRE(write_neighbors_tsv(nb, **out).is_ok());
    REQUIRE((*out)->commit().is_ok());
  }
  std::istringstream in(testing::read_file(dir.file("o.tsv")));
  size_t n = 0;
  for (std::string line; std::getline(in, line); ++n) {
    std::istringstream f(line);
    size_t q = 0, rank = 0;
    int64_t id = 0;
    std::string sim;
    f >> q >> rank >> id >> sim;
    REQUIRE(q < nb.rows);
    REQUIRE(rank >= 1);
    CHECK(id == nb.idx_row(q)[rank - 1]);
    CHECK(std::strtof(sim.c_str(), nullptr) == nb.sim_row(q)[rank - 1]);
  }
  CHECK(n == 3);  // 2 + 1 + 0
}

}  // namespace
}  // namespace bitmill::index
