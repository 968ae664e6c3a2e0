#include "bitmill/mine/knn.h"

#include <doctest/doctest.h>

#include <tbb/global_control.h>
#include <algorithm>
#include <cmath>
#include <cstring>
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
        for (KnnMethod method : {KnnMethod::kF32, KnnMethod::kInt8}) {
          tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
          Neighbors fwd, bwd;
          REQUIRE(knn_both(RowSet{&mx}, RowSet{&my}, KnnOptions{c.k, tile, true, method}, fwd, bwd).is_ok());
          CAPTURE(c.nx);
          CAPTURE(tile);
          CAPTURE(knn_method_name(method));
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
}

// Random unit-norm-ish rows in d dimensions, with every 5th y row a noisy copy of an x row (so
// that some similarities are close to 1, as with real translations).
void planted(size_t nx, size_t ny, size_t d, float scale, std::mt19937& rng, std::vector<float>& x,
             std::vector<float>& y) {
  std::normal_distribution<float> g;
  x.resize(nx * d);
  y.resize(ny * d);
  for (float& v : x) v = g(rng) * scale;
  for (float& v : y) v = g(rng) * scale;
  for (size_t j = 0; j < ny; j += 5) {
    const size_t i = (j * 7) % nx;
    for (size_t c = 0; c < d; ++c) y[j * d + c] = x[i * d + c] + 0.3f * scale * g(rng);
  }
}

TEST_CASE("knn_both int8: exactly the f32 method's neighbours, bits independent of tiles and threads") {
  TempDir dir;
  std::mt19937 rng(11);
  struct Case {
    size_t nx, ny, d, k;
    bool normalize;
    float scale;
  };
  for (const Case c :
       {Case{700, 900, 64, 4, true, 1.0f}, Case{300, 257, 130, 10, true, 0.01f}, Case{200, 311, 33, 3, false, 5.0f}}) {
    std::vector<float> x, y;
    planted(c.nx, c.ny, c.d, c.scale, rng, x, y);
    auto mx = write_npy(dir.path() + "/x.npy", x, c.nx, c.d);
    auto my = write_npy(dir.path() + "/y.npy", y, c.ny, c.d);
    CAPTURE(c.nx);
    Neighbors f32_fwd, f32_bwd, ref_fwd, ref_bwd;
    REQUIRE(knn_both(RowSet{&mx}, RowSet{&my}, KnnOptions{c.k, 128, c.normalize, KnnMethod::kF32}, f32_fwd, f32_bwd)
                .is_ok());
    KnnStats stats;
    REQUIRE(knn_both(RowSet{&mx}, RowSet{&my}, KnnOptions{c.k, 128, c.normalize, KnnMethod::kInt8}, ref_fwd, ref_bwd,
                     &stats)
                .is_ok());
    CHECK(stats.method == KnnMethod::kInt8);
    MESSAGE("int8 scored " << stats.scored << " of " << c.nx * c.ny << " pairs in f32");
    CHECK(stats.scored < c.nx * c.ny / 2);
    // The same neighbours as the f32 GEMM (random data has no ties within f32 rounding), with
    // similarities equal to rounding, and each one the pair's similarity() bit for bit.
    CHECK(ref_fwd.idx == f32_fwd.idx);
    CHECK(ref_bwd.idx == f32_bwd.idx);
    for (size_t t = 0; t < ref_fwd.sim.size(); ++t) {
      CHECK(std::abs(ref_fwd.sim[t] - f32_fwd.sim[t]) <= 1e-5f * (1 + std::abs(f32_fwd.sim[t])));
      const size_t i = t / ref_fwd.k;
      const float s = similarity(RowSet{&mx}, i, RowSet{&my}, static_cast<size_t>(ref_fwd.idx[t]), c.normalize);
      CHECK(std::memcmp(&s, &ref_fwd.sim[t], sizeof s) == 0);
    }
    // Both methods give the same bits for any tiling and thread count (tile 1: every x tile is a
    // lone row, which sgemm would otherwise sum in another order).
    for (size_t tile : {size_t{1}, size_t{47}, size_t{4096}}) {
      for (int threads : {1, 2}) {
        for (KnnMethod method : {KnnMethod::kF32, KnnMethod::kInt8}) {
          const Neighbors& want_f = method == KnnMethod::kInt8 ? ref_fwd : f32_fwd;
          const Neighbors& want_b = method == KnnMethod::kInt8 ? ref_bwd : f32_bwd;
          tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
          Neighbors fwd, bwd;
          REQUIRE(knn_both(RowSet{&mx}, RowSet{&my}, KnnOptions{c.k, tile, c.normalize, method}, fwd, bwd).is_ok());
          CAPTURE(tile);
          CAPTURE(knn_method_name(method));
          CHECK(fwd.idx == want_f.idx);
          CHECK(bwd.idx == want_b.idx);
          CHECK(std::memcmp(fwd.sim.data(), want_f.sim.data(), fwd.sim.size() * sizeof(float)) == 0);
          CHECK(std::memcmp(bwd.sim.data(), want_b.sim.data(), bwd.sim.size() * sizeof(float)) == 0);
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
    for (KnnMethod method : {KnnMethod::kF32, KnnMethod::kInt8}) {
      Neighbors fwd, bwd;
      REQUIRE(knn_both(RowSet{&mx}, RowSet{&my}, KnnOptions{2, tile, true, method}, fwd, bwd).is_ok());
      CHECK(std::vector<int64_t>(fwd.idx_row(0), fwd.idx_row(0) + 2) == std::vector<int64_t>{0, 2});
      CHECK(std::vector<int64_t>(fwd.idx_row(1), fwd.idx_row(1) + 2) == std::vector<int64_t>{1, 3});
      CHECK(fwd.sim_row(0)[0] == 1.0f);
    }
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
