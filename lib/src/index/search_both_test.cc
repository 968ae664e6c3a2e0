#include "bitmill/index/search_both.h"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "bitmill/index/build.h"
#include "bitmill/index/embedding_set.h"
#include "bitmill/mine/knn.h"
#include "testing/npy.h"
#include "testing/test_util.h"

namespace bitmill::index {
namespace {

using bitmill::testing::TempDir;
using vectors::Neighbors;

// A side of n Gaussian rows, and a Flat index of them (ids = rows).
EmbeddingMatrix flat_side(const TempDir& dir, const std::string& name, size_t n, size_t d, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> g;
  std::vector<float> v(n * d);
  for (float& x : v) x = g(rng);
  EmbeddingMatrix m = bitmill::testing::write_npy(dir.file(name + ".npy"), v, n, d);
  auto emb = EmbeddingSet::open({dir.file(name + ".npy")});
  REQUIRE(emb.has_value());
  auto ix = FaissIndex::create("Flat", d);
  REQUIRE(ix.has_value());
  REQUIRE(add_rows(*ix, *emb, RowSelection{}).has_value());
  REQUIRE(ix->save(dir.file(name + ".faiss")).is_ok());
  return m;
}

TEST_CASE("index: k-NN both ways over Flat indexes finds the exact search's neighbours both ways") {
  TempDir dir;
  const EmbeddingMatrix src = flat_side(dir, "s", 30, 8, 1), tgt = flat_side(dir, "t", 20, 8, 2);
  const vectors::RowSet x{&src, nullptr}, y{&tgt, nullptr};
  Neighbors fwd, bwd, efwd, ebwd;
  REQUIRE(search_both(IndexPair{dir.file("s.faiss"), dir.file("t.faiss")}, x, y, {}, 3, fwd, bwd).is_ok());
  mine::KnnOptions ko;
  ko.k = 3;
  ko.method = mine::KnnMethod::kF32;
  REQUIRE(mine::knn_both(x, y, ko, efwd, ebwd).is_ok());
  REQUIRE(fwd.rows == efwd.rows);
  REQUIRE(bwd.rows == ebwd.rows);
  CHECK(fwd.idx == efwd.idx);
  CHECK(bwd.idx == ebwd.idx);
  for (size_t i = 0; i < fwd.sim.size(); ++i) CHECK(fwd.sim[i] == doctest::Approx(efwd.sim[i]).epsilon(1e-5));
}

TEST_CASE("index: an index that does not hold its side's lines is refused, naming it") {
  TempDir dir;
  const EmbeddingMatrix src = flat_side(dir, "s", 10, 4, 1), tgt = flat_side(dir, "t", 12, 4, 2);
  Neighbors fwd, bwd;
  // The source index given for the target side.
  const Status s = search_both(IndexPair{dir.file("s.faiss"), dir.file("s.faiss")}, vectors::RowSet{&src, nullptr},
                               vectors::RowSet{&tgt, nullptr}, {}, 2, fwd, bwd);
  CHECK(s.code() == StatusCode::kDataError);
  CHECK(s.message() ==
        dir.file("s.faiss") + " holds 10 vectors but its side has 12 lines: build it from that side's embeddings");
}

}  // namespace
}  // namespace bitmill::index
