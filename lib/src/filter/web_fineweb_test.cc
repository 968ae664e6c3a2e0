#include "bitmill/filter/web_rules.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "filter/web_rules_test_util.h"

namespace bitmill::filter {
namespace {

using namespace web_testing;

TEST_CASE("fineweb-line-punct") {
  auto doc = [](int punct, int other, int blank) {
    return rep("This line ends well.", punct, "\n") + "\n" + rep("no ending here", other, "\n") +
           rep("\n  ", blank, "");
  };
  check_cases("fineweb-line-punct", {{doc(3, 22, 10), false, "3/25 = 0.12, blank lines not counted"},
                                     {doc(2, 23, 0), true, "2/25"},
                                     {doc(1, 8, 0), true, "1/9"},
                                     {doc(0, 5, 0), true, "0/5"},
                                     {"Ends with a space. \nno", true, "no rstrip: 0/2"},
                                     {"\xE4\xBD\xA0\xE5\xA5\xBD\xE3\x80\x82\nno", false, "CJK full stop: 1/2"},
                                     {"Quoted \"end\"\nno", false, "a quote: 1/2"}});
  check_cases("fineweb-line-punct", {{doc(0, 5, 0), false, "exclude-zero"}, {doc(1, 9, 0), true, "0.1"}},
              {"fineweb-line-punct.exclude-zero=true"});
  check_cases("fineweb-line-punct", {{"\xE4\xBD\xA0\xE5\xA5\xBD\xE3\x80\x82\nno", true, "Unicode off"}},
              {"fineweb-line-punct.unicode-terminals=false"});
}

TEST_CASE("fineweb-short-lines, fineweb-char-dup, fineweb-newlines") {
  const std::string s30(30, 's');
  const std::string l31(31, 'l');
  const std::string e30 = rep("\xC3\xA9", 30, "");  // 30 characters, 60 bytes
  check_cases("fineweb-short-lines", {{s30 + "\n" + s30 + "\n" + l31, false, "2/3 = 0.667"},
                                      {s30 + "\n" + e30 + "\n" + s30, true, "3/3, characters not bytes"},
                                      {rep(s30, 67, "\n") + "\n" + rep(l31, 33, "\n"), false, "67/100"},
                                      {rep(s30, 68, "\n") + "\n" + rep(l31, 32, "\n"), true, "68/100"}});
  // L + L + U: the repeat's 10 characters over 20 + |U| (newlines excluded).
  const std::string l10(10, 'l');
  check_cases("fineweb-char-dup", {{l10 + "\n" + l10 + "\n" + std::string(980, 'u'), false, "10/1000"},
                                   {l10 + "\n" + l10 + "\n" + std::string(979, 'u'), true, "10/999"},
                                   {l10 + "\n\n  \n" + std::string(10, 'm'), false, "blank lines ignored"}});
  check_cases("fineweb-newlines", {{"a b c\nd e f\ng h i\nj", false, "3/10"},
                                   {"a b c\nd e f\ng h i\n", true, "3/9"},
                                   {"a b c\nd e f\ng h i\n.", false, "punctuation tokens count: 3/10"}});
  // After C4's rewrite, words are counted in the cleaned text: "aa bb cc . dd ee ff ." (the
  // citation gone, "Menu" dropped) is 8 tokens for 1 newline, 0.125 > 0.12; counting the original
  // text (10 or 11 tokens) would pass. Same with the token offsets of gopher-words at hand.
  for (const char* also : {"gopher-words=off", "gopher-words=on"}) {
    CAPTURE(also);
    const WebFilter nf =
        only("fineweb-newlines", {"c4-lines=on", also, "gopher-words.min=0", "fineweb-newlines.max=0.12"});
    CHECK(run(nf, "aa bb cc.\nMenu\ndd ee ff[1].") == bit_of("fineweb-newlines"));
    CHECK(run(nf, "aa bb cc.\nMenu\ndd ee ff[1]. gg") == 0);  // 9 tokens: 0.111
  }
  // An empty document is charged to the first enabled FineWeb rule.
  RuleConfig c(FilterMode::kMono);
  for (const auto& spec : web_rule_specs())
    REQUIRE(c.set_enabled(spec.name, spec.name.starts_with("fineweb-")).is_ok());
  const auto f = WebFilter::create(c);
  REQUIRE(f.has_value());
  CHECK(run(*f, " \n\t\n") == bit_of("fineweb-line-punct"));
  REQUIRE(c.set("fineweb-line-punct=off").is_ok());
  const auto g = WebFilter::create(c);
  REQUIRE(g.has_value());
  CHECK(run(*g, " \n\t\n") == bit_of("fineweb-short-lines"));
}

}  // namespace
}  // namespace bitmill::filter
