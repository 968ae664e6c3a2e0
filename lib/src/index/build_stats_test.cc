#include "bitmill/index/build_stats.h"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>

namespace bitmill::index {
namespace {

BuildStats sample() {
  return BuildStats{.index = "out/ivf \"a\"\\b.faiss",
                    .type = "IVF16,Flat",
                    .dim = 32,
                    .vectors = 2000,
                    .added = 1999,
                    .train_rows = 1024,
                    .shard = "0/1",
                    .nlist = 16,
                    .nprobe = 8,
                    .ef_search = 0,
                    .recall = std::nullopt,
                    .train_seconds = 1.23456,
                    .add_seconds = 0.0004,
                    .recall_seconds = 2.0,
                    .total_seconds = 12345.6789};
}

TEST_CASE("index: the --stats JSON parses back to every field, in order, one member per line") {
  BuildStats s = sample();
  s.recall = RecallReport{500, 10, 2000, 4321, 4321.0 / 5000.0};
  const std::string text = build_stats_json(s);
  CHECK(text.ends_with("}\n"));
  const nlohmann::ordered_json j = nlohmann::ordered_json::parse(text);
  std::string keys;
  for (const auto& [k, v] : j.items()) keys += k + " ";
  CHECK(keys == "index type dim vectors added train_rows shard nlist nprobe ef_search recall seconds ");
  CHECK(j["index"] == s.index);
  CHECK(j["type"] == "IVF16,Flat");
  CHECK(j["dim"] == 32);
  CHECK(j["vectors"] == 2000);
  CHECK(j["added"] == 1999);
  CHECK(j["train_rows"] == 1024);
  CHECK(j["shard"] == "0/1");
  CHECK(j["nlist"] == 16);
  CHECK(j["nprobe"] == 8);
  CHECK(j["ef_search"] == 0);
  CHECK(j["recall"]["k"] == 10);
  CHECK(j["recall"]["queries"] == 500);
  CHECK(j["recall"]["rows"] == 2000);
  CHECK(j["recall"]["hits"] == 4321);
  CHECK(j["recall"]["recall"].get<double>() == s.recall->recall);  // shortest form, read back exactly
  // Seconds: three decimals, as written in the text.
  CHECK(text.find("\"train\": 1.235,") != std::string::npos);
  CHECK(text.find("\"add\": 0.000,") != std::string::npos);
  CHECK(j["seconds"]["recall"].get<double>() == 2.0);
  CHECK(j["seconds"]["total"].get<double>() == doctest::Approx(12345.679).epsilon(1e-12));
  // One member per line (the report is meant to be grepped as well as parsed).
  size_t lines = 0;
  for (const char c : text) lines += c == '\n';
  CHECK(lines == j.size() + 2);
}

TEST_CASE("index: the --stats JSON leaves out the recall without a check and escapes strings") {
  BuildStats s = sample();
  std::string odd = "tab\there \"q\" back\\slash ctl\x01 nl\n é";
  s.type = odd;
  const nlohmann::json j = nlohmann::json::parse(build_stats_json(s));
  CHECK(!j.contains("recall"));
  CHECK(j["type"] == odd);
  CHECK(j["index"] == s.index);
}

TEST_CASE("index: the --stats JSON writes full 64-bit counts") {
  BuildStats s = sample();
  s.vectors = std::numeric_limits<uint64_t>::max();
  const nlohmann::json j = nlohmann::json::parse(build_stats_json(s));
  CHECK(j["vectors"].get<uint64_t>() == std::numeric_limits<uint64_t>::max());
}

}  // namespace
}  // namespace bitmill::index
