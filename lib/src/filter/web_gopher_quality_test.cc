#include "bitmill/filter/web_rules.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "filter/web_rules_test_util.h"

namespace bitmill::filter {
namespace {

using namespace web_testing;

TEST_CASE("gopher-words") {
  check_cases("gopher-words", {{rep("word", 50, " "), false, "50 words"},
                               {rep("word", 49, " "), true, "49 words"},
                               {rep("word", 49, " ") + " . , ! --", true, "punctuation tokens are not words"},
                               {rep("word.", 50, " "), false, "trailing punctuation split off, word counted"}});
  check_cases("gopher-words", {{rep("word", 60, " "), false, "60"}, {rep("word", 61, " "), true, "61"}},
              {"gopher-words.min=1", "gopher-words.max=60"});
}

TEST_CASE("gopher-mean-word-length") {
  // Only non-symbol tokens count; lengths are code points.
  const std::string e5 = rep("\xC3\xA9", 5, "");  // "ééééé": 5 characters, 10 bytes
  check_cases("gopher-mean-word-length", {{"ab abcd", false, "mean 3"},
                                          {"ab ab abcd", true, "mean 8/3"},
                                          {"ab... abcd! ?", false, "punctuation not counted: mean 3"},
                                          {"abcdefghij", false, "mean 10"},
                                          {"abcdefghijk", true, "mean 11"},
                                          {e5 + e5, false, "10 characters (20 bytes)"},
                                          {"", false, "no words: nothing to average"}});
}

TEST_CASE("gopher-symbols") {
  // Per token, punctuation tokens included; '#' and ellipses are checked separately: one in 10
  // tokens is allowed, one in 9 is not.
  for (const std::string symbol : {" #", "...", "\xE2\x80\xA6"}) {
    check_cases("gopher-symbols", {{"a b c d e f g h i" + symbol, false, "1 / 10 tokens"},
                                   {"a b c d e f g h" + symbol, true, "1 / 9 tokens"}});
  }
  // 18 letters + one "......" token = 19 tokens; "......" is 2 ellipses.
  check_cases("gopher-symbols", {{"a b c d e f g h i j k l m n o p q r......", true, "2/19"},
                                 {"a b c d e f g h i j k l m n o p q r.....", false, "1/19"},
                                 {"a b c d e f g h # x...", false, "1/11 each"}});
}

TEST_CASE("gopher-bullets and gopher-ellipsis") {
  const std::string plain = "plain line";
  auto lines = [](const std::string& a, int na, const std::string& b, int nb) {
    return rep(a, na, "\n") + "\n" + rep(b, nb, "\n");
  };
  check_cases("gopher-bullets", {{lines("\xE2\x80\xA2 item", 9, plain, 1), false, "9 of 10 bullets"},
                                 {lines("\xE2\x80\xA2 item", 5, "  - item", 5), true, "10 of 10, indented dashes too"},
                                 {rep("* item", 10, "\n"), false, "'*' is not a bullet by default"},
                                 {rep("\xE2\x80\xA2 item", 10, "\r\n"), true, "splitlines: CRLF"},
                                 {rep("\xE2\x80\xA2 item", 10, "\xE2\x80\xA8"), true, "splitlines: U+2028"},
                                 {"item \xE2\x80\xA2 item", false, "not at the start"}});
  check_cases("gopher-bullets", {{rep("* item", 10, "\n"), true, "'*' added"}},
              {"gopher-bullets.chars=\xE2\x80\xA2-*"});
  check_cases("gopher-ellipsis", {{lines("to be continued...", 3, plain, 7), false, "3 of 10"},
                                  {lines("to be continued\xE2\x80\xA6 ", 4, plain, 6), true, "4 of 10, rstrip"},
                                  {lines("see... more", 4, plain, 6), false, "only at the end"}});
}

TEST_CASE("gopher-alpha") {
  check_cases("gopher-alpha", {{"a b c d e f g h 1 2", false, "8/10"},
                               {"a b c d e f g 1 2 3", true, "7/10"},
                               {"a b c d e f g h 1", false, "8/9"},
                               {"a b c d e f g, h, 1", true, "commas are tokens: 8/11"},
                               {"x1 y2 z3 \xCE\xB1\xCE\xB2", false, "a letter anywhere, any script"}});
}

TEST_CASE("gopher-stop-words") {
  const WebFilter f = only("gopher-stop-words");
  const uint64_t b = bit_of("gopher-stop-words");
  CHECK(run(f, "the cat and the dog") == 0);
  CHECK(run(f, "the cat, and.") == 0);    // punctuation split off
  CHECK(run(f, "The cat and dog") == b);  // case-sensitive: only "and"
  CHECK(run(f, "a cat with fur") == b);
  CHECK(run(f, "a cat with fur", "de") == 0);  // English only
  CHECK(run(f, "a cat with fur", "") == 0);    // unknown language: not checked
  const WebFilter g = only("gopher-stop-words", {"gopher-stop-words.words=der, die,das", "gopher-stop-words.min=1"});
  CHECK(run(g, "die Katze", "en") == 0);
  CHECK(run(g, "the cat", "en") == b);
}

}  // namespace
}  // namespace bitmill::filter
