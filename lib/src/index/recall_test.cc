#include "bitmill/index/recall.h"

#include <doctest/doctest.h>

#include <algorithm>

#include "index/test_data.h"
#include "testing/npy.h"
#include "testing/test_util.h"

namespace bitmill::index {
namespace {

using namespace testing;  // index/test_data.h

TEST_CASE("index: exact_knn over a shard matches brute force over that shard's rows") {
  TempDir dir;
  const size_t d = 12, n = 700;
  const std::vector<float> rows = testing::gaussian(n, d, 71);
  write_npy(dir.file("a.npy"), std::vector<float>(rows.begin(), rows.begin() + 300 * d), 300, d);
  write_npy(dir.file("b.npy"), std::vector<float>(rows.begin() + 300 * d, rows.end()), n - 300, d);
  auto set = EmbeddingSet::open({dir.file("a.npy"), dir.file("b.npy")});
  REQUIRE(set.has_value());
  const RowSelection sel{Shard{1, 3}, ShardBy::kLine};
  std::vector<float> shard_rows;
  std::vector<int64_t> global;
  for (size_t r = 1; r < n; r += 3) {
    shard_rows.insert(shard_rows.end(), rows.begin() + r * d, rows.begin() + (r + 1) * d);
    global.push_back(static_cast<int64_t>(r));
  }
  const std::vector<float> raw_q = testing::gaussian(9, d, 72);
  std::vector<float> q = raw_q;
  write_npy(dir.file("q.npy"), raw_q, 9, d);
  auto qs = EmbeddingSet::open({dir.file("q.npy")});
  const std::vector<int64_t> qi = {0, 1, 2, 3, 4, 5, 6, 7, 8};
  REQUIRE(qs->read_normalized(qi, q.data()).is_ok());
  const size_t k = 5;
  std::vector<float> sims;
  std::vector<int64_t> ids;
  REQUIRE(exact_knn(*set, sel, q.data(), 9, k, sims, ids, 17).is_ok());
  // The reference numbers the shard's rows 0, 1, ...: map them to global rows.
  auto ref = brute_force(shard_rows, raw_q, d, k);
  for (auto& list : ref.lists) {
    for (auto& [s, id] : list) id = global[static_cast<size_t>(id)];
  }
  std::vector<int64_t> local(ids.size());
  for (size_t t = 0; t < ids.size(); ++t) {
    local[t] = std::find(global.begin(), global.end(), ids[t]) - global.begin();
  }
  // check_exact looks similarities up by position in the reference: give it shard positions.
  auto by_pos = brute_force(shard_rows, raw_q, d, k);
  check_exact(by_pos, sims.data(), local.data(), k);
  for (size_t qn = 0; qn < 9; ++qn) {
    for (size_t t = 0; t < k; ++t) CHECK(ids[qn * k + t] == ref.lists[qn][t].second);
  }
}

TEST_CASE("index: recall is 1 for exact searches and counts the misses of an approximate one") {
  TempDir dir;
  const size_t d = 16, n = 3000;
  auto [rows, emb] = clustered_on_disk(dir, n, d, 60, 81);
  auto ivf = FaissIndex::create("IVF64,Flat", d);
  REQUIRE(train_index(*ivf, emb, n).is_ok());
  REQUIRE(add_rows(*ivf, emb, {}).has_value());

  auto full = check_recall(*ivf, emb, {}, 200, 10, SearchParams{64, 0});
  REQUIRE(full.has_value());
  CHECK(full->queries == 200);
  CHECK(full->k == 10);
  CHECK(full->rows == n);
  CHECK(full->hits == 2000);
  CHECK(full->recall == 1.0);

  // One probe: the report must count exactly the neighbours the search found, recomputed here
  // from the same sample with the test's own brute force.
  auto one = check_recall(*ivf, emb, {}, 200, 10, SearchParams{1, 0});
  REQUIRE(one.has_value());
  CHECK(one->recall < 1.0);
  const std::vector<int64_t> picks = sample_rows(n, 200, kDefaultSeed);
  std::vector<float> raw_q;
  for (int64_t p : picks) raw_q.insert(raw_q.end(), rows.begin() + p * d, rows.begin() + (p + 1) * d);
  std::vector<float> q(raw_q.size());
  REQUIRE(emb.read_normalized(picks, q.data()).is_ok());
  // Both lists without the query's own row: search 11, keep the first 10 others.
  std::vector<float> sims(200 * 11);
  std::vector<int64_t> ids(200 * 11);
  REQUIRE(search(*ivf, q.data(), 200, 11, SearchParams{1, 0}, sims.data(), ids.data()).is_ok());
  const auto ref = brute_force(rows, raw_q, d, 11);
  uint64_t hits = 0;
  for (size_t i = 0; i < 200; ++i) {
    std::vector<int64_t> want, got;
    for (const auto& [s, id] : ref.lists[i]) {
      if (id != picks[i] && want.size() < 10) want.push_back(id);
    }
    for (size_t t = 0; t < 11; ++t) {
      if (ids[i * 11 + t] != picks[i] && got.size() < 10) got.push_back(ids[i * 11 + t]);
    }
    for (const int64_t id : want) hits += std::count(got.begin(), got.end(), id);
  }
  CHECK(one->hits == hits);
  CHECK(one->recall == doctest::Approx(static_cast<double>(hits) / 2000.0));

  // Fewer rows than the sample and than k.
  auto small = check_recall(*ivf, emb, RowSelection{Shard{5, 1000}, ShardBy::kLine}, 1000, 10, SearchParams{64, 0});
  REQUIRE(small.has_value());
  CHECK(small->rows == 3);
  CHECK(small->queries == 3);
  CHECK(small->k == 2);  // the two other rows
}

}  // namespace
}  // namespace bitmill::index
