#include "bitmill/filter/web_rules.h"

#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace bitmill::filter {
namespace {

// n copies of s joined by sep.
std::string rep(std::string_view s, int n, std::string_view sep) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    if (i > 0) out += sep;
    out += s;
  }
  return out;
}

uint64_t bit_of(std::string_view rule) {
  const int i = WebFilter::rule_index(rule);
  REQUIRE(i >= 0);
  return uint64_t{1} << i;
}

// A filter with only `rule` switched on, then the assignments applied.
WebFilter only(std::string_view rule, std::vector<std::string> sets = {}) {
  RuleConfig c(FilterMode::kMono);
  for (const auto& spec : web_rule_specs()) {
    REQUIRE(c.set_enabled(spec.name, spec.name == rule).is_ok());
  }
  for (const auto& s : sets) REQUIRE(c.set(s).is_ok());
  auto f = WebFilter::create(c);
  REQUIRE(f.has_value());
  return std::move(f).value();
}

WebFilter defaults() {
  RuleConfig c(FilterMode::kMono);
  auto f = WebFilter::create(c);
  REQUIRE(f.has_value());
  return std::move(f).value();
}

uint64_t run(const WebFilter& f, std::string_view text, std::string_view lang = "en", bool first_only = false) {
  WebScratch s;
  std::string cleaned;
  bool changed = false;
  return f.check(text, lang, first_only, s, cleaned, &changed);
}

struct Case {
  std::string text;
  bool fails;
  std::string why;
};

// Runs every case against a filter with only `rule` on.
void check_cases(std::string_view rule, const std::vector<Case>& cases, std::vector<std::string> sets = {}) {
  const WebFilter f = only(rule, std::move(sets));
  for (const auto& c : cases) {
    CAPTURE(rule);
    CAPTURE(c.why);
    CAPTURE(c.text);
    CHECK(run(f, c.text) == (c.fails ? bit_of(rule) : 0));
  }
}

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

TEST_CASE("gopher-dup-paragraphs and gopher-dup-lines") {
  // 10 paragraphs / lines: 3 repeat an earlier one (0.3, kept), then 4 (0.4 > 0.3, rejected).
  auto doc = [](int dups, std::string_view sep) {
    std::vector<std::string> parts;
    for (int i = 0; i < 10 - dups; ++i) parts.push_back("unique part " + std::to_string(i));
    for (int i = 0; i < dups; ++i) parts.push_back("unique part 0");
    std::string out;
    for (const auto& p : parts) out += std::string(out.empty() ? "" : sep) + p;
    return out;
  };
  check_cases("gopher-dup-paragraphs",
              {{doc(3, "\n\n"), false, "3 of 10"},
               {doc(4, "\n\n"), true, "4 of 10"},
               {doc(4, "\n\n\n\n"), true, "a run of blank lines is one break"},
               {doc(9, "\n"), false, "single newlines: one paragraph"},
               {"\n\n" + doc(3, "\n\n") + "\n\n", false, "stripped first: no empty paragraphs"}});
  check_cases("gopher-dup-lines", {{doc(3, "\n"), false, "3 of 10"},
                                   {doc(4, "\n"), true, "4 of 10"},
                                   {doc(3, "\n\n\n"), false, "blank lines are not lines"}});
  // Lines split the unstripped text: "\nab\ncd\n" has 4 elements, "", "ab", "cd", "", one a repeat.
  check_cases("gopher-dup-lines", {{"\nab\ncd\n", true, "0.25"}, {"ab\ncd", false, "0"}}, {"gopher-dup-lines.max=0.2"});
}

TEST_CASE("gopher-dup-paragraph-chars and gopher-dup-line-chars") {
  // U + sep + D + sep + D, with |D| = 10: the repeat's 10 characters over len(text).
  const std::string d(10, 'd');
  // Paragraphs: len = u + 20 + 4; u = 26 gives 10/50 = 0.2 (kept), u = 25 gives 10/49 (rejected).
  check_cases("gopher-dup-paragraph-chars", {{std::string(26, 'u') + "\n\n" + d + "\n\n" + d, false, "10/50"},
                                             {std::string(25, 'u') + "\n\n" + d + "\n\n" + d, true, "10/49"}});
  // Lines: len = u + 20 + 2; u = 28 gives 10/50, u = 27 gives 10/49.
  check_cases("gopher-dup-line-chars", {{std::string(28, 'u') + "\n" + d + "\n" + d, false, "10/50"},
                                        {std::string(27, 'u') + "\n" + d + "\n" + d, true, "10/49"}});
}

TEST_CASE("gopher-top-ngrams") {
  // G + " " + FILLER + " " + G, G = n two-letter words: the top n-gram is G (count 2, the others 1),
  // scored 2 * (3n - 1) characters; len(text) = 2 * (3n - 1) + 2 + |FILLER|.
  struct Row {
    int n;
    size_t keep_len, reject_len;  // smallest len kept, largest rejected
  };
  // 10/50 = 0.2; 16/89 = 0.1798 <= 0.18 < 16/88; 22/138 = 0.1594 <= 0.16 < 22/137.
  const Row rows[] = {{2, 50, 49}, {3, 89, 88}, {4, 138, 137}};
  const char* words[] = {"ab", "cd", "ef", "gh"};
  for (const auto& r : rows) {
    std::string g;
    for (int i = 0; i < r.n; ++i) g += std::string(i ? " " : "") + words[i];
    auto doc = [&](size_t len) {
      const size_t filler = len - 2 * g.size() - 2;
      return g + " " + std::string(filler, 'x') + " " + g;
    };
    REQUIRE(doc(r.keep_len).size() == r.keep_len);
    check_cases("gopher-top-" + std::to_string(r.n) + "grams",
                {{doc(r.keep_len), false, "at the threshold"}, {doc(r.reject_len), true, "above"}});
  }
  // All 2-grams seen once: the first one counts (Counter.most_common keeps the first of a tie):
  // "abcdefghij klm" is 14 of 30 characters (0.47), "klm nopqrstuvwxyzab" would be 19/30 (0.63).
  check_cases("gopher-top-2grams", {{"abcdefghij klm nopqrstuvwxyzab", false, "first of a tie"}},
              {"gopher-top-2grams.max=0.5"});
  // Even a count of 1 is scored: a two-word document is all one 2-gram.
  check_cases("gopher-top-2grams", {{"hello world", true, "11/11"}});
}

TEST_CASE("gopher-dup-ngrams") {
  // G5 + " " + FILLER + " " + G5: the second G5 adds "".join(G5) = 10 characters;
  // len = 14 + 1 + L + 1 + 14: L = 37 gives 10/67 = 0.149 (kept), L = 36 gives 10/66 = 0.152.
  const std::string g = "ab cd ef gh ij";
  check_cases("gopher-dup-5grams", {{g + " " + std::string(37, 'x') + " " + g, false, "10/67"},
                                    {g + " " + std::string(36, 'x') + " " + g, true, "10/66"}});
  // Overlapping repeats are counted once: ten "a" give 5-grams at 0..5; the one at 1 repeats the
  // one at 0 (5 characters), then the scan jumps to 6, where no 5-gram fits: 5/19 = 0.263.
  const std::string a10 = rep("a", 10, " ");
  check_cases("gopher-dup-5grams", {{a10, false, "5/19 <= 0.3"}}, {"gopher-dup-5grams.max=0.3"});
  check_cases("gopher-dup-5grams", {{a10, true, "5/19 > 0.25"}}, {"gopher-dup-5grams.max=0.25"});
  // 10-grams: 20 words "w0".."w9" twice: the second run of ten is one repeated 10-gram of
  // 20 characters; len = 20 * 2 + 19 = 59 -> 0.339 > 0.1.
  std::string ten;
  for (int i = 0; i < 10; ++i) ten += std::string(i ? " " : "") + "w" + std::to_string(i);
  check_cases("gopher-dup-10grams", {{ten + " " + ten, true, "20/59"}, {ten, false, "no repeat"}});
}

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
  // Per token, punctuation tokens included; '#' and ellipses are checked separately.
  check_cases("gopher-symbols", {{"a b c d e f g h i #", false, "1 hash / 10 tokens"},
                                 {"a b c d e f g h #", true, "1 hash / 9 tokens"},
                                 {"a b c d e f g h i...", false, "1 ellipsis / 10 tokens"},
                                 {"a b c d e f g h...", true, "1 ellipsis / 9 tokens"},
                                 {"a b c d e f g h i\xE2\x80\xA6", false, "unicode ellipsis, 10 tokens"},
                                 {"a b c d e f g h\xE2\x80\xA6", true, "unicode ellipsis, 9 tokens"},
                                 // 18 letters + one "......" token = 19 tokens; "......" is 2 ellipses.
                                 {"a b c d e f g h i j k l m n o p q r......", true, "2/19"},
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

struct Cleaned {
  uint64_t mask;
  bool changed;
  std::string text;
};

Cleaned clean(const WebFilter& f, std::string_view text) {
  WebScratch s;
  Cleaned c{0, false, "sentinel"};
  c.mask = f.check(text, "en", false, s, c.text, &c.changed);
  return c;
}

TEST_CASE("c4-lines") {
  const WebFilter f = only("c4-lines");
  const std::string doc =
      "Welcome to our site.\n"
      "Home\n"
      "Please enable JavaScript to view the comments.\n"
      "This site uses cookies to improve your experience.\n"
      "The war ended in 1945.[1] It was a long war.[23]\n"
      "Short one.\n"
      "  Read our Privacy Policy for details.  \n"
      "\n"
      "A line without an end\n"
      "Is this a question?\n"
      "He said \"yes, it is.\"\n"
      "Wait for it...\n"
      "Paris is the capital.[citation needed]\n"
      "History[edit]\n"
      "See the notes here. [2]\n"
      "   Indented lines are stripped!   ";
  const Cleaned c = clean(f, doc);
  CHECK(c.mask == 0);
  CHECK(c.changed);
  CHECK(c.text ==
        "Welcome to our site.\n"
        "The war ended in 1945. It was a long war.\n"
        "Is this a question?\n"
        "He said \"yes, it is.\"\n"
        "Paris is the capital.\n"
        "Indented lines are stripped!");

  // Each policy on its own.
  struct Row {
    std::string set;
    std::string line;  // kept only with the policy off
  };
  const Row rows[] = {{"c4-lines.javascript=false", "Please enable JavaScript to view the comments."},
                      {"c4-lines.policy=false", "This site uses cookies to improve your experience."},
                      {"c4-lines.terminal-punct=false", "A line without an end"},
                      {"c4-lines.min-words=0", "Short one."}};
  for (const auto& r : rows) {
    CAPTURE(r.set);
    CHECK(clean(f, r.line).text == "");
    CHECK(clean(f, r.line).mask == bit_of("c4-lines"));  // nothing left
    const Cleaned off = clean(only("c4-lines", {r.set}), r.line);
    CHECK(off.mask == 0);
    CHECK_FALSE(off.changed);
    CHECK(off.text == "sentinel");  // untouched when unchanged
  }

  // Citations: removed, or kept with the policy off.
  CHECK(clean(f, "Text [1] is here.").text == "Text  is here.");
  const Cleaned kept = clean(only("c4-lines", {"c4-lines.citations=false"}), "Text [1] is here.");
  CHECK(kept.mask == 0);
  CHECK_FALSE(kept.changed);
  CHECK(clean(only("c4-lines", {"c4-lines.citations=false"}), "It ended in 1945.[1]").text == "");

  // A word over 1000 characters drops its line; 1000 is fine. Words are counted before the
  // citations go: "a [1] b." has 3.
  const std::string w1000(1000, 'w');
  CHECK(clean(f, "one " + w1000 + " two.").text == "sentinel");
  CHECK(clean(f, "one " + w1000 + "w two.\nThree more words.").text == "Three more words.");
  CHECK(clean(f, "a [1] b.").text == "a  b.");
  // Python's strip() also takes Unicode white space (here U+00A0).
  CHECK(clean(f, "\xC2\xA0Some text here.\xC2\xA0\nMore text here.").text == "Some text here.\nMore text here.");
  // Unchanged text: no copy.
  const Cleaned same = clean(f, "One two three.\nFour five six.");
  CHECK(same.mask == 0);
  CHECK_FALSE(same.changed);
  CHECK(same.text == "sentinel");
}

TEST_CASE("c4 document rules") {
  const uint64_t lorem = bit_of("c4-lorem-ipsum");
  const uint64_t curly = bit_of("c4-curly-bracket");
  const WebFilter lf = only("c4-lorem-ipsum", {"c4-lines=on"});
  CHECK(run(lf, "Lorem Ipsum dolor sit amet.") == lorem);
  CHECK(run(lf, "Some text here.\nlorem ipsum") == 0);  // that line is dropped first, as in datatrove
  CHECK(run(only("c4-lorem-ipsum"), "Some text here.\nlorem ipsum") == lorem);  // c4-lines off: every line
  const WebFilter cf = only("c4-curly-bracket", {"c4-lines=on"});
  CHECK(run(cf, "Use the code {x} here.") == curly);
  CHECK(run(cf, "This line is fine.\nEnable javascript { now.") ==
        0);  // dropped by the javascript policy before the check
  CHECK(run(cf, "No brackets in this one.") == 0);

  // Sentences: 5 kept, 4 rejected; "Dr." and initials end no sentence; lowercase after a period
  // continues the sentence.
  const WebFilter sf = only("c4-min-sentences");
  const uint64_t sb = bit_of("c4-min-sentences");
  check_cases("c4-min-sentences",
              {{"One is here. Two is here. Three is here. Four is here. Five is here.", false, "5 on a line"},
               {"One is here. Two is here. Three is here. Four is here.", true, "4"},
               {"One is here.\nTwo is here!\nThree is here?\nFour is here.\nFive.", false, "5 lines"},
               {"Dr. Smith came. He left. It rained. We sang.", true, "Dr. is no end: 4"},
               {"J. R. Tolkien wrote. He left. It rained. We sang.", true, "initials: 4"},
               {"It is 3.14 here. Then it was 5 p.m. now. It rained. We sang.", true, "4"},
               {"\"Go!\" He left. It rained. We sang. Then (it ended.) Fine.", false, "quotes, brackets: 6"}});
  CHECK(run(sf, "") == sb);
  check_cases("c4-min-sentences", {{"One is here. Two is here.", false, "2 of 2"}}, {"c4-min-sentences.min=2"});
}

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

// datatrove's definitions, written directly (strings, maps): the most common n-gram's
// len(" ".join) * count (first seen wins a tie), and the greedy duplicated n-gram scan.
size_t reference_top(const std::vector<std::string>& w, size_t n) {
  std::map<std::string, std::pair<size_t, size_t>> count;  // n-gram -> (count, first index)
  for (size_t i = 0; i + n <= w.size(); ++i) {
    std::string g = w[i];
    for (size_t j = 1; j < n; ++j) g += " " + w[i + j];
    auto [it, fresh] = count.try_emplace(g, 0, i);
    ++it->second.first;
  }
  size_t best = 0, first = 0, len = 0;
  for (const auto& [g, cf] : count) {
    if (cf.first > best || (cf.first == best && cf.second < first)) {
      best = cf.first;
      first = cf.second;
      len = g.size();
    }
  }
  return best * len;
}

size_t reference_dup(const std::vector<std::string>& w, size_t n) {
  std::set<std::string> seen;
  size_t repeated = 0;
  for (size_t i = 0; i + n <= w.size();) {
    std::string g;
    for (size_t j = 0; j < n; ++j) g += w[i + j];
    if (seen.count(g)) {
      repeated += g.size();
      i += n;
    } else {
      seen.insert(g);
      ++i;
    }
  }
  return repeated;
}

TEST_CASE("gopher n-gram rules match datatrove's definitions on random documents") {
  // Two-letter words (so that "".join is unambiguous, as it is for real words nearly always),
  // from vocabularies of 3 to 60 words: from very repetitive to hardly repetitive.
  uint64_t state = 12345;
  auto next = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<size_t>(state >> 33);
  };
  for (int doc = 0; doc < 60; ++doc) {
    const size_t vocab = 3 + next() % 58;
    const size_t len = 5 + next() % 300;
    std::vector<std::string> words;
    std::string text;
    for (size_t i = 0; i < len; ++i) {
      const size_t v = next() % vocab;
      words.push_back(std::string(1, static_cast<char>('a' + v % 26)) + static_cast<char>('a' + v / 26));
      text += (i ? " " : "") + words.back();
    }
    CAPTURE(text);
    for (size_t n = 2; n <= 10; ++n) {
      const bool top = n <= 4;
      const std::string rule =
          top ? "gopher-top-" + std::to_string(n) + "grams" : "gopher-dup-" + std::to_string(n) + "grams";
      const size_t chars = top ? reference_top(words, n) : reference_dup(words, n);
      const double ratio = static_cast<double>(chars) / static_cast<double>(text.size());
      CAPTURE(rule);
      CAPTURE(ratio);
      char at[64], below[64];
      std::snprintf(at, sizeof at, "%s.max=%.17g", rule.c_str(), ratio);
      std::snprintf(below, sizeof below, "%s.max=%.17g", rule.c_str(), std::nextafter(ratio, 0.0));
      CHECK(run(only(rule, {at}), text) == 0);
      if (ratio > 0) CHECK(run(only(rule, {below}), text) == bit_of(rule));
    }
  }
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
