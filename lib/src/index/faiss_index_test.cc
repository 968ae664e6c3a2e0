#include "bitmill/index/faiss_index.h"

#include <doctest/doctest.h>

#include <sys/stat.h>

#include <faiss/IndexFlat.h>
#include <faiss/IndexPQ.h>
#include <faiss/index_io.h>

#include <cstring>
#include <filesystem>
#include <limits>

#include "bitmill/index/build.h"
#include "index/allocation_cap.h"
#include "index/test_data.h"
#include "testing/npy.h"
#include "testing/test_util.h"

namespace bitmill::index {
namespace {

using namespace testing;  // index/test_data.h

constexpr float kNoSim = -std::numeric_limits<float>::infinity();
constexpr int64_t kNoIdx = std::numeric_limits<int64_t>::max();

FaissIndex flat_index(const TempDir& dir, const std::vector<float>& rows, size_t d) {
  write_npy(dir.file("rows.npy"), rows, rows.size() / d, d);
  auto set = EmbeddingSet::open({dir.file("rows.npy")});
  REQUIRE(set.has_value());
  auto ix = FaissIndex::create("Flat", d);
  REQUIRE(ix.has_value());
  REQUIRE(add_rows(*ix, *set, {}).has_value());
  return std::move(*ix);
}

TEST_CASE("index: save then load gives the same index, and the write is atomic") {
  TempDir dir;
  const size_t d = 8;
  FaissIndex ix = flat_index(dir, gaussian(50, d, 1), d);
  const std::string path = dir.file("x.faiss");
  REQUIRE(ix.save(path).is_ok());
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) names.push_back(e.path().filename());
  std::sort(names.begin(), names.end());
  CHECK(names == std::vector<std::string>{"rows.npy", "x.faiss"});  // no temporary left behind
  auto back = FaissIndex::load(path);
  REQUIRE(back.has_value());
  CHECK(back->size() == 50);
  CHECK(back->dim() == d);
  CHECK(back->describe() == "Flat");
  CHECK(back->name() == path);
  // FAISS's own writer gives the same bytes: the file is a plain FAISS index.
  faiss::write_index(ix.get(), dir.file("ref.faiss").c_str());
  CHECK(read_file(path) == read_file(dir.file("ref.faiss")));
  CHECK(ix.save("-").code() == StatusCode::kInvalidArgument);
  // Never renamed over a device or a FIFO (here a FIFO: /dev/null itself is not to be risked).
  REQUIRE(::mkfifo(dir.file("fifo").c_str(), 0600) == 0);
  CHECK(ix.save(dir.file("fifo")).code() == StatusCode::kInvalidArgument);
  CHECK(!std::filesystem::is_regular_file(dir.file("fifo")));
  CHECK(ix.save(dir.file("no/such/dir/x.faiss")).code() == StatusCode::kNotFound);
}

TEST_CASE("index: load reports missing, corrupt, truncated and L2 index files") {
  TempDir dir;
  const size_t d = 8;
  FaissIndex ix = flat_index(dir, gaussian(50, d, 2), d);
  REQUIRE(ix.save(dir.file("good.faiss")).is_ok());
  const std::string good = read_file(dir.file("good.faiss"));

  auto missing = FaissIndex::load(dir.file("none.faiss"));
  CHECK(missing.status().code() == StatusCode::kNotFound);
  CHECK(missing.status().message().starts_with(dir.file("none.faiss") + ": "));

  write_file(dir.file("text.faiss"), "this is not an index\n");
  auto text = FaissIndex::load(dir.file("text.faiss"));
  CHECK(text.status().code() == StatusCode::kDataError);
  CHECK(text.status().message().starts_with(dir.file("text.faiss") + ": not a valid FAISS index ("));
  CHECK(text.status().message().find('\n') == std::string::npos);

  write_file(dir.file("cut.faiss"), good.substr(0, good.size() / 2));
  auto cut = FaissIndex::load(dir.file("cut.faiss"));
  CHECK(cut.status().code() == StatusCode::kDataError);
  CHECK(cut.status().message().starts_with(dir.file("cut.faiss") + ": not a valid FAISS index ("));

  write_file(dir.file("empty.faiss"), "");
  CHECK(FaissIndex::load(dir.file("empty.faiss")).status().code() == StatusCode::kDataError);
  CHECK(FaissIndex::load(dir.path()).status().code() == StatusCode::kIoError);

  faiss::IndexFlatL2 l2(static_cast<int>(d));
  faiss::write_index(&l2, dir.file("l2.faiss").c_str());
  auto wrong = FaissIndex::load(dir.file("l2.faiss"));
  CHECK(wrong.status().code() == StatusCode::kDataError);
  CHECK(wrong.status().message() == dir.file("l2.faiss") +
                                        ": the index measures L2 distances; bitmill indexes use the inner product of "
                                        "L2-normalised rows (cosine)");
}

TEST_CASE("index: a file that declares more data than it holds is refused before the allocation") {
  TempDir dir;
  const size_t d = 8;
  FaissIndex ix = flat_index(dir, gaussian(50, d, 3), d);
  REQUIRE(ix.save(dir.file("good.faiss")).is_ok());
  std::string bytes = read_file(dir.file("good.faiss"));
  // FAISS 1.7.3's flat layout: "IxFI", d (int32), ntotal, two dummies (int64), is_trained (1 byte),
  // metric (int32), then the codes as a count of 4-byte words and the words.
  constexpr size_t kCodesAt = 4 + 4 + 8 + 8 + 8 + 1 + 4;
  uint64_t words = 0;
  REQUIRE(bytes.size() > kCodesAt + sizeof words);
  std::memcpy(&words, bytes.data() + kCodesAt, sizeof words);
  REQUIRE(words == 50 * d);
  // 1 GiB declared, 200 bytes present: FAISS would zero-fill the gigabyte before finding the end.
  words = uint64_t{1} << 28;
  std::memcpy(bytes.data() + kCodesAt, &words, sizeof words);
  write_file(dir.file("forged.faiss"), bytes.substr(0, kCodesAt + sizeof words + 200));
  auto forged = FaissIndex::load(dir.file("forged.faiss"));
  CHECK(forged.status().code() == StatusCode::kDataError);
  CHECK(forged.status().message() == dir.file("forged.faiss") +
                                         ": not a valid FAISS index (it declares more data than its " +
                                         std::to_string(kCodesAt + sizeof words + 200) + " bytes hold)");
  // The bound is the file's: the good file, and a larger one, still load.
  CHECK(FaissIndex::load(dir.file("good.faiss")).has_value());
  FaissIndex big = flat_index(dir, gaussian(20000, 256, 4), 256);  // 20 MB, above the fixed slack
  REQUIRE(big.save(dir.file("big.faiss")).is_ok());
  auto back = FaissIndex::load(dir.file("big.faiss"));
  REQUIRE(back.has_value());
  CHECK(back->size() == 20000);
}

TEST_CASE("index: a FAISS division fault while reading is a data error, and the allocation cap ends") {
  TempDir dir;
  faiss::IndexPQ pq(8, 2, 4, faiss::METRIC_INNER_PRODUCT);
  faiss::write_index(&pq, dir.file("pq.faiss").c_str());
  std::string bytes = read_file(dir.file("pq.faiss"));
  // "IxPq", the index header (as above), then the quantizer: d, M, nbits (size_t each).
  constexpr size_t kMAt = 4 + 4 + 8 + 8 + 8 + 1 + 4 + 8;
  uint64_t m = 0;
  REQUIRE(bytes.size() > kMAt + sizeof m);
  std::memcpy(&m, bytes.data() + kMAt, sizeof m);
  REQUIRE(m == 2);
  m = 0;  // FAISS 1.7.3 divides d by M before it checks M
  std::memcpy(bytes.data() + kMAt, &m, sizeof m);
  write_file(dir.file("m0.faiss"), bytes);
  for (int i = 0; i < 2; ++i) {
    auto bad = FaissIndex::load(dir.file("m0.faiss"));
    CHECK(bad.status().code() == StatusCode::kDataError);
    CHECK(bad.status().message() ==
          dir.file("m0.faiss") + ": not a valid FAISS index (a count in it is zero where FAISS divides by it)");
  }
  // The fault jumped out of FAISS's frames, not out of the cap's: allocation is free again.
  CHECK(AllocationCap::remaining() == std::numeric_limits<size_t>::max());
}

TEST_CASE("index: search parameters are stored, or refused where they do not apply") {
  const size_t d = 16;
  auto flat = FaissIndex::create("Flat", d);
  REQUIRE(flat.has_value());
  flat->set_name("f.faiss");
  Status s = flat->store_params({4, 0});
  CHECK(s.code() == StatusCode::kInvalidArgument);
  CHECK(s.message() == "nprobe applies to IVF indexes, and f.faiss is Flat");
  CHECK(flat->store_params({0, 64}).code() == StatusCode::kInvalidArgument);

  auto ivf = FaissIndex::create("IVF64,Flat", d);
  CHECK(ivf->stored_params().nprobe == 64);
  REQUIRE(ivf->store_params({8, 0}).is_ok());
  CHECK(ivf->stored_params().nprobe == 8);
  REQUIRE(ivf->store_params({1000, 0}).is_ok());
  CHECK(ivf->stored_params().nprobe == 64);  // at most nlist
  CHECK(ivf->store_params({0, 32}).code() == StatusCode::kInvalidArgument);

  auto hnsw = FaissIndex::create("HNSW16", d);
  CHECK(hnsw->stored_params().ef_search == 128);
  REQUIRE(hnsw->store_params({0, 40}).is_ok());
  CHECK(hnsw->stored_params().ef_search == 40);

  auto ivfh = FaissIndex::create("IVF64_HNSW8,Flat", d);
  REQUIRE(ivfh->store_params({16, 300}).is_ok());
  CHECK(ivfh->stored_params().nprobe == 16);
  CHECK(ivfh->stored_params().ef_search == 300);

  auto opq = FaissIndex::create("OPQ4,IVF64,PQ4x4", d);
  CHECK(opq->describe() == "OPQ4,IVF64,PQ4x4");
  CHECK(opq->is_ivf());
  CHECK(opq->takes_ids());
  REQUIRE(opq->store_params({5, 0}).is_ok());
  CHECK(opq->stored_params().nprobe == 5);
}

TEST_CASE("index: search_knn orders ties by id, pads short lists, and uses the rows of a RowSet") {
  TempDir dir;
  const size_t d = 4;
  // Rows 0..5 with duplicates: 1 == 4 and 2 == 5 (ties that only the id can order).
  std::vector<float> rows = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 2, 0, 0, 0, 0, 3, 0};
  FaissIndex ix = flat_index(dir, rows, d);
  std::vector<float> q = {0, 1, 0.1f, 0,   //
                          7, 0, 0,    0,   //
                          0, 0, 0,    0};  // a zero query: every similarity 0
  write_npy(dir.file("q.npy"), q, 3, d);
  auto qm = EmbeddingMatrix::open(dir.file("q.npy"));
  REQUIRE(qm.has_value());
  const std::vector<int64_t> subset = {1, 0};
  vectors::Neighbors nb;
  SearchStats st;
  REQUIRE(search_knn(ix, vectors::RowSet{&*qm, &subset}, {}, 3, nb, &st).is_ok());
  CHECK(nb.rows == 2);
  CHECK(nb.k == 3);
  CHECK(std::vector<int64_t>(nb.idx.begin(), nb.idx.begin() + 3) == std::vector<int64_t>{0, 1, 2});
  CHECK(nb.sim[0] == doctest::Approx(1.0f));
  CHECK(nb.idx[3] == 1);  // (0, 1, 0.1): rows 1 and 4 tie, 1 first
  CHECK(nb.idx[4] == 4);
  CHECK(nb.sim[3] == nb.sim[4]);
  CHECK(st.short_rows == 0);

  // k above the rows: k_eff = rows.
  REQUIRE(search_knn(ix, vectors::RowSet{&*qm, nullptr}, {}, 50, nb).is_ok());
  CHECK(nb.k == 6);
  CHECK(std::vector<int64_t>(nb.idx.begin() + 12, nb.idx.end()) == std::vector<int64_t>{0, 1, 2, 3, 4, 5});

  // An IVF search probing one list of two finds fewer than k: padding (-inf, INT64_MAX) at the end.
  const std::vector<float> two = testing::clustered(100, d, 2, 3);
  write_npy(dir.file("two.npy"), two, 100, d);
  auto set = EmbeddingSet::open({dir.file("two.npy")});
  auto ivf = FaissIndex::create("IVF2,Flat", d);
  REQUIRE(train_index(*ivf, *set, 100).is_ok());
  REQUIRE(add_rows(*ivf, *set, {}).has_value());
  auto tm = EmbeddingMatrix::open(dir.file("two.npy"));
  REQUIRE(search_knn(*ivf, vectors::RowSet{&*tm, nullptr}, {1, 0}, 70, nb, &st).is_ok());
  CHECK(nb.k == 70);
  CHECK(st.short_rows == 100);
  for (size_t i = 0; i < nb.rows; ++i) {
    CHECK(nb.idx[i * 70 + 69] == kNoIdx);
    CHECK(nb.sim[i * 70 + 69] == kNoSim);
    CHECK(nb.idx[i * 70] == static_cast<int64_t>(i));  // each row finds itself first
  }
  REQUIRE(search_knn(*ivf, vectors::RowSet{&*tm, nullptr}, {2, 0}, 70, nb, &st).is_ok());
  CHECK(st.short_rows == 0);

  // Errors: dimensions, k.
  write_npy(dir.file("q5.npy"), gaussian(2, 5, 1), 2, 5);
  auto q5 = EmbeddingMatrix::open(dir.file("q5.npy"));
  CHECK(search_knn(ix, vectors::RowSet{&*q5, nullptr}, {}, 3, nb).code() == StatusCode::kDataError);
  CHECK(search_knn(ix, vectors::RowSet{&*qm, nullptr}, {}, 0, nb).code() == StatusCode::kInvalidArgument);
}

TEST_CASE("index: search parameters reach HNSW and PCA+IVF+PQ indexes through their wrappers") {
  TempDir dir;
  // PCA, not OPQ, for the transform: the same IndexPreTransform path, but OPQ training takes FAISS
  // 20 s here.
  const size_t d = 16, n = 3000;
  auto [rows, emb] = clustered_on_disk(dir, n, d, 50, 5);
  const std::vector<float> queries = testing::gaussian(200, d, 6, 1.0f);
  write_npy(dir.file("q.npy"), queries, 200, d);
  auto qm = EmbeddingMatrix::open(dir.file("q.npy"));
  const vectors::RowSet qs{&*qm, nullptr};
  for (const std::string factory : {"HNSW16", "PCA16,IVF32,PQ8x4"}) {
    INFO(factory);
    auto ix = FaissIndex::create(factory, d);
    REQUIRE(train_index(*ix, emb, n).is_ok());
    // Sharded (every other row): HNSW gets an id map, which FAISS 1.7.3 gives no parameters to.
    REQUIRE(add_rows(*ix, emb, RowSelection{Shard{0, 2}, ShardBy::kLine}).has_value());
    CHECK(ix->has_id_map() == !ix->is_ivf());
    const SearchParams low = ix->is_ivf() ? SearchParams{1, 0} : SearchParams{0, 1};
    const SearchParams high = ix->is_ivf() ? SearchParams{32, 0} : SearchParams{0, 200};
    vectors::Neighbors a, b, c;
    REQUIRE(ix->store_params(low).is_ok());
    REQUIRE(search_knn(*ix, qs, {}, 10, a).is_ok());
    REQUIRE(ix->store_params(high).is_ok());
    REQUIRE(search_knn(*ix, qs, {}, 10, b).is_ok());
    CHECK(a.idx != b.idx);                                                          // the parameter changed the search
    for (int64_t id : b.idx) CHECK((id % 2 == 0 && id < static_cast<int64_t>(n)));  // shard 0's global rows
    REQUIRE(ix->store_params(low).is_ok());
    if (ix->is_ivf()) {
      // nprobe passed per search (as faiss::SearchParameters, through the OPQ transform): as if stored.
      REQUIRE(search_knn(*ix, qs, high, 10, c).is_ok());
      CHECK(c.idx == b.idx);
      CHECK(c.sim == b.sim);
    } else {
      // efSearch only works stored (FAISS 1.7.3): another value per search is refused.
      const Status s = search_knn(*ix, qs, high, 10, c);
      CHECK(s.code() == StatusCode::kInvalidArgument);
      CHECK(search_knn(*ix, qs, low, 10, c).is_ok());
      CHECK(c.idx == a.idx);
    }
  }
}

}  // namespace
}  // namespace bitmill::index

namespace bitmill::index {
namespace {

TEST_CASE("index: types FAISS cannot read safely are refused before it reads them") {
  testing::TempDir dir;
  // The fuzzer's finds, cut to their types: a residual quantizer (FAISS dereferences null) and an
  // IDMap2 (FAISS indexes its id list past its end); and an IDMap or an IVF wrapping one.
  std::string header(33, '\0');  // d, ntotal, two dummies, is_trained, metric 0
  auto type_error = [&](const std::string& bytes) {
    write_file(dir.file("x.faiss"), bytes + std::string(64, '\0'));
    auto r = FaissIndex::load(dir.file("x.faiss"));
    return r.has_value() ? std::string("loaded") : r.status().message();
  };
  const std::string prefix = dir.file("x.faiss") + ": not a valid FAISS index (index type '";
  CHECK(type_error("IxRq" + header) == prefix + "IxRq' is not one bitmill reads)");
  CHECK(type_error("IxM2" + header) == prefix + "IxM2' is not one bitmill reads)");
  CHECK(type_error("IxMp" + header + "IxLS" + header) == prefix + "IxLS' is not one bitmill reads)");
  CHECK(type_error("IwFl" + header + std::string(16, '\0') + "IwRQ") == prefix + "IwRQ' is not one bitmill reads)");
  CHECK(type_error(std::string("\x01\x02\x03\x04", 4) + header) ==
        prefix + "\\x01\\x02\\x03\\x04' is not one bitmill reads)");
  // Factory strings that would make them are refused before anything is built.
  for (const char* f : {"RQ2x4", "IDMap2,Flat", "IVF16,LSQ2x4"}) {
    CAPTURE(f);
    auto r = FaissIndex::create(f, 32);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.status().message().find("is not one bitmill reads") != std::string::npos);
  }
  // An HNSW's storage sits after its graph: found by walking the graph's vectors.
  {
    write_npy(dir.file("h.npy"), gaussian(200, 32, 9), 200, 32);
    auto set = EmbeddingSet::open({dir.file("h.npy")});
    REQUIRE(set.has_value());
    auto h = FaissIndex::create("HNSW8", 32);
    REQUIRE(h.has_value());
    REQUIRE(add_rows(*h, *set, {}).has_value());
    REQUIRE(h->save(dir.file("h.faiss")).is_ok());
    CHECK(FaissIndex::load(dir.file("h.faiss")).has_value());
    std::string bytes = read_file(dir.file("h.faiss"));
    const size_t storage = bytes.rfind("IxFI");
    REQUIRE(storage != std::string::npos);
    bytes.replace(storage, 4, "IxRq");
    write_file(dir.file("h.faiss"), bytes);
    auto forged = FaissIndex::load(dir.file("h.faiss"));
    REQUIRE_FALSE(forged.has_value());
    CHECK(forged.status().message() ==
          dir.file("h.faiss") + ": not a valid FAISS index (index type 'IxRq' is not one bitmill reads)");
  }
  // The types bitmill uses still load and build.
  for (const char* f :
       {"Flat", "IVF4,Flat", "IVF4,PQ4", "IVF4,SQ8", "HNSW8", "OPQ4,IVF4,PQ4", "PQ8x4fs", "IDMap,Flat"}) {
    CAPTURE(f);
    CHECK(FaissIndex::create(f, 32).has_value());
  }
}

}  // namespace
}  // namespace bitmill::index
