#include "bitmill/filter/filter_job.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <string>

namespace bitmill::filter {
namespace {

// What a Log wrote, read back from its temporary stream.
std::string logged(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string out;
  char buf[512];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  return out;
}

TEST_CASE("filter job: the rule flags apply in order, then the semantic flags") {
  FilterJobOptions o;
  o.sets = {"length.max-words=9"};
  o.disable = {"numbers", "urls"};
  o.enable = {"numbers"};
  o.model = "some-dir";
  o.min_score = 0.5;
  auto c = build_filter_config(o);
  REQUIRE(c.has_value());
  CHECK(c->get_int("length", "max-words") == 9);
  CHECK(c->enabled("numbers"));
  CHECK_FALSE(c->enabled("urls"));
  CHECK(c->enabled("semantic"));
  CHECK(c->get_double("semantic", "min-score") == 0.5);

  FilterJobOptions no_model;
  no_model.margin = true;
  CHECK(build_filter_config(no_model).status().message() == "--min-score and --margin need --model DIR");
  FilterJobOptions mono;
  mono.mode = FilterMode::kMono;
  mono.model = "default";
  CHECK(build_filter_config(mono).status().message() ==
        "--model, --min-score and --margin apply to bitext, not --mono");
  FilterJobOptions bad;
  bad.sets = {"nope.x=1"};
  CHECK(build_filter_config(bad).status().message().starts_with("--set: "));
}

TEST_CASE("filter job: bitext languages, columns and language ID") {
  std::FILE* f = std::tmpfile();
  REQUIRE(f != nullptr);
  Log log("test", LogLevel::kInfo, f);
  FilterJobOptions o;
  o.src_lang = "de";
  auto create = [&](const FilterJobOptions& opts) {
    auto c = build_filter_config(opts);
    REQUIRE(c.has_value());
    return FilterJob::create(opts, std::move(c).value(), log);
  };
  CHECK(create(o).status().message() == "bitext mode needs --src-lang and --tgt-lang");
  o.tgt_lang = "kab";  // Kabyle: well-formed ISO 639-3, not in the table
  o.tgt_col = 1;
  CHECK(create(o).status().message() == "--src-col and --tgt-col name the same column");
  o.tgt_col = 3;
  o.lid = "none";
  auto job = create(o);
  REQUIRE(job.has_value());
  CHECK(logged(f).find("language 'kab' is not in bitmill's language table") != std::string::npos);
  const FilterOptions& fo = (*job)->options();
  CHECK(fo.mode == FilterMode::kBitext);
  CHECK(fo.bitext != nullptr);
  CHECK(fo.tgt_col == 3);
  CHECK(fo.semantic == nullptr);
  o.tgt_lang = "xx";  // not ISO 639-3: a typo, not an unknown language
  CHECK_FALSE(create(o).has_value());
  o.tgt_lang = "en";
  o.lid = "cld2";
  auto with_lid = create(o);
  REQUIRE(with_lid.has_value());
  std::fclose(f);
}

TEST_CASE("filter job: mono takes the threshold of the expected language") {
  std::FILE* f = std::tmpfile();
  REQUIRE(f != nullptr);
  Log log("test", LogLevel::kInfo, f);
  FilterJobOptions o;
  o.mode = FilterMode::kMono;
  o.lang = "deu";
  o.lid = "cld2";
  o.format = "text";
  o.sets = {"lang-id.min-prob=0.4", "lang-id.min-prob.de=0.3"};
  auto c = build_filter_config(o);
  REQUIRE(c.has_value());
  auto job = FilterJob::create(o, std::move(c).value(), log);
  REQUIRE(job.has_value());
  const FilterOptions& fo = (*job)->options();
  CHECK(fo.mono_min_prob == 0.3);
  CHECK(fo.mono_lang_rule);
  CHECK(fo.lid != nullptr);
  CHECK(fo.web != nullptr);
  CHECK(fo.format == DocFormat::kText);
  std::fclose(f);
}

TEST_CASE("filter summary lines") {
  FilterStats st;
  st.rows = 1234;
  st.kept = 1000;
  st.bytes = 2'000'000;
  st.rules = {"a", "b", "c"};
  st.first = {200, 0, 34};
  const auto lines = filter_summary(st, FilterMode::kBitext, 2.0);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == "1,234 rows in, 1,000 kept, 234 rejected (19.0%) [2.0 s, 1.0 MB/s]");
  CHECK(lines[1] == "rejected by: a 200, c 34");
  st.rows = 1;
  st.kept = 1;
  st.first = {0, 0, 0};
  const auto mono = filter_summary(st, FilterMode::kMono, 0.0);
  REQUIRE(mono.size() == 1);
  CHECK(mono[0] == "1 document in, 1 kept, 0 rejected (0.0%) [0.0 s, 0 B/s]");
}

}  // namespace
}  // namespace bitmill::filter
