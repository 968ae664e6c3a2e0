#include "bitmill/filter/rule_config.h"

#include <doctest/doctest.h>

#include <fstream>

#include "testing/test_util.h"

namespace bitmill::filter {
namespace {

TEST_CASE("rule config: defaults come from the table") {
  for (FilterMode mode : {FilterMode::kBitext, FilterMode::kMono}) {
    RuleConfig c(mode);
    for (const RuleSpec& spec : c.specs()) {
      CHECK(c.enabled(spec.name) == spec.enabled_by_default);
      CHECK_MESSAGE(!spec.help.empty(), spec.name);
      for (const ParamSpec& p : spec.params) CHECK_MESSAGE(!p.help.empty(), spec.name, ".", p.name);
    }
  }
  RuleConfig c(FilterMode::kBitext);
  CHECK(c.get_double("length-ratio", "max") == 2.5);
  CHECK(c.get_int("length", "max-chars") == 1024);
  CHECK_FALSE(c.enabled("semantic"));
}

TEST_CASE("rule config: assignments") {
  struct Row {
    const char* assignment;
    bool ok;
    const char* error_part;  // a piece of the error message
  };
  const Row rows[] = {
      {"length-ratio.max=3", true, ""},
      {"length-ratio.max = 3.5", true, ""},
      {"numbers=off", true, ""},
      {"numbers=on", true, ""},
      {"semantic=true", true, ""},
      {"lang-id.min-prob.de=0.1", true, ""},
      {"lang-id.min-prob=0.4", true, ""},
      {"lang-id.min-prob.zh_Hant-x=0.2", true, ""},
      {"lang-id.min-prob.d e=0.1", false, "is not a key"},
      {"lang-id.min-prob.de:x=0.1", false, "is not a key"},
      {"lang-id.min-prob.de\xc2\x85x=0.1", false, "is not a key (letters, digits"},
      {"terminal-punct.strict=yes", true, ""},
      {"length.min-words=2", true, ""},
      {"length.min-words=2.5", false, "expected an integer"},
      {"length-ratio.max=abc", false, "expected a number"},
      {"length-ratio.max=", false, "expected a number"},
      {"length-ratio.max=inf", false, "expected a number"},
      {"no-such-rule=off", false, "unknown bitext rule 'no-such-rule'"},
      {"length.nope=1", false, "has no parameter 'nope'"},
      {"numbers=maybe", false, "expected on/off"},
      {"length-ratio", false, "expected RULE.PARAM=VALUE"},
      {"length-ratio.max.de=2", false, "has no parameter 'max.de'"},
  };
  for (const Row& r : rows) {
    RuleConfig c(FilterMode::kBitext);
    const Status s = c.set(r.assignment);
    CHECK_MESSAGE(s.is_ok() == r.ok, r.assignment, ": ", s.message());
    if (!r.ok) CHECK_MESSAGE(s.message().find(r.error_part) != std::string::npos, s.message());
  }
  RuleConfig c(FilterMode::kBitext);
  REQUIRE(c.set("length-ratio.max=3.5").is_ok());
  REQUIRE(c.set("numbers=off").is_ok());
  REQUIRE(c.set("lang-id.min-prob.de=0.1").is_ok());
  CHECK(c.get_double("length-ratio", "max") == 3.5);
  CHECK_FALSE(c.enabled("numbers"));
  CHECK(c.get_double_for("lang-id", "min-prob", "de") == doctest::Approx(0.1));
  CHECK(c.get_double_for("lang-id", "min-prob", "fr") == c.get_double("lang-id", "min-prob"));
}

TEST_CASE("rule config: YAML files, errors with the line, and --explain reads back") {
  testing::TempDir dir;
  const std::string good = dir.file("good.yaml");
  std::ofstream(good) << "# a pipeline\n"
                         "rules:\n"
                         "  numbers: off\n"
                         "  length-ratio: {max: 3, min-chars: 20}\n"
                         "  lang-id:\n"
                         "    min-prob: 0.3\n"
                         "    min-prob.de: 0.1\n"
                         "  semantic:\n"
                         "    enabled: false\n"
                         "    min-score: 0.7\n";
  RuleConfig c(FilterMode::kBitext);
  REQUIRE_MESSAGE(c.load_yaml(good).is_ok(), c.load_yaml(good).message());
  CHECK_FALSE(c.enabled("numbers"));
  CHECK(c.get_double("length-ratio", "max") == 3);
  CHECK(c.get_int("length-ratio", "min-chars") == 20);
  CHECK(c.get_double_for("lang-id", "min-prob", "de") == doctest::Approx(0.1));
  CHECK(c.get_double_for("lang-id", "min-prob", "en") == doctest::Approx(0.3));
  const std::string map_form = dir.file("map.yaml");
  std::ofstream(map_form) << "rules:\n  lang-id:\n    min-prob: {fr: 0.2, de: 0.15}\n";
  RuleConfig m(FilterMode::kBitext);
  REQUIRE(m.load_yaml(map_form).is_ok());
  CHECK(m.get_double_for("lang-id", "min-prob", "fr") == doctest::Approx(0.2));
  CHECK(m.get_double_for("lang-id", "min-prob", "de") == doctest::Approx(0.15));
  CHECK(m.get_double_for("lang-id", "min-prob", "en") == m.get_double("lang-id", "min-prob"));
  CHECK_FALSE(c.enabled("semantic"));
  CHECK(c.get_double("semantic", "min-score") == doctest::Approx(0.7));

  // What --explain prints is a configuration file that gives the same configuration.
  const std::string explained = dir.file("explained.yaml");
  std::ofstream(explained) << c.explain();
  RuleConfig back(FilterMode::kBitext);
  REQUIRE_MESSAGE(back.load_yaml(explained).is_ok(), back.load_yaml(explained).message());
  CHECK(back.explain() == c.explain());

  // String values with control characters read back too (a line break used to fold into a space).
  RuleConfig web(FilterMode::kMono);
  REQUIRE(web.set_param("fineweb-line-punct", "stop-chars", ".\n\t\x01\"\\!").is_ok());
  std::ofstream(explained) << web.explain();
  RuleConfig web_back(FilterMode::kMono);
  REQUIRE_MESSAGE(web_back.load_yaml(explained).is_ok(), web_back.load_yaml(explained).message());
  CHECK(web_back.get_string("fineweb-line-punct", "stop-chars") == ".\n\t\x01\"\\!");

  struct Bad {
    const char* text;
    const char* error_part;
  };
  const Bad bad[] = {
      {"rules:\n  numbers: off\n  bogus: on\n", "bad.yaml:3: unknown bitext rule 'bogus'"},
      {"rules:\n  length:\n    min-words: x\n", "bad.yaml:3: length.min-words: expected an integer"},
      {"rules:\n  length:\n    nope: 1\n", "bad.yaml:3: rule 'length' has no parameter 'nope'"},
      {"rulez:\n  numbers: off\n", "bad.yaml:1: unknown key 'rulez'"},
      {"rules: [1, 2]\n", "bad.yaml:1: 'rules' must be a mapping"},
      {"rules:\n  numbers: [\n", "bad.yaml:"},
      {"- a\n- b\n", "bad.yaml:1: expected a mapping"},
  };
  for (const Bad& b : bad) {
    const std::string path = dir.file("bad.yaml");
    std::ofstream(path) << b.text;
    RuleConfig r(FilterMode::kBitext);
    const Status s = r.load_yaml(path);
    CHECK_FALSE(s.is_ok());
    CHECK_MESSAGE(s.message().find(b.error_part) != std::string::npos, s.message());
  }
  RuleConfig missing(FilterMode::kBitext);
  CHECK(missing.load_yaml(dir.file("missing.yaml")).code() == StatusCode::kNotFound);
}

}  // namespace
}  // namespace bitmill::filter
