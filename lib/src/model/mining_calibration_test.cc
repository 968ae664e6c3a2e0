#include "bitmill/model/mining_calibration.h"

#include <doctest/doctest.h>

#include "testing/test_util.h"

namespace bitmill::model {
namespace {

using testing::TempDir;
using testing::write_file;

TEST_CASE("bitmill.json: the mining block is read, absent file or block is none") {
  TempDir d;
  auto none = read_mining_calibration(d.path());
  REQUIRE(none.has_value());
  CHECK_FALSE(none->has_value());

  write_file(d.file("bitmill.json"), R"({"other": 1})");
  auto no_block = read_mining_calibration(d.path());
  REQUIRE(no_block.has_value());
  CHECK_FALSE(no_block->has_value());

  write_file(d.file("bitmill.json"),
             R"({"mining": {"margin": "distance", "k": 8, "retrieval": "intersect", "threshold": 0.0625,)"
             R"( "dim": 256, "calibrated_on": "dev", "future": [1, 2]}})");
  auto c = read_mining_calibration(d.path());
  REQUIRE(c.has_value());
  REQUIRE(c->has_value());
  CHECK((*c)->margin == "distance");
  CHECK((*c)->retrieval == "intersect");
  CHECK((*c)->k == 8);
  CHECK((*c)->dim == 256);
  CHECK((*c)->threshold == 0.0625f);
  CHECK((*c)->calibrated_on == "dev");
  CHECK((*c)->path == d.file("bitmill.json"));

  // margin and retrieval default to bitmill-mine's defaults; k, dim and threshold are required.
  write_file(d.file("bitmill.json"), R"({"mining": {"k": 4, "threshold": 1.05, "dim": 8}})");
  auto dflt = read_mining_calibration(d.path());
  REQUIRE(dflt.has_value());
  CHECK((*dflt)->margin == "ratio");
  CHECK((*dflt)->retrieval == "max");
  CHECK((*dflt)->pair_thresholds.empty());

  write_file(d.file("bitmill.json"), R"({"mining": {"k": 4, "threshold": 1.05, "dim": 8,)"
                                     R"( "pair_thresholds": {"deu-eng": 1.25, "eng-pan": 1.0, "deu-deu": 1.5}}})");
  auto pairs = read_mining_calibration(d.path());
  REQUIRE(pairs.has_value());
  CHECK((*pairs)->pair_thresholds.size() == 3);
  CHECK((*pairs)->pair_thresholds.at("deu-eng") == 1.25f);
  CHECK((*pairs)->pair_thresholds.at("eng-pan") == 1.0f);
  CHECK((*pairs)->pair_thresholds.at("deu-deu") == 1.5f);
}

TEST_CASE("bitmill.json: malformed files are data errors naming the file and the key") {
  struct Case {
    const char* json;
    const char* message;
  };
  const Case cases[] = {
      {"{", "not valid JSON"},
      {"[1]", "expected a JSON object"},
      {R"({"mining": 3})", "'mining' must be an object, not a number"},
      {R"({"mining": {"k": "4", "threshold": 1, "dim": 8}})", "needs a positive integer 'k'"},
      {R"({"mining": {"k": 0, "threshold": 1, "dim": 8}})", "needs a positive integer 'k'"},
      {R"({"mining": {"k": 2000, "threshold": 1, "dim": 8}})", "'k' must be from 1 to 1024"},
      {R"({"mining": {"k": 4, "threshold": 1}})", "needs a positive integer 'dim'"},
      {R"({"mining": {"k": 4, "threshold": 1, "dim": 4294967296}})", "'dim' must be from 1 to 1048576"},
      {R"({"mining": {"k": 4, "dim": 8}})", "'threshold' must be a finite number"},
      {R"({"mining": {"k": 4, "threshold": "1.05", "dim": 8}})", "'threshold' must be a finite number"},
      {R"({"mining": {"k": 4, "threshold": 1e999, "dim": 8}})", "not valid JSON"},
      {R"({"mining": {"k": 4, "threshold": 1, "dim": 8, "margin": "cosine"}})",
       "'margin' must be ratio, distance or absolute, not 'cosine'"},
      {R"({"mining": {"k": 4, "threshold": 1, "dim": 8, "retrieval": 1}})", "'retrieval' must be a string"},
      {R"({"mining": {"k": 4, "threshold": 1, "dim": 8, "pair_thresholds": [1]}})",
       "'pair_thresholds' must be an object, not an array"},
      {R"({"mining": {"k": 4, "threshold": 1, "dim": 8, "pair_thresholds": {"eng-deu": 1}}})",
       "key 'eng-deu' must be two ISO 639-3 codes in alphabetical order"},
      {R"({"mining": {"k": 4, "threshold": 1, "dim": 8, "pair_thresholds": {"de-en": 1}}})", "key 'de-en' must be"},
      {R"({"mining": {"k": 4, "threshold": 1, "dim": 8, "pair_thresholds": {"DEU-ENG": 1}}})", "key 'DEU-ENG' must be"},
      {R"({"mining": {"k": 4, "threshold": 1, "dim": 8, "pair_thresholds": {"deu-eng": "1"}}})",
       "'pair_thresholds' 'deu-eng' must be a finite number"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.json);
    TempDir d;
    write_file(d.file("bitmill.json"), c.json);
    auto r = read_mining_calibration(d.path());
    REQUIRE_FALSE(r.has_value());
    CHECK(r.status().code() == StatusCode::kDataError);
    CHECK(r.status().message().find(d.file("bitmill.json")) != std::string::npos);
    CHECK(r.status().message().find(c.message) != std::string::npos);
  }
}

}  // namespace
}  // namespace bitmill::model
