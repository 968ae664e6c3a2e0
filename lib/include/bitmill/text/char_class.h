// The library's character property table: for every code point, its class in a partition of the
// Unicode general categories (letters, marks, digits, other numbers, punctuation, symbols, white
// space, format, control), plus flags (lowercase letter, script written without spaces, full-width
// punctuation), and the script of letters and marks. The filter's text features (bitext rules) and
// the web rules' Python-style classes (str.isspace, isalpha, islower, isdigit, datatrove's
// punctuation) both derive from it.
//
// Unicode data: general categories from utf8proc 2.8, scripts and East_Asian_Width from ICU 72
// (both Unicode 15.0). The answers for the BMP are computed once per process into a 128 KiB table
// (about 2 ms, thread-safe static initialisation) because a table load is several times faster
// than the library calls; code points above U+FFFF (emoji, rare Han) ask the libraries each time.
// Any char32_t is accepted: values above U+10FFFF are unassigned (kControl).
//
// Not the tokenizers' tables (text/hf_unicode_tables.cc): those reproduce the older Unicode data of
// Hugging Face tokenizers on purpose, where this table follows current Unicode.
//
// Thread safety: the table is immutable once built; every function may run on any thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace bitmill::text {

// A partition of the code points (see CharCounts in bitmill/filter/char_counts.h for the exact
// membership of each class).
enum CharClass : uint8_t {
  kLetter,       // L*
  kMark,         // M* except variation selectors
  kDigit,        // Nd
  kOtherNumber,  // Nl No
  kPunct,        // P*
  kSymbol,       // S* except U+FFFD
  kSpace,        // White_Space: Zs Zl Zp, TAB LF VT FF CR, U+0085
  kFormat,       // Cf with a legitimate use in text, and the variation selectors
  kControl,      // other Cc and Cf, Cs, Co, Cn, U+FFFD
  kNumCharClasses
};

// The bits of CharTable::info().
constexpr uint8_t kCharClassMask = 0x0F;  // the CharClass
constexpr uint8_t kNoSpaceBit = 0x10;     // L* or M* of a script written without spaces (Han, Thai...)
constexpr uint8_t kWidePunctBit = 0x20;   // P* with East_Asian_Width Wide/Fullwidth, or U+FF61-FF65
constexpr uint8_t kLowercaseBit = 0x40;   // Ll

constexpr std::array<CharClass, 128> make_ascii_char_classes() {
  std::array<CharClass, 128> t{};
  for (int c = 0; c < 128; ++c) {
    CharClass k = kPunct;
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
      k = kLetter;
    else if (c >= '0' && c <= '9')
      k = kDigit;
    else if (c == ' ' || (c >= 0x09 && c <= 0x0D))
      k = kSpace;
    else if (c < 0x20 || c == 0x7F)
      k = kControl;
    else if (c == '$' || c == '+' || c == '<' || c == '=' || c == '>' || c == '^' || c == '`' || c == '|' || c == '~')
      k = kSymbol;  // Sc, Sm, Sk; every other printable ASCII character is P*
    t[static_cast<size_t>(c)] = k;
  }
  return t;
}
// The class of each ASCII character, for scanners with an ASCII fast path.
inline constexpr std::array<CharClass, 128> kAsciiCharClass = make_ascii_char_classes();

constexpr bool is_variation_selector(char32_t cp) {
  return (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0100 && cp <= 0xE01EF);
}

// info() computed from the libraries, without the table.
uint8_t char_info_uncached(char32_t cp);
// ICU Script (UScriptCode as int) of cp, USCRIPT_COMMON (0) when ICU fails.
int char_script_uncached(char32_t cp);

namespace detail {
struct CharTables {
  std::array<uint8_t, 0x10000> info;
  std::array<uint8_t, 0x10000> script;  // for L* and M*, kScriptAskIcu when it does not fit; else Common
};
constexpr uint8_t kScriptAskIcu = 0xFF;
const CharTables* build_char_tables();
// Inline so that a scanner's CharTable costs one initialisation-guard check, not a call.
inline const CharTables& char_tables() {
  static const CharTables* const tables = build_char_tables();
  return *tables;
}
}  // namespace detail

// Cheap handle on the process-wide table; make one per call of a scanning function, so that the
// static initialisation guard is checked once, not per character.
class CharTable {
 public:
  CharTable() : t_(detail::char_tables()) {}
  uint8_t info(char32_t cp) const { return cp < 0x10000 ? t_.info[cp] : char_info_uncached(cp); }
  CharClass cls(char32_t cp) const { return static_cast<CharClass>(info(cp) & kCharClassMask); }
  // Script of an L* or M* code point (Common for anything else in the BMP).
  int script(char32_t cp) const {
    if (cp < 0x10000 && t_.script[cp] != detail::kScriptAskIcu) return t_.script[cp];
    return char_script_uncached(cp);
  }

 private:
  const detail::CharTables& t_;
};

}  // namespace bitmill::text
