#include "filter/web_text.h"

#include <doctest/doctest.h>
#include <unicode/uchar.h>

#include <string>
#include <vector>

namespace bitmill::filter::web {
namespace {

// CPython's definitions, written with ICU: str.isspace is bidi class WS, B or S, or category Zs;
// isalpha is L*, islower (for one letter) Ll, isdigit here Nd; datatrove's punctuation is P*, S*
// and Cc.
uint8_t python_class(char32_t cp) {
  const auto c = static_cast<UChar32>(cp);
  const UCharDirection dir = u_charDirection(c);
  const int8_t type = u_charType(c);
  if (dir == U_WHITE_SPACE_NEUTRAL || dir == U_BLOCK_SEPARATOR || dir == U_SEGMENT_SEPARATOR ||
      type == U_SPACE_SEPARATOR) {
    return kIsSpace;
  }
  switch (type) {
    case U_LOWERCASE_LETTER: return kIsAlpha | kIsLower;
    case U_UPPERCASE_LETTER:
    case U_TITLECASE_LETTER:
    case U_MODIFIER_LETTER:
    case U_OTHER_LETTER: return kIsAlpha;
    case U_DECIMAL_DIGIT_NUMBER: return kIsDigit;
    case U_CONNECTOR_PUNCTUATION:
    case U_DASH_PUNCTUATION:
    case U_START_PUNCTUATION:
    case U_END_PUNCTUATION:
    case U_INITIAL_PUNCTUATION:
    case U_FINAL_PUNCTUATION:
    case U_OTHER_PUNCTUATION:
    case U_MATH_SYMBOL:
    case U_CURRENCY_SYMBOL:
    case U_MODIFIER_SYMBOL:
    case U_OTHER_SYMBOL:
    case U_CONTROL_CHAR: return kIsPunct;
    default: return 0;
  }
}

TEST_CASE("web classes (derived from the char table) are Python's on every code point") {
  for (char32_t cp = 0; cp <= 0x10FFFF; ++cp) {
    CAPTURE(static_cast<uint32_t>(cp));
    REQUIRE(classify(cp) == python_class(cp));
  }
  // Beyond U+10FFFF (what kStructural decodes from F4 90..): no class.
  CHECK(classify(0x110000) == 0);
  CHECK(classify(0x13FFFF) == 0);
}

TEST_CASE("web text: Python's splitlines, strip and len") {
  std::vector<std::string> lines;
  for_each_pyline(
      "a\nb\r\nc\rd\x0B"
      "e\x1C"
      "f\xC2\x85g\xE2\x80\xA8h\n",
      [&](std::string_view l) { lines.emplace_back(l); });
  CHECK(lines == std::vector<std::string>{"a", "b", "c", "d", "e", "f", "g", "h"});
  CHECK(py_strip("\x1F \xE3\x80\x80x y\xC2\xA0\t") == "x y");
  CHECK(cp_count("a\xC3\xA9\xE6\x97\xA5\xF0\x9F\x98\x80") == 4);
  CHECK(last_cp("ab\xE3\x80\x82") == 0x3002);
  CHECK(last_cp("ab\xE3\x80") == 0xFFFD);                       // a truncated character is a bad byte
  CHECK(count_tokens("Hello, world... (see \"this\")") == 10);  // Hello , world ... ( see " this " )
}

}  // namespace
}  // namespace bitmill::filter::web
