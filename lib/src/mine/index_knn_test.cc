#include "bitmill/mine/index_knn.h"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "bitmill/index/build.h"
#include "bitmill/index/embedding_set.h"
#include "testing/npy.h"
#include "testing/test_util.h"

namespace bitmill::mine {
namespace {

using testing::TempDir;

// A side of n distinct lines with Gaussian embeddings, and a Flat index of them (ids = lines).
JobSide flat_side(const TempDir& dir, const std::string& name, size_t n, size_t d, unsigned seed) {
  std::string text;
  for (size_t i = 0; i < n; ++i) text += name + std::to_string(i) + "\n";
  testing::write_file(dir.file(name + ".txt"), text);
  std::mt19937 rng(seed);
  std::normal_distribution<float> g;
  std::vector<float> v(n * d);
  for (float& x : v) x = g(rng);
  auto loaded = load_side_text(dir.file(name + ".txt"), false, InvalidUtf8Policy::kFail);
  REQUIRE(loaded.has_value());
  JobSide s = std::move(*loaded);
  s.emb = testing::write_npy(dir.file(name + ".npy"), v, n, d);
  auto emb = index::EmbeddingSet::open({dir.file(name + ".npy")});
  REQUIRE(emb.has_value());
  auto ix = index::FaissIndex::create("Flat", d);
  REQUIRE(ix.has_value());
  REQUIRE(index::add_rows(*ix, *emb, index::RowSelection{}).has_value());
  REQUIRE(ix->save(dir.file(name + ".faiss")).is_ok());
  return s;
}

TEST_CASE("mine: k-NN over Flat indexes finds the exact search's neighbours both ways") {
  TempDir dir;
  Job job;
  job.src = flat_side(dir, "s", 30, 8, 1);
  job.tgt = flat_side(dir, "t", 20, 8, 2);
  Neighbors fwd, bwd, efwd, ebwd;
  REQUIRE(index_knn_both(job, IndexFiles{dir.file("s.faiss"), dir.file("t.faiss")}, {}, 3, fwd, bwd).is_ok());
  KnnOptions ko;
  ko.k = 3;
  ko.method = KnnMethod::kF32;
  REQUIRE(knn_both(job.src.set(), job.tgt.set(), ko, efwd, ebwd).is_ok());
  REQUIRE(fwd.rows == efwd.rows);
  REQUIRE(bwd.rows == ebwd.rows);
  CHECK(fwd.idx == efwd.idx);
  CHECK(bwd.idx == ebwd.idx);
  for (size_t i = 0; i < fwd.sim.size(); ++i) CHECK(fwd.sim[i] == doctest::Approx(efwd.sim[i]).epsilon(1e-5));
}

TEST_CASE("mine: an index that does not hold its side's lines is refused, naming it") {
  TempDir dir;
  Job job;
  job.src = flat_side(dir, "s", 10, 4, 1);
  job.tgt = flat_side(dir, "t", 12, 4, 2);
  Neighbors fwd, bwd;
  // The source index given for the target side.
  const Status s = index_knn_both(job, IndexFiles{dir.file("s.faiss"), dir.file("s.faiss")}, {}, 2, fwd, bwd);
  CHECK(s.code() == StatusCode::kDataError);
  CHECK(s.message() ==
        dir.file("s.faiss") + " holds 10 vectors but its side has 12 lines: build it from that side's embeddings");
}

}  // namespace
}  // namespace bitmill::mine
