#include "bitmill/filter/web_rules.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "filter/web_rules_test_util.h"

namespace bitmill::filter {
namespace {

using namespace web_testing;

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

}  // namespace
}  // namespace bitmill::filter
