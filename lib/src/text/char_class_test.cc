#include "bitmill/text/char_class.h"

#include <doctest/doctest.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>

namespace bitmill::text {
namespace {

// The table's classes against ICU's general categories and White_Space (the table is built from
// utf8proc's categories; both libraries implement Unicode 15.0).
CharClass icu_class(char32_t cp) {
  const auto c = static_cast<UChar32>(cp);
  if (u_isUWhiteSpace(c)) return kSpace;
  if (cp == 0xFFFD) return kControl;
  if ((cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0100 && cp <= 0xE01EF)) return kFormat;
  switch (u_charType(c)) {
    case U_UPPERCASE_LETTER:
    case U_LOWERCASE_LETTER:
    case U_TITLECASE_LETTER:
    case U_MODIFIER_LETTER:
    case U_OTHER_LETTER: return kLetter;
    case U_NON_SPACING_MARK:
    case U_COMBINING_SPACING_MARK:
    case U_ENCLOSING_MARK: return kMark;
    case U_DECIMAL_DIGIT_NUMBER: return kDigit;
    case U_LETTER_NUMBER:
    case U_OTHER_NUMBER: return kOtherNumber;
    case U_CONNECTOR_PUNCTUATION:
    case U_DASH_PUNCTUATION:
    case U_START_PUNCTUATION:
    case U_END_PUNCTUATION:
    case U_INITIAL_PUNCTUATION:
    case U_FINAL_PUNCTUATION:
    case U_OTHER_PUNCTUATION: return kPunct;
    case U_MATH_SYMBOL:
    case U_CURRENCY_SYMBOL:
    case U_MODIFIER_SYMBOL:
    case U_OTHER_SYMBOL: return kSymbol;
    case U_FORMAT_CHAR: return kControl;  // or kFormat, for the listed ones: checked apart
    default: return kControl;             // Cc, Cs, Co, Cn
  }
}

TEST_CASE("char table: classes, lowercase and scripts agree with ICU on every code point") {
  const CharTable table;
  size_t format = 0;
  for (char32_t cp = 0; cp <= 0x10FFFF; ++cp) {
    const uint8_t info = table.info(cp);
    const auto k = static_cast<CharClass>(info & kCharClassMask);
    const CharClass want = icu_class(cp);
    CAPTURE(static_cast<uint32_t>(cp));
    if (k == kFormat && want == kControl) {
      REQUIRE(u_charType(static_cast<UChar32>(cp)) == U_FORMAT_CHAR);
      ++format;
    } else {
      REQUIRE(k == want);
    }
    REQUIRE(((info & kLowercaseBit) != 0) == (u_charType(static_cast<UChar32>(cp)) == U_LOWERCASE_LETTER));
    if (cp < 0x10000) REQUIRE(info == char_info_uncached(cp));
    if (k == kLetter || k == kMark) {
      UErrorCode err = U_ZERO_ERROR;
      REQUIRE(table.script(cp) == uscript_getScript(static_cast<UChar32>(cp), &err));
    }
  }
  // The format characters with a use in text (CharCounts::format): U+00AD, U+0600-0605, U+061C,
  // U+06DD, U+070F, U+0890-0891, U+08E2, U+180E, U+200B-200F, U+202A-202E, U+2060-2064,
  // U+2066-2069, U+110BD, U+110CD, U+E0020-E007F.
  CHECK(format == 1 + 6 + 1 + 1 + 1 + 2 + 1 + 1 + 5 + 5 + 5 + 4 + 1 + 1 + 96);
}

TEST_CASE("char table: no-space scripts and full-width punctuation") {
  const CharTable table;
  for (char32_t cp : {U'\u4E2D', U'\u3042', U'\u30A2', U'\u0E01', U'\u0E81', U'\u1780', U'\u1000', U'\u30FC'}) {
    CAPTURE(static_cast<uint32_t>(cp));
    CHECK((table.info(cp) & kNoSpaceBit) != 0);
  }
  for (char32_t cp : {U'a', U'\uAC00', U'\u0915'}) CHECK((table.info(cp) & kNoSpaceBit) == 0);  // Hangul, Devanagari
  for (char32_t cp : {U'\u3001', U'\u3002', U'\uFF01', U'\uFF61'}) CHECK((table.info(cp) & kWidePunctBit) != 0);
  CHECK((table.info(U'!') & kWidePunctBit) == 0);
}

}  // namespace
}  // namespace bitmill::text
