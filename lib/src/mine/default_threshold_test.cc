#include "bitmill/mine/default_threshold.h"

#include <doctest/doctest.h>

#include <cmath>

namespace bitmill::mine {
namespace {

model::MiningCalibration calibration() {
  model::MiningCalibration c;
  c.path = "m/bitmill.json";
  c.margin = "ratio";
  c.retrieval = "max";
  c.k = 4;
  c.dim = 256;
  c.threshold = 1.0625f;
  return c;
}

MiningSetting defaults(size_t dim = 256) { return MiningSetting{"ratio", "max", 4, dim, ""}; }

TEST_CASE("parse_threshold_arg: absent, none, a number, but not NaN, hex or words") {
  auto absent = parse_threshold_arg("");
  REQUIRE(absent.has_value());
  CHECK_FALSE(absent->given);
  auto none = parse_threshold_arg("none");
  REQUIRE(none.has_value());
  CHECK(none->given);
  CHECK_FALSE(none->value.has_value());
  auto v = parse_threshold_arg("1.5");
  REQUIRE(v.has_value());
  CHECK(*v->value == 1.5f);
  auto ninf = parse_threshold_arg("-inf");
  REQUIRE(ninf.has_value());
  CHECK(std::isinf(*ninf->value));
  for (const char* bad : {"nan", "0x10", "1.5x", "None", " 1", "abc"}) {
    CAPTURE(bad);
    auto r = parse_threshold_arg(bad);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.status().code() == StatusCode::kInvalidArgument);
    CHECK(r.status().message().find("expected a number or 'none'") != std::string::npos);
  }
}

TEST_CASE("choose_threshold: the given value wins, then the calibration under its own setting only") {
  const auto cal = std::optional<model::MiningCalibration>(calibration());
  const ThresholdArg not_given;
  ThresholdArg none;
  none.given = true;
  ThresholdArg two;
  two.given = true;
  two.value = 2.0f;

  // Given: the value (or none), whatever the model says, and nothing to note.
  CHECK(*choose_threshold(two, cal, "m", defaults()).threshold == 2.0f);
  CHECK(choose_threshold(two, cal, "m", defaults()).note.empty());
  CHECK_FALSE(choose_threshold(none, cal, "m", defaults()).threshold.has_value());

  // Not given, same setting: the calibrated threshold, said with its file.
  const ThresholdChoice c = choose_threshold(not_given, cal, "m", defaults());
  REQUIRE(c.threshold.has_value());
  CHECK(*c.threshold == 1.0625f);
  CHECK(c.note.find("score > 1.0625: the calibrated threshold of m (its bitmill.json)") == 0);

  // Anything else keeps every pair and says why.
  struct Case {
    MiningSetting run;
    std::optional<model::MiningCalibration> cal;
    std::string dir;
    const char* why;
  };
  const Case cases[] = {
      {defaults(), std::nullopt, "", "no model directory"},
      {defaults(), std::nullopt, "m", "m has no calibrated threshold (bitmill.json)"},
      {defaults(768), cal, "m", "the embeddings have dimension 768 but m embeds in 256"},
      {MiningSetting{"distance", "max", 4, 256, ""}, cal, "m",
       "is for ratio margin, k = 4, max retrieval, not distance"},
      {MiningSetting{"ratio", "max", 8, 256, ""}, cal, "m", "not ratio margin, k = 8, max retrieval"},
      {MiningSetting{"ratio", "fwd", 4, 256, ""}, cal, "m", "not ratio margin, k = 4, fwd retrieval"},
  };
  for (const Case& k : cases) {
    CAPTURE(k.why);
    const ThresholdChoice r = choose_threshold(not_given, k.cal, k.dir, k.run);
    CHECK_FALSE(r.threshold.has_value());
    CHECK(r.note.find(k.why) != std::string::npos);
    CHECK(r.note.find("keeping every pair") != std::string::npos);
  }
}

TEST_CASE("lang_pair_key: ISO 639-3 codes, lower-cased, in alphabetical order, both or neither") {
  CHECK(*lang_pair_key("", "") == "");
  CHECK(*lang_pair_key("eng", "deu") == "deu-eng");
  CHECK(*lang_pair_key("DEU", "Eng") == "deu-eng");
  CHECK(*lang_pair_key("pan", "eng") == "eng-pan");
  CHECK(*lang_pair_key("deu", "deu") == "deu-deu");
  struct Case {
    const char *src, *tgt, *message;
  };
  const Case cases[] = {
      {"deu", "", "--tgt-lang is needed with --src-lang"},
      {"", "eng", "--src-lang is needed with --tgt-lang"},
      {"de", "eng", "--src-lang: 'de' is not an ISO 639-3 code (three letters, as 'deu')"},
      {"deu", "en-US", "--tgt-lang: 'en-US' is not an ISO 639-3 code"},
      {"dé1", "eng", "--src-lang: 'dé1' is not"},
      {"de\nu", "eng", "is not an ISO 639-3 code"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.message);
    auto r = lang_pair_key(c.src, c.tgt);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.status().code() == StatusCode::kInvalidArgument);
    CHECK(r.status().message().find(c.message) != std::string::npos);
  }
}

TEST_CASE("choose_threshold: a language pair's own threshold where the model has one, else its default") {
  model::MiningCalibration c = calibration();
  c.pair_thresholds = {{"deu-eng", 1.25f}, {"eng-pan", 1.0f}};
  const auto cal = std::optional<model::MiningCalibration>(c);
  const ThresholdArg not_given;
  MiningSetting run = defaults();

  run.lang_pair = "deu-eng";
  ThresholdChoice r = choose_threshold(not_given, cal, "m", run);
  CHECK(*r.threshold == 1.25f);
  CHECK(r.note.find("score > 1.25: the threshold of m calibrated for deu-eng") == 0);

  run.lang_pair = "eng-fra";
  r = choose_threshold(not_given, cal, "m", run);
  CHECK(*r.threshold == 1.0625f);
  CHECK(r.note.find("has none for eng-fra in particular") != std::string::npos);

  run.lang_pair = "";
  CHECK(*choose_threshold(not_given, cal, "m", run).threshold == 1.0625f);

  // The pair's threshold belongs to the calibration's setting too, and --threshold still wins.
  run = MiningSetting{"ratio", "max", 8, 256, "deu-eng"};
  CHECK_FALSE(choose_threshold(not_given, cal, "m", run).threshold.has_value());
  ThresholdArg two;
  two.given = true;
  two.value = 2.0f;
  run.k = 4;
  CHECK(*choose_threshold(two, cal, "m", run).threshold == 2.0f);
}

}  // namespace
}  // namespace bitmill::mine
