#include "bitmill/index/build.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <thread>

#include "index/test_data.h"
#include "testing/npy.h"
#include "testing/test_util.h"

namespace bitmill::index {
namespace {

using namespace testing;  // index/test_data.h

// stopes' table (stopes/utils/mining_utils.py, determine_faiss_index_type): the IVF lists it uses
// for n sentences, as the reference the default rule is meant to follow.
size_t stopes_nlist(uint64_t n) {
  if (n > 500000000) return 262144;
  if (n > 100000000) return 131072;
  if (n > 10000000) return 65536;
  if (n > 4000000) return 32768;
  if (n > 700000) return 16384;
  if (n > 250000) return 8192;
  if (n > 160000) return 4096;
  if (n > 80000) return 2048;
  return 1024;
}

TEST_CASE("index: default factory by number of vectors") {
  struct Case {
    uint64_t n;
    size_t dim;
    const char* factory;
  };
  const Case cases[] = {
      {0, 1024, "Flat"},
      {1, 1024, "Flat"},
      {19999, 1024, "Flat"},
      {20000, 1024, "IVF512,Flat"},  // 8 sqrt(n) ~ 1131 -> 1024, capped at n / 39 -> 512
      {50000, 256, "IVF1024,Flat"},
      {100000, 1024, "IVF2048,Flat"},
      {250000, 1024, "IVF4096,Flat"},
      {999999, 768, "IVF8192,Flat"},
      {1000000, 1024, "OPQ64,IVF8192,PQ64np"},
      {1000000, 384, "OPQ64,IVF8192,PQ64np"},
      {1000000, 100, "OPQ50,IVF8192,PQ50np"},  // 64 does not divide 100: its largest divisor below
      {1000000, 32, "OPQ32,IVF8192,PQ32np"},
      {10000000, 1024, "OPQ64,IVF32768,PQ64np"},
      {100000000, 1024, "OPQ64,IVF65536,PQ64np"},
      {1000000000, 1024, "OPQ64,IVF262144,PQ64np"},
  };
  for (const Case& c : cases) {
    INFO("n = " << c.n << ", dim = " << c.dim);
    CHECK(default_factory(c.n, c.dim) == c.factory);
  }
}

TEST_CASE("index: default nlist grows with n, within a factor of two of stopes, with 39 points per list") {
  for (uint64_t n = 20000; n <= 4000000000ull; n = n * 5 / 4) {
    const size_t nl = default_nlist(n);
    INFO("n = " << n << ", nlist = " << nl);
    CHECK(std::has_single_bit(nl));
    CHECK(nl * 39 <= n);
    CHECK(default_nlist(n * 5 / 4) >= nl);
    if (n > 100000) {  // below, stopes' 1024 lists would have fewer than 39 points each
      CHECK(nl * 2 >= stopes_nlist(n));
      CHECK(nl <= stopes_nlist(n) * 2);
    }
  }
}

TEST_CASE("index: sample_rows draws distinct sorted rows, the same for the same seed") {
  const std::vector<int64_t> a = sample_rows(1000, 100, 7);
  CHECK(a.size() == 100);
  CHECK(std::is_sorted(a.begin(), a.end()));
  CHECK(std::set<int64_t>(a.begin(), a.end()).size() == 100);
  CHECK(a.front() >= 0);
  CHECK(a.back() < 1000);
  CHECK(sample_rows(1000, 100, 7) == a);
  CHECK(sample_rows(1000, 100, 8) != a);
  CHECK(sample_rows(5, 9, 7) == std::vector<int64_t>{0, 1, 2, 3, 4});
  // Uniform enough: each half of the range gets about half of a large sample.
  const std::vector<int64_t> big = sample_rows(1000000, 20000, 3);
  const auto low = std::count_if(big.begin(), big.end(), [](int64_t v) { return v < 500000; });
  CHECK(std::abs(static_cast<double>(low) - 10000.0) < 500.0);
}

// The embeddings of one test: two files, rows numbered globally across them.
struct Inputs {
  TempDir dir;
  std::vector<float> rows;  // all rows, in global order
  size_t d = 0;
  EmbeddingSet set;
};

void make_inputs(Inputs& in, const std::vector<float>& rows, size_t d, size_t first_file_rows) {
  in.rows = rows;
  in.d = d;
  const size_t n = rows.size() / d;
  write_npy(in.dir.file("a.npy"), std::vector<float>(rows.begin(), rows.begin() + first_file_rows * d), first_file_rows,
            d);
  write_npy(in.dir.file("b.npy"), std::vector<float>(rows.begin() + first_file_rows * d, rows.end()),
            n - first_file_rows, d);
  auto s = EmbeddingSet::open({in.dir.file("a.npy"), in.dir.file("b.npy")});
  REQUIRE(s.has_value());
  in.set = std::move(*s);
}

// Searches queries (raw rows) after normalising them as the library contract says.
void run_search(const FaissIndex& ix, const std::vector<float>& queries, size_t d, size_t k, const SearchParams& p,
                std::vector<float>& sims, std::vector<int64_t>& ids) {
  const size_t nq = queries.size() / d;
  std::vector<float> q = queries;
  for (size_t i = 0; i < nq; ++i) {
    double ss = 0;
    for (size_t c = 0; c < d; ++c) ss += double(q[i * d + c]) * double(q[i * d + c]);
    for (size_t c = 0; c < d; ++c) q[i * d + c] = static_cast<float>(double(q[i * d + c]) / std::sqrt(ss));
  }
  sims.resize(nq * k);
  ids.resize(nq * k);
  REQUIRE(search(ix, q.data(), nq, k, p, sims.data(), ids.data()).is_ok());
}

TEST_CASE("index: a Flat index finds the exact top k, with global row numbers across two files") {
  Inputs in;
  const size_t d = 24, n = 1003;  // not a multiple of the batch below: a tail batch
  make_inputs(in, gaussian(n, d, 11), d, 388);
  auto ix = FaissIndex::create("Flat", d);
  REQUIRE(ix.has_value());
  auto added = add_rows(*ix, in.set, {}, 100);
  REQUIRE(added.has_value());
  CHECK(*added == n);
  CHECK(!ix->has_id_map());  // all rows in order: positions are the ids
  const std::vector<float> queries = gaussian(37, d, 12);
  for (const size_t k : {1, 4, 10}) {
    std::vector<float> sims;
    std::vector<int64_t> ids;
    run_search(*ix, queries, d, k, {}, sims, ids);
    check_exact(brute_force(in.rows, queries, d, k), sims.data(), ids.data(), k);
  }
  // A query equal to a row of the second file finds that row's global number first.
  std::vector<float> sims;
  std::vector<int64_t> ids;
  run_search(*ix, std::vector<float>(in.rows.begin() + 700 * d, in.rows.begin() + 701 * d), d, 4, {}, sims, ids);
  CHECK(ids[0] == 700);
  CHECK(sims[0] == doctest::Approx(1.0).epsilon(1e-6));
}

TEST_CASE("index: an IVF index probing every list finds the exact top k, fewer probes find fewer") {
  Inputs in;
  const size_t d = 16, n = 3000;
  make_inputs(in, clustered(n, d, 40, 21), d, 1234);
  auto ix = FaissIndex::create("IVF32,Flat", d);
  REQUIRE(ix.has_value());
  CHECK(ix->stored_params().nprobe == 32);  // raised from FAISS's 1 to min(128, nlist)
  CHECK(default_train_size(*ix, n) == n);
  REQUIRE(train_index(*ix, in.set, default_train_size(*ix, n)).is_ok());
  REQUIRE(add_rows(*ix, in.set, {}, 500).has_value());
  CHECK(ix->size() == n);
  CHECK(!ix->has_id_map());
  const std::vector<float> queries = gaussian(50, d, 22, 1.0f);
  const size_t k = 8;
  const auto ref = brute_force(in.rows, queries, d, k);
  std::vector<float> sims;
  std::vector<int64_t> ids;
  run_search(*ix, queries, d, k, SearchParams{32, 0}, sims, ids);
  check_exact(ref, sims.data(), ids.data(), k);
  // One probe misses some neighbours of these random queries (else the test would prove nothing).
  run_search(*ix, queries, d, k, SearchParams{1, 0}, sims, ids);
  size_t found = 0;
  for (size_t q = 0; q < ref.lists.size(); ++q) {
    for (const auto& [s, id] : ref.lists[q]) found += std::count(&ids[q * k], &ids[q * k] + k, id);
  }
  CHECK(found < ref.lists.size() * k);
}

// One sharded build: train once (the trained index goes through a file, as with --train-only),
// add each shard to a copy, merge the shards in a shuffled order.
FaissIndex build_sharded(const Inputs& in, const std::string& factory, size_t shards, ShardBy by,
                         const std::string& tag) {
  const std::string trained = in.dir.file(tag + ".trained.faiss");
  {
    auto ix = FaissIndex::create(factory, in.d);
    REQUIRE(ix.has_value());
    REQUIRE(train_index(*ix, in.set, in.set.rows()).is_ok());
    REQUIRE(ix->save(trained).is_ok());
  }
  std::vector<FaissIndex> parts;
  for (uint64_t i = 0; i < shards; ++i) {
    auto part = FaissIndex::load(trained);
    REQUIRE(part.has_value());
    REQUIRE(add_rows(*part, in.set, RowSelection{Shard{i, shards}, by}, 64).has_value());
    const std::string file = in.dir.file(tag + ".shard" + std::to_string(i) + ".faiss");
    REQUIRE(part->save(file).is_ok());
    auto back = FaissIndex::load(file);
    REQUIRE(back.has_value());
    parts.push_back(std::move(*back));
  }
  std::rotate(parts.begin(), parts.begin() + 1, parts.end());  // merge order must not matter
  FaissIndex merged = std::move(parts[0]);
  for (size_t i = 1; i < parts.size(); ++i) REQUIRE(merge_index(merged, parts[i]).is_ok());
  return merged;
}

TEST_CASE("index: 3 shards merged give the search results of one build from the same trained index") {
  Inputs in;
  const size_t d = 16, n = 2000;
  make_inputs(in, clustered(n, d, 30, 31), d, 777);
  const std::vector<float> queries = gaussian(40, d, 32, 1.0f);
  const size_t k = 6;
  for (const std::string factory : {"IVF16,Flat", "Flat"}) {
    // The reference: the same trained index, every row added at once.
    auto whole = FaissIndex::create(factory, d);
    REQUIRE(whole.has_value());
    REQUIRE(train_index(*whole, in.set, n).is_ok());
    REQUIRE(add_rows(*whole, in.set, {}).has_value());
    std::vector<float> ws;
    std::vector<int64_t> wi;
    run_search(*whole, queries, d, k, {}, ws, wi);
    if (factory == "Flat") check_exact(brute_force(in.rows, queries, d, k), ws.data(), wi.data(), k);

    for (const ShardBy by : {ShardBy::kLine, ShardBy::kFile}) {
      INFO(factory << (by == ShardBy::kLine ? " by line" : " by file"));
      FaissIndex merged = build_sharded(in, factory, 3, by, by == ShardBy::kLine ? "line" : "file");
      CHECK(merged.size() == n);
      CHECK(merged.has_id_map() == (factory == "Flat"));  // Flat shards need an id map, IVF ones do not
      std::vector<float> ms;
      std::vector<int64_t> mi;
      run_search(merged, queries, d, k, {}, ms, mi);
      CHECK(mi == wi);
      for (size_t t = 0; t < ms.size(); ++t) CHECK(ms[t] == doctest::Approx(ws[t]).epsilon(1e-6));
    }
  }
}

TEST_CASE("index: merging refuses HNSW, other training and other kinds") {
  Inputs in;
  const size_t d = 8, n = 600;
  make_inputs(in, clustered(n, d, 10, 41), d, 300);
  auto h1 = FaissIndex::create("HNSW8", d);
  auto h2 = FaissIndex::create("HNSW8", d);
  REQUIRE(add_rows(*h1, in.set, RowSelection{Shard{0, 2}, ShardBy::kLine}).has_value());
  REQUIRE(add_rows(*h2, in.set, RowSelection{Shard{1, 2}, ShardBy::kLine}).has_value());
  CHECK(h1->has_id_map());
  h1->set_name("h1.faiss");
  Status s = merge_index(*h1, *h2);
  CHECK(s.code() == StatusCode::kDataError);
  CHECK(s.message().starts_with("h1.faiss is IDMap,HNSW8: only IVF indexes"));

  // Two IVF indexes trained on different samples: FAISS finds different centroids.
  auto a = FaissIndex::create("IVF8,Flat", d);
  auto b = FaissIndex::create("IVF8,Flat", d);
  REQUIRE(train_index(*a, in.set, 400, 1).is_ok());
  REQUIRE(train_index(*b, in.set, 400, 2).is_ok());
  b->set_name("b.faiss");
  s = merge_index(*a, *b);
  CHECK(s.code() == StatusCode::kDataError);
  CHECK(s.message().starts_with("b.faiss cannot be merged into "));

  auto f = FaissIndex::create("Flat", d);
  REQUIRE(add_rows(*f, in.set, {}).has_value());  // whole: no id map, positions are ids
  s = merge_index(*a, *f);
  CHECK(s.code() == StatusCode::kDataError);
}

TEST_CASE("index: training and adding refuse what cannot work") {
  Inputs in;
  const size_t d = 8;
  make_inputs(in, gaussian(100, d, 51), d, 60);
  auto ivf = FaissIndex::create("IVF128,Flat", d);
  REQUIRE(ivf.has_value());
  Status s = train_index(*ivf, in.set, 1000);
  CHECK(s.code() == StatusCode::kInvalidArgument);
  CHECK(s.message() ==
        "IVF128,Flat needs at least 128 training vectors (one per list), and there are only 100: "
        "use fewer lists, or a Flat index");
  CHECK(add_rows(*ivf, in.set, {}).status().code() == StatusCode::kInvalidArgument);  // untrained
  auto wrong = FaissIndex::create("Flat", d + 1);
  CHECK(add_rows(*wrong, in.set, {}).status().code() == StatusCode::kDataError);
  CHECK(FaissIndex::create("IVF0,Nonsense", d).status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("index: the same input gives the same index bytes, for any thread count") {
  Inputs in;
  const size_t d = 16, n = 2500;
  make_inputs(in, clustered(n, d, 25, 61), d, 1000);
  std::string first;
  for (const size_t threads : {1, 2, 1}) {
    set_thread_limit(threads);
    auto ix = FaissIndex::create("IVF32,Flat", d);
    REQUIRE(train_index(*ix, in.set, 2000).is_ok());
    REQUIRE(add_rows(*ix, in.set, {}, 300).has_value());
    const std::string path = in.dir.file("det.faiss");
    REQUIRE(ix->save(path).is_ok());
    const std::string bytes = bitmill::testing::read_file(path);
    if (first.empty()) first = bytes;
    INFO("threads " << threads);
    CHECK(bytes == first);
  }
  set_thread_limit(std::max(1u, std::thread::hardware_concurrency()));
}

}  // namespace
}  // namespace bitmill::index
