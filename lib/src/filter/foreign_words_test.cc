#include "filter/foreign_words.h"

#include <doctest/doctest.h>

#include "bitmill/filter/char_counts.h"

namespace bitmill::filter {
namespace {

std::vector<int> scripts(const char* list) { return *parse_scripts(list); }

TEST_CASE("foreign words: letters of words in other scripts that the other side has") {
  const auto thai = scripts("Thai");
  // "Beacon" (6) and "Encinitas" (9) are in the English side; the Thai words are native.
  CHECK(foreign_letters_shared("ใกล้ๆกับชายหาด Beacon ที่ Encinitas", thai, "near Beacon's Beach in Encinitas") == 15);
  CHECK(foreign_letters_shared("ใกล้ๆกับชายหาด Beacon ที่ Encinitas", thai, "near the beach") == 0);
  // ASCII letters compare without case; a word must be whole in the text, not in the other side.
  CHECK(foreign_letters_shared("ናይ ሌበር (labour) ኣባል", scripts("Ethi"), "One Labour AM") == 6);
  CHECK(foreign_letters_shared("Tom唔知Mary識講法文。", scripts("Hani"), "Tom didn't know that Mary") == 7);
  // Native text, digits and punctuation are never counted; nor is an empty other side.
  CHECK(foreign_letters_shared("ชายหาด 123 !", thai, "ชายหาด 123 !") == 0);
  CHECK(foreign_letters_shared("Beacon", thai, "") == 0);
  CHECK(foreign_letters_shared("", thai, "Beacon") == 0);
  // Non-ASCII letters compare exactly: Cyrillic in a Chinese side.
  CHECK(foreign_letters_shared("他说Привет", scripts("Hani"), "He said Привет") == 6);
  CHECK(foreign_letters_shared("他说Привет", scripts("Hani"), "He said привет") == 0);
}

TEST_CASE("char counts: ascii_letters counts A-Z and a-z only") {
  CHECK(count_chars("Tom唔知Mary識講").ascii_letters == 7);
  CHECK(count_chars("über 12 Äpfel").ascii_letters == 7);
  CHECK(count_chars("").ascii_letters == 0);
}

}  // namespace
}  // namespace bitmill::filter
