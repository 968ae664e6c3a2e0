#include "bitmill/index/shard_merge.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>
#include <vector>

#include "bitmill/index/build.h"
#include "bitmill/index/build_base.h"
#include "bitmill/index/embedding_set.h"
#include "index/test_data.h"
#include "testing/npy.h"
#include "testing/test_util.h"

namespace bitmill::index {
namespace {

using bitmill::testing::TempDir;

TEST_CASE("index: merge inputs must be distinct files, none of them the output") {
  TempDir dir;
  const std::string a = dir.file("a.faiss"), b = dir.file("b.faiss");
  CHECK(check_merge_files({a, b}, dir.file("o.faiss")).is_ok());
  const Status out = check_merge_files({a, b}, dir.path() + "/./b.faiss");
  CHECK(out.code() == StatusCode::kInvalidArgument);
  CHECK(out.message() == b + " is both a shard and the output");
  const Status twice = check_merge_files({a, b, dir.path() + "//a.faiss"}, dir.file("o.faiss"));
  CHECK(twice.message() == dir.path() + "//a.faiss is given twice: its vectors would be merged twice");
}

TEST_CASE("index: shard files merged hold every row once, with its global id, and sizes add up") {
  TempDir dir;
  const size_t n = 300, d = 8;
  bitmill::testing::write_npy(dir.file("e.npy"), index::testing::clustered(n, d, 4, 5), n, d);
  auto emb = EmbeddingSet::open({dir.file("e.npy")});
  REQUIRE(emb.has_value());
  auto trained = create_index("IVF4,Flat", *emb, Shard{});
  REQUIRE(trained.has_value());
  REQUIRE(train_index(*trained, *emb, training_rows(*trained, *emb, 0)).is_ok());
  REQUIRE(trained->save(dir.file("trained.faiss")).is_ok());
  std::vector<std::string> shards;
  for (uint64_t i = 0; i < 3; ++i) {
    auto ix = load_trained_index(dir.file("trained.faiss"), *emb);
    REQUIRE(ix.has_value());
    RowSelection sel;
    sel.shard = Shard{i, 3};
    REQUIRE(add_rows(*ix, *emb, sel).has_value());
    shards.push_back(dir.file(fmt::format("s{}.faiss", i)));
    REQUIRE(ix->save(shards.back()).is_ok());
  }
  std::vector<std::string> seen;
  auto merged = merge_index_files(shards, [&](const std::string& p, const FaissIndex&) { seen.push_back(p); });
  REQUIRE(merged.has_value());
  CHECK(merged->size() == n);
  CHECK(seen == std::vector<std::string>{shards[1], shards[2]});
  uint64_t bytes = 0;
  for (const auto& s : shards) bytes += std::filesystem::file_size(s);
  CHECK(file_bytes(shards) == bytes);
  CHECK(file_bytes({dir.file("none")}) == 0);

  // Every row finds itself first, under its global id.
  std::vector<float> q(d);
  std::vector<float> sims(1);
  std::vector<int64_t> ids(1);
  SearchParams all;
  all.nprobe = 4;
  for (int64_t r : {0, 1, 2, 150, 299}) {
    REQUIRE(emb->read_normalized({&r, 1}, q.data()).is_ok());
    REQUIRE(search(*merged, q.data(), 1, 1, all, sims.data(), ids.data()).is_ok());
    CHECK(ids[0] == r);
  }
}

TEST_CASE("index: a Flat index without an id map, or an untrained --trained, is refused") {
  TempDir dir;
  const size_t n = 10, d = 4;
  bitmill::testing::write_npy(dir.file("e.npy"), index::testing::gaussian(n, d, 1), n, d);
  auto emb = EmbeddingSet::open({dir.file("e.npy")});
  REQUIRE(emb.has_value());
  auto flat = create_index("Flat", *emb, Shard{});
  REQUIRE(flat.has_value());
  REQUIRE(add_rows(*flat, *emb, RowSelection{}).has_value());
  REQUIRE(flat->save(dir.file("f.faiss")).is_ok());
  auto m = merge_index_files({dir.file("f.faiss")}, {});
  CHECK(m.status().code() == StatusCode::kDataError);
  CHECK(m.status().message() == dir.file("f.faiss") +
                                    " is Flat: only IVF indexes and sharded Flat indexes (with an id map) can be "
                                    "merged; build other kinds whole");
  auto full = load_trained_index(dir.file("f.faiss"), *emb);
  CHECK(full.status().message() == dir.file("f.faiss") +
                                       " already holds 10 vectors: --trained takes an empty trained index (from "
                                       "--train-only)");
  auto ivf = create_index("IVF2,Flat", *emb, Shard{1, 2});
  CHECK(ivf.status().code() == StatusCode::kInvalidArgument);
  CHECK(ivf.status().message().starts_with("shard 1/2 of IVF2,Flat needs --trained TRAINED"));
}

}  // namespace
}  // namespace bitmill::index
