#include "bitmill/mine/knn.h"

#include <doctest/doctest.h>

#include <tbb/global_control.h>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "bitmill/io/embeddings.h"
#include "testing/npy.h"
#include "testing/test_util.h"

namespace bitmill::mine {
namespace {

using testing::TempDir;
using testing::write_npy;

// Brute force in double: for each row of a, the k best rows of b by cosine, ties by index.
void brute(const std::vector<float>& a, size_t na, const std::vector<float>& b, size_t nb, size_t d, size_t k,
           std::vector<std::vector<int64_t>>& idx, std::vector<std::vector<double>>& sim) {
  auto norm = [d](const float* r) {
    double s = 0;
    for (size_t c = 0; c < d; ++c) s += double(r[c]) * double(r[c]);
    return std::sqrt(s);
  };
  idx.assign(na, {});
  sim.assign(na, {});
  for (size_t i = 0; i < na; ++i) {
    std::vector<std::pair<double, int64_t>> all;
    for (size_t j = 0; j < nb; ++j) {
      double dot = 0;
      for (size_t c = 0; c < d; ++c) dot += double(a[i * d + c]) * double(b[j * d + c]);
      all.push_back({dot / (norm(&a[i * d]) * norm(&b[j * d])), static_cast<int64_t>(j)});
    }
    std::sort(all.begin(), all.end(),
              [](auto& x, auto& y) { return x.first != y.first ? x.first > y.first : x.second < y.second; });
    for (size_t t = 0; t < std::min(k, nb); ++t) {
      idx[i].push_back(all[t].second);
      sim[i].push_back(all[t].first);
    }
  }
}

TEST_CASE("knn_both matches brute force both ways, for tile sizes that hit every tail") {
  TempDir dir;
  std::mt19937 rng(7);
  std::normal_distribution<float> g;
  struct Case {
    size_t nx, ny, d, k;
  };
  for (const Case c : {Case{37, 53, 16, 4}, Case{100, 3, 8, 4}, Case{5, 90, 33, 1}, Case{64, 64, 7, 10}}) {
    std::vector<float> x(c.nx * c.d), y(c.ny * c.d);
    for (float& v : x) v = g(rng) * 3.0f;  // norms far from 1: normalisation matters
    for (float& v : y) v = g(rng);
    auto mx = write_npy(dir.path() + "/x.npy", x, c.nx, c.d);
    auto my = write_npy(dir.path() + "/y.npy", y, c.ny, c.d);
    std::vector<std::vector<int64_t>> fi, bi;
    std::vector<std::vector<double>> fs, bs;
    brute(x, c.nx, y, c.ny, c.d, c.k, fi, fs);
    brute(y, c.ny, x, c.nx, c.d, c.k, bi, bs);
    for (size_t tile : {size_t{1}, size_t{16}, size_t{17}, size_t{2048}}) {
      for (int threads : {1, 2}) {
        tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
        Neighbors fwd, bwd;
        REQUIRE(knn_both(RowSet{&mx}, RowSet{&my}, KnnOptions{c.k, tile, true}, fwd, bwd).is_ok());
        CAPTURE(c.nx);
        CAPTURE(tile);
        REQUIRE(fwd.k == std::min(c.k, c.ny));
        REQUIRE(bwd.k == std::min(c.k, c.nx));
        for (size_t i = 0; i < c.nx; ++i) {
          for (size_t t = 0; t < fwd.k; ++t) {
            CHECK(fwd.idx_row(i)[t] == fi[i][t]);
            CHECK(std::abs(double(fwd.sim_row(i)[t]) - fs[i][t]) < 1e-5);
          }
        }
        for (size_t j = 0; j < c.ny; ++j) {
          for (size_t t = 0; t < bwd.k; ++t) {
            CHECK(bwd.idx_row(j)[t] == bi[j][t]);
            CHECK(std::abs(double(bwd.sim_row(j)[t]) - bs[j][t]) < 1e-5);
          }
        }
      }
    }
  }
}

TEST_CASE("knn_both: identical rows tie, and the smaller index comes first") {
  TempDir dir;
  // y rows 0..5 are three copies of two vectors; x has the two vectors.
  std::vector<float> y = {1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1};
  std::vector<float> x = {2, 0, 0, 3};
  auto mx = write_npy(dir.path() + "/x.npy", x, 2, 2);
  auto my = write_npy(dir.path() + "/y.npy", y, 6, 2);
  for (size_t tile : {size_t{1}, size_t{4}, size_t{64}}) {
    Neighbors fwd, bwd;
    REQUIRE(knn_both(RowSet{&mx}, RowSet{&my}, KnnOptions{2, tile, true}, fwd, bwd).is_ok());
    CHECK(std::vector<int64_t>(fwd.idx_row(0), fwd.idx_row(0) + 2) == std::vector<int64_t>{0, 2});
    CHECK(std::vector<int64_t>(fwd.idx_row(1), fwd.idx_row(1) + 2) == std::vector<int64_t>{1, 3});
    CHECK(fwd.sim_row(0)[0] == 1.0f);
  }
}

TEST_CASE("knn_both: a subset of rows, a dimension mismatch and a NaN row") {
  TempDir dir;
  std::vector<float> x = {1, 0, 0, 1, 1, 1};
  auto mx = write_npy(dir.path() + "/x.npy", x, 3, 2);
  std::vector<int64_t> subset = {2, 0};
  Neighbors fwd, bwd;
  REQUIRE(knn_both(RowSet{&mx, &subset}, RowSet{&mx}, KnnOptions{1, 2048, true}, fwd, bwd).is_ok());
  CHECK(fwd.rows == 2);
  CHECK(fwd.idx_row(0)[0] == 2);  // subset row 0 is x[2], nearest to itself
  CHECK(bwd.idx_row(1)[0] == 0);  // x[1] = (0, 1): nearest subset position 0 = x[2] (cos 0.71) over x[0] (0)

  std::vector<float> z = {1, 0, 0};
  auto mz = write_npy(dir.path() + "/z.npy", z, 1, 3);
  auto s = knn_both(RowSet{&mx}, RowSet{&mz}, KnnOptions{}, fwd, bwd);
  CHECK(!s.is_ok());
  CHECK(s.message().find("dimension") != std::string::npos);

  std::vector<float> bad = {1, 0, NAN, 1};
  auto mb = write_npy(dir.path() + "/bad.npy", bad, 2, 2);
  s = knn_both(RowSet{&mx}, RowSet{&mb}, KnnOptions{}, fwd, bwd);
  CHECK(!s.is_ok());
  CHECK(s.message().find("bad.npy: row 1") != std::string::npos);
}

}  // namespace
}  // namespace bitmill::mine
