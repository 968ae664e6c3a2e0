#include "bitmill/filter/words.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace bitmill::filter {
namespace {

// ---------------------------------------------------------------------------------------------
// count_words

TEST_CASE("count_words splits at spaces and around no-space letters") {
  struct Row {
    std::string text;
    size_t words;
  };
  const Row rows[] = {
      {"", 0},
      {" \t ", 0},
      {"Hello, world!", 2},
      {"  leading and trailing  ", 3},
      {"a - b", 2},  // a lone dash is no word
      {"- \u2014 \u2013", 0},
      {"don't stop", 2},
      {"3.14 is pi", 3},
      {"\U0001F44D ok", 1},  // an emoji alone is no word
      {"e\u0301te\u0301", 1},
      {"日本語です。", 5},
      {"我爱Python编程", 5},
      {"2020年", 2},
      {"Python、Java", 2},            // full-width comma separates
      {"「こんにちは」と言った", 9},  // 5 + と言った; brackets belong to no word
      {"ラーメン", 4},
      {"สวัสดีครับ", 7},  // 7 Thai consonants/vowel letters; the 3 marks attach
      {"한국어 문장", 2},
      {"مرحبا بالعالم", 2},
      {"नमस्ते दुनिया", 2},
      {"می\u200Cخواهم", 1},  // Persian ZWNJ inside a word
      {"line1\nline2\u00A0x\u3000y", 4},
  };
  for (const Row& r : rows) {
    CAPTURE(r.text);
    CHECK(count_words(r.text) == r.words);
  }
}

// ---------------------------------------------------------------------------------------------
// longest_word_run

TEST_CASE("longest_word_run finds consecutive repeats") {
  struct Row {
    std::string text;
    size_t run;
  };
  const Row rows[] = {
      {"", 0},
      {"- - -", 0},
      {"hello", 1},
      {"the the the cat", 3},
      {"a b a b", 1},
      {"The the THE", 3},
      {"very, very, very good", 3},
      {"no no", 2},
      {"ha ha ha ha ha!", 5},
      {"the - the", 2},  // a dash is no word and does not break the run
      {"cat cat. Dog dog dog", 3},
      {"哈哈哈", 3},
      {"谢谢你", 2},
      {"Straße STRASSE", 1},  // simple case folding keeps ß
      {"σοφός ΣΟΦΌΣ σοφόσ", 3},
      {"Ελλάδα ελλάδα", 2},
  };
  for (const Row& r : rows) {
    CAPTURE(r.text);
    CHECK(longest_word_run(r.text) == r.run);
  }
}

}  // namespace
}  // namespace bitmill::filter
