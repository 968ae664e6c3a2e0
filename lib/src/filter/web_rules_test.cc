#include "bitmill/filter/web_rules.h"

#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "filter/web_rules_test_util.h"

namespace bitmill::filter {
namespace {

using namespace web_testing;

TEST_CASE("web rule table") {
  const auto& specs = web_rule_specs();
  REQUIRE(specs.size() == 29);
  CHECK(specs[0].name == "lang-id");
  CHECK(specs[0].mode == FilterMode::kMono);
  CHECK(specs[0].enabled_by_default);
  REQUIRE(specs[0].params.size() == 1);
  CHECK(specs[0].params[0].name == "min-prob");
  CHECK(specs[0].params[0].type == ParamType::kDoubleMap);
  CHECK(specs[0].params[0].default_value == "0.65");
  std::set<std::string_view> names;
  for (size_t i = 0; i < specs.size(); ++i) {
    CAPTURE(specs[i].name);
    CHECK(specs[i].mode == FilterMode::kMono);
    CHECK(specs[i].enabled_by_default);
    CHECK(names.insert(specs[i].name).second);
    CHECK(WebFilter::rule_index(specs[i].name) == static_cast<int>(i));
  }
  // datatrove's order: Gopher repetition, Gopher quality, C4, FineWeb.
  CHECK(WebFilter::rule_index("gopher-dup-paragraphs") == 1);
  CHECK(WebFilter::rule_index("gopher-dup-10grams") < WebFilter::rule_index("gopher-words"));
  CHECK(WebFilter::rule_index("gopher-stop-words") < WebFilter::rule_index("c4-lines"));
  CHECK(WebFilter::rule_index("c4-min-sentences") < WebFilter::rule_index("fineweb-line-punct"));
  CHECK(WebFilter::rule_index("fineweb-newlines") == 28);
  CHECK(WebFilter::rule_index("no-such-rule") == -1);
}

TEST_CASE("web filter creation errors") {
  CHECK_FALSE(WebFilter::create(RuleConfig(FilterMode::kBitext)).has_value());
  const char* bad[] = {"gopher-dup-lines.max=-0.1",     "gopher-words.min=-1",   "gopher-words.max=10",
                       "gopher-mean-word-length.max=2", "c4-lines.min-words=-3", "fineweb-short-lines.length=-1"};
  for (const char* b : bad) {
    CAPTURE(b);
    RuleConfig c(FilterMode::kMono);
    REQUIRE(c.set(b).is_ok());
    const auto f = WebFilter::create(c);
    CHECK_FALSE(f.has_value());
    CHECK(f.status().code() == StatusCode::kInvalidArgument);
  }
  RuleConfig ok(FilterMode::kMono);
  REQUIRE(ok.set("gopher-words.max=0").is_ok());  // 0: no upper limit
  CHECK(WebFilter::create(ok).has_value());
}

const char* kGoodDoc =
    "The river runs through the old town, and most of the houses that line its banks were built "
    "with stone from the hills to the north.\n"
    "In spring the water rises quickly. Farmers who have fields near the bank move their animals to "
    "higher ground before the floods arrive.\n"
    "\n"
    "Visitors often walk along the eastern path, which follows the river for several miles. The path "
    "passes a mill, a small chapel and a bridge that was rebuilt after a storm in the last century.\n"
    "Local guides say that the best time to visit is early autumn, when the trees turn red and gold and "
    "the crowds of summer are gone.";

TEST_CASE("web defaults on whole documents") {
  const WebFilter f = defaults();
  {
    WebScratch s;
    std::string cleaned;
    bool changed = false;
    CHECK(f.check(kGoodDoc, "en", false, s, cleaned, &changed) == 0);
    // C4 drops the blank line; everything else stays.
    CHECK(changed);
    std::string expected = kGoodDoc;
    expected.erase(expected.find("\n\n"), 1);
    CHECK(cleaned == expected);
  }
  // A spam page: one line 30 times. One paragraph, so only the line-based repetition rules (and
  // the n-gram rules) fire, not gopher-dup-paragraphs.
  const std::string spam = rep("Buy cheap watches now, the best prices in town!", 30, "\n");
  const uint64_t m = run(f, spam);
  CHECK((m & bit_of("gopher-dup-lines")) != 0);
  CHECK((m & bit_of("gopher-dup-line-chars")) != 0);
  CHECK((m & bit_of("gopher-dup-5grams")) != 0);
  CHECK((m & bit_of("gopher-dup-paragraphs")) == 0);
  CHECK((m & bit_of("fineweb-char-dup")) != 0);
  // Switching a rule off changes the outcome.
  RuleConfig c(FilterMode::kMono);
  REQUIRE(c.set("gopher-dup-lines=off").is_ok());
  const auto g = WebFilter::create(c);
  REQUIRE(g.has_value());
  CHECK(run(*g, spam) == (m & ~bit_of("gopher-dup-lines")));
  // A bullet list: short lines, bullets, no sentences.
  const std::string list = rep("\xE2\x80\xA2 Item number one", 12, "\n");
  const uint64_t lm = run(f, list);
  CHECK((lm & bit_of("gopher-bullets")) != 0);
  CHECK((lm & bit_of("c4-lines")) != 0);  // no line ends with punctuation
}

TEST_CASE("web first_only stops at the first failing rule") {
  const WebFilter f = defaults();
  const std::string docs[] = {
      kGoodDoc,
      rep("Buy cheap watches now, the best prices in town!", 30, "\n"),
      "Lorem ipsum dolor sit amet, consectetur adipiscing elit.\n{x}",
      "",
      rep("\xE2\x80\xA2 Item", 20, "\n"),
      std::string(kGoodDoc) + "\nLorem ipsum dolor sit amet, consectetur.",
  };
  for (const auto& d : docs) {
    CAPTURE(d);
    const uint64_t all = run(f, d);
    const uint64_t first = run(f, d, "en", true);
    CHECK(first == (all & (~all + 1)));  // the lowest set bit = the first rule in table order
  }
  CHECK(run(f, docs[5]) == bit_of("c4-lorem-ipsum"));
}

TEST_CASE("web scratch reuse gives the same answers") {
  const WebFilter f = defaults();
  const std::string big = rep(kGoodDoc, 40, "\n\n");
  const std::string docs[] = {big, kGoodDoc, "short", rep("a b c d e", 50, " "), kGoodDoc, big};
  WebScratch shared;
  for (const auto& d : docs) {
    std::string c1, c2;
    bool ch1 = false, ch2 = false;
    WebScratch fresh;
    CHECK(f.check(d, "en", false, shared, c1, &ch1) == f.check(d, "en", false, fresh, c2, &ch2));
    CHECK(ch1 == ch2);
    CHECK(c1 == c2);
  }
}

// Throughput on a file of NUL-separated documents named by BITMILL_WEB_BENCH (skipped when unset):
// BITMILL_WEB_BENCH=docs.bin build/tests/bitmill_unit_tests -tc='web rules throughput' -s
TEST_CASE("web rules throughput") {
  const char* path = std::getenv("BITMILL_WEB_BENCH");
  if (path == nullptr) return;
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  in.seekg(0, std::ios::end);
  std::string data(static_cast<size_t>(in.tellg()), '\0');
  in.seekg(0);
  in.read(data.data(), static_cast<std::streamsize>(data.size()));
  std::vector<std::string_view> docs;
  for (size_t start = 0; start <= data.size();) {
    size_t end = data.find('\0', start);
    if (end == std::string::npos) end = data.size();
    docs.emplace_back(data.data() + start, end - start);
    start = end + 1;
  }
  const WebFilter f = defaults();
  WebScratch s;
  std::string cleaned;
  for (const bool first_only : {false, true}) {
    std::vector<size_t> fails(web_rule_specs().size());
    size_t kept = 0;
    const auto t0 = std::chrono::steady_clock::now();
    const std::clock_t c0 = std::clock();
    for (const auto d : docs) {
      bool changed = false;
      const uint64_t m = f.check(d, "en", first_only, s, cleaned, &changed);
      kept += m == 0;
      for (size_t i = 0; i < fails.size(); ++i) fails[i] += (m >> i) & 1;
    }
    const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double cpu = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
    MESSAGE(docs.size() << " docs, " << data.size() / 1e6 << " MB, first_only=" << first_only << ": " << sec
                        << " s wall, " << cpu << " s CPU, " << data.size() / 1e6 / cpu << " MB/s (CPU), kept " << kept);
    if (!first_only) {
      for (size_t i = 0; i < fails.size(); ++i) {
        if (fails[i] != 0) MESSAGE(web_rule_specs()[i].name << ": " << fails[i]);
      }
    }
  }
}

}  // namespace
}  // namespace bitmill::filter
