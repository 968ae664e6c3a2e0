#include "bitmill/index/build_request.h"

#include <doctest/doctest.h>

#include <string>

#include "testing/test_util.h"

namespace bitmill::index {
namespace {

TEST_CASE("index: a build request is refused for each combination that cannot work, and only for those") {
  testing::TempDir dir;
  BuildRequest ok;
  ok.inputs = {dir.file("a.npy")};
  ok.output = dir.file("o.faiss");
  CHECK(check_build_request(ok, false).is_ok());
  CHECK(check_build_request(ok, true).is_ok());

  struct Case {
    const char* what;
    void (*change)(BuildRequest&, const testing::TempDir&);
    bool shard;
    std::string message;
  };
  const Case cases[] = {
      {"no output", [](BuildRequest& r, const testing::TempDir&) { r.output.clear(); }, false, "-o INDEX is required"},
      {"no input", [](BuildRequest& r, const testing::TempDir&) { r.inputs.clear(); }, false,
       "no embedding files given (EMB...)"},
      {"factory and trained",
       [](BuildRequest& r, const testing::TempDir&) {
         r.trained = "t.faiss";
         r.factory = "Flat";
       },
       false, "--factory and --trained exclude each other: the trained index fixes the index type"},
      {"train size and trained",
       [](BuildRequest& r, const testing::TempDir&) {
         r.trained = "t.faiss";
         r.train_size = 10;
       },
       false, "--train-size and --trained exclude each other: the index is trained already"},
      {"train only and trained",
       [](BuildRequest& r, const testing::TempDir&) {
         r.trained = "t.faiss";
         r.train_only = true;
       },
       false, "--train-only and --trained exclude each other"},
      {"stats to a directory", [](BuildRequest& r, const testing::TempDir& d) { r.stats = d.path(); }, false,
       "not a regular file; outputs are files (or - for stdout where allowed)"},
      {"input as output", [](BuildRequest& r, const testing::TempDir& d) { r.inputs.push_back(d.file("o.faiss")); },
       false, "is both an input and the output"},
      {"trained as output", [](BuildRequest& r, const testing::TempDir& d) { r.trained = d.file("./o.faiss"); }, false,
       "is both the trained index and the output: each shard needs its own file"},
      {"recall without vectors",
       [](BuildRequest& r, const testing::TempDir&) {
         r.train_only = true;
         r.recall_sample = 5;
       },
       false, "--check-recall needs vectors, and --train-only adds none"},
      {"train only, sharded", [](BuildRequest& r, const testing::TempDir&) { r.train_only = true; }, true,
       "--train-only trains on a sample of every row: --shard does not apply"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.what);
    BuildRequest r = ok;
    c.change(r, dir);
    const Status s = check_build_request(r, c.shard);
    CHECK(s.code() == StatusCode::kInvalidArgument);
    CHECK(s.message().ends_with(c.message));
  }
}

}  // namespace
}  // namespace bitmill::index
