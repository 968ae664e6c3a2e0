#include "bitmill/index/embedding_set.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <random>

#include "testing/npy.h"
#include "testing/test_util.h"

namespace bitmill::index {
namespace {

using testing::TempDir;
using testing::write_npy;

std::vector<float> gaussian(size_t n, size_t d, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> g;
  std::vector<float> v(n * d);
  for (float& x : v) x = g(rng) * 2.5f;
  return v;
}

TEST_CASE("index: EmbeddingSet selects shards as util/shard.h defines them, over global rows") {
  TempDir dir;
  const size_t d = 3;
  const std::vector<size_t> sizes = {5, 0, 7, 4};  // an empty file in the middle
  std::vector<std::string> paths;
  for (size_t f = 0; f < sizes.size(); ++f) {
    paths.push_back(dir.file(fmt::format("e{}.npy", f)));
    write_npy(paths.back(), gaussian(sizes[f], d, static_cast<unsigned>(f)), sizes[f], d);
  }
  auto set = EmbeddingSet::open(paths);
  REQUIRE(set.has_value());
  CHECK(set->rows() == 16);
  CHECK(set->offset(2) == 5);
  CHECK(set->offset(3) == 12);
  for (const ShardBy by : {ShardBy::kLine, ShardBy::kFile}) {
    for (uint64_t count : {1, 2, 3, 5, 20}) {
      std::vector<int64_t> all;
      for (uint64_t i = 0; i < count; ++i) {
        const RowSelection sel{Shard{i, count}, by};
        // Naive reference: walk every (file, row) and keep what the shard contains.
        std::vector<int64_t> want;
        uint64_t g = 0;
        for (size_t f = 0; f < sizes.size(); ++f) {
          for (size_t r = 0; r < sizes[f]; ++r, ++g) {
            if (sel.shard.contains(by == ShardBy::kLine ? g : f)) want.push_back(static_cast<int64_t>(g));
          }
        }
        REQUIRE(set->count(sel) == want.size());
        for (size_t p = 0; p < want.size(); ++p) CHECK(set->selected_row(sel, p) == want[p]);
        for (size_t batch : {1, 3, 100}) {
          std::vector<int64_t> got;
          REQUIRE(set->for_each_batch(sel, batch,
                                      [&](std::span<const int64_t> ids, const float*) {
                                        CHECK(ids.size() <= batch);
                                        got.insert(got.end(), ids.begin(), ids.end());
                                        return Status::ok();
                                      })
                      .is_ok());
          CHECK(got == want);
        }
        all.insert(all.end(), want.begin(), want.end());
      }
      std::sort(all.begin(), all.end());
      CHECK(all.size() == 16);
      for (size_t r = 0; r < all.size(); ++r) CHECK(all[r] == static_cast<int64_t>(r));
    }
  }
}

TEST_CASE("index: EmbeddingSet rows are normalised, zero rows stay zero, bad rows name file and row") {
  TempDir dir;
  const size_t d = 4;
  std::vector<float> a = gaussian(3, d, 1), b = gaussian(4, d, 2);
  for (size_t c = 0; c < d; ++c) b[1 * d + c] = 0.0f;
  write_npy(dir.file("a.npy"), a, 3, d);
  write_npy(dir.file("b.npy"), b, 4, d);
  auto set = EmbeddingSet::open({dir.file("a.npy"), dir.file("b.npy")});
  REQUIRE(set.has_value());
  const std::vector<int64_t> ids = {4, 0, 6, 3};
  std::vector<float> x(ids.size() * d);
  REQUIRE(set->read_normalized(ids, x.data()).is_ok());
  for (size_t i = 0; i < ids.size(); ++i) {
    const float* src = ids[i] < 3 ? &a[static_cast<size_t>(ids[i]) * d] : &b[static_cast<size_t>(ids[i] - 3) * d];
    double norm = 0;
    for (size_t c = 0; c < d; ++c) norm += double(src[c]) * double(src[c]);
    norm = std::sqrt(norm);
    for (size_t c = 0; c < d; ++c) {
      const double want = norm > 0 ? double(src[c]) / norm : 0.0;
      CHECK(double(x[i * d + c]) == doctest::Approx(want).epsilon(1e-6));
    }
  }

  b[2 * d + 1] = std::numeric_limits<float>::quiet_NaN();
  write_npy(dir.file("b.npy"), b, 4, d);
  auto bad = EmbeddingSet::open({dir.file("a.npy"), dir.file("b.npy")});
  REQUIRE(bad.has_value());
  const Status s = bad->for_each_batch({}, 2, [](std::span<const int64_t>, const float*) { return Status::ok(); });
  CHECK(s.code() == StatusCode::kDataError);
  CHECK(s.message() == dir.file("b.npy") + ": row 2 (0-based) holds a NaN or an infinity, or overflows");
}

TEST_CASE("index: EmbeddingSet refuses files of different dimensions") {
  TempDir dir;
  write_npy(dir.file("a.npy"), gaussian(2, 4, 1), 2, 4);
  write_npy(dir.file("b.npy"), gaussian(2, 5, 1), 2, 5);
  auto set = EmbeddingSet::open({dir.file("a.npy"), dir.file("b.npy")});
  REQUIRE(!set.has_value());
  CHECK(set.status().message() == dir.file("b.npy") + " has dimension 5 but " + dir.file("a.npy") + " has 4");
  CHECK(EmbeddingSet::open({}).status().code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace bitmill::index
