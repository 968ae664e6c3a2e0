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
  const uint32_t category = U_GET_GC_MASK(c);
  if (dir == U_WHITE_SPACE_NEUTRAL || dir == U_BLOCK_SEPARATOR || dir == U_SEGMENT_SEPARATOR ||
      (category & U_GC_ZS_MASK) != 0) {
    return kIsSpace;
  }
  if ((category & U_GC_LL_MASK) != 0) return kIsAlpha | kIsLower;
  if ((category & U_GC_L_MASK) != 0) return kIsAlpha;
  if ((category & U_GC_ND_MASK) != 0) return kIsDigit;
  if ((category & (U_GC_P_MASK | U_GC_S_MASK | U_GC_CC_MASK)) != 0) return kIsPunct;
  return 0;
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
  CHECK(utf8_length("a\xC3\xA9\xE6\x97\xA5\xF0\x9F\x98\x80") == 4);
  CHECK(last_cp("ab\xE3\x80\x82") == 0x3002);
  CHECK(last_cp("ab\xE3\x80") == 0xFFFD);                       // a truncated character is a bad byte
  CHECK(count_tokens("Hello, world... (see \"this\")") == 10);  // Hello , world ... ( see " this " )
}

}  // namespace
}  // namespace bitmill::filter::web
