#include "bitmill/index/output_files.h"

#include <doctest/doctest.h>

#include <vector>

#include "bitmill/index/build.h"
#include "bitmill/index/embedding_set.h"
#include "testing/npy.h"
#include "testing/test_util.h"

namespace bitmill::index {
namespace {

using testing::TempDir;

TEST_CASE("index: outputs must be regular files, or stdout, or not there yet") {
  TempDir dir;
  CHECK(check_output_file("-").is_ok());
  CHECK(check_output_file(dir.file("new.faiss")).is_ok());
  testing::write_file(dir.file("old.faiss"), "x");
  CHECK(check_output_file(dir.file("old.faiss")).is_ok());
  const Status s = check_output_file(dir.path());
  CHECK(s.code() == StatusCode::kInvalidArgument);
  CHECK(s.message() == dir.path() + ": not a regular file; outputs are files (or - for stdout where allowed)");
  CHECK(check_output_file("/dev/null").code() == StatusCode::kInvalidArgument);
  CHECK(output_exists(dir.file("old.faiss")));
  CHECK(!output_exists(dir.file("new.faiss")));
}

TEST_CASE("index: a complete index of the same shape is kept, another one is an error, --force builds") {
  TempDir dir;
  const size_t n = 5, d = 3;
  std::vector<float> v(n * d);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i % 7) - 3.0f;
  testing::write_npy(dir.file("e.npy"), v, n, d);
  auto emb = EmbeddingSet::open({dir.file("e.npy")});
  REQUIRE(emb.has_value());
  auto ix = FaissIndex::create("Flat", d);
  REQUIRE(ix.has_value());
  REQUIRE(add_rows(*ix, *emb, RowSelection{}).has_value());
  const std::string path = dir.file("i.faiss");

  auto none = keep_complete_index(path, n, d, false);
  REQUIRE(none.has_value());
  CHECK(!none->has_value());

  REQUIRE(ix->save(path).is_ok());
  auto kept = keep_complete_index(path, n, d, false);
  REQUIRE(kept.has_value());
  REQUIRE(kept->has_value());
  CHECK((*kept)->type == "Flat");
  CHECK((*kept)->vectors == n);
  CHECK((*kept)->dim == d);

  auto forced = keep_complete_index(path, n, d, true);
  REQUIRE(forced.has_value());
  CHECK(!forced->has_value());

  auto other = keep_complete_index(path, n + 1, d, false);
  CHECK(other.status().code() == StatusCode::kDataError);
  CHECK(other.status().message() == path +
                                        " exists and holds 5 vectors of dimension 3, not the 6 of dimension 3 this "
                                        "run builds: remove it or pass --force");

  testing::write_file(path, "not an index");
  CHECK(!keep_complete_index(path, n, d, false).has_value());
}

}  // namespace
}  // namespace bitmill::index
