#include "bitmill/text/char_class.h"

#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <utf8proc.h>

namespace bitmill::text {
namespace {

constexpr char32_t kReplacementChar = 0xFFFD;

// Cf code points with a legitimate use in running text (listed in CharCounts::format).
bool is_allowed_format(char32_t cp) {
  if (cp >= 0x200B && cp <= 0x200F) return true;
  if (cp >= 0x202A && cp <= 0x202E) return true;
  if (cp >= 0x2060 && cp <= 0x2064) return true;
  if (cp >= 0x2066 && cp <= 0x2069) return true;
  if (cp >= 0x0600 && cp <= 0x0605) return true;
  if (cp >= 0xE0020 && cp <= 0xE007F) return true;
  switch (cp) {
    case 0x00AD:
    case 0x061C:
    case 0x06DD:
    case 0x070F:
    case 0x0890:
    case 0x0891:
    case 0x08E2:
    case 0x180E:
    case 0x110BD:
    case 0x110CD: return true;
    default: return false;
  }
}

CharClass classify_category(char32_t cp, utf8proc_category_t cat) {
  switch (cat) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO: return kLetter;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME: return is_variation_selector(cp) ? kFormat : kMark;
    case UTF8PROC_CATEGORY_ND: return kDigit;
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO: return kOtherNumber;
    case UTF8PROC_CATEGORY_PC:
    case UTF8PROC_CATEGORY_PD:
    case UTF8PROC_CATEGORY_PS:
    case UTF8PROC_CATEGORY_PE:
    case UTF8PROC_CATEGORY_PI:
    case UTF8PROC_CATEGORY_PF:
    case UTF8PROC_CATEGORY_PO: return kPunct;
    case UTF8PROC_CATEGORY_SM:
    case UTF8PROC_CATEGORY_SC:
    case UTF8PROC_CATEGORY_SK:
    case UTF8PROC_CATEGORY_SO: return cp == kReplacementChar ? kControl : kSymbol;
    case UTF8PROC_CATEGORY_ZS:
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP: return kSpace;  // all White_Space
    case UTF8PROC_CATEGORY_CC: return cp == 0x85 ? kSpace : kControl;
    case UTF8PROC_CATEGORY_CF: return is_allowed_format(cp) ? kFormat : kControl;
    default: return kControl;  // Cs, Co, Cn
  }
}

bool is_nospace_script(int sc) {
  switch (sc) {
    case USCRIPT_HAN:
    case USCRIPT_HIRAGANA:
    case USCRIPT_KATAKANA:
    case USCRIPT_THAI:
    case USCRIPT_LAO:
    case USCRIPT_KHMER:
    case USCRIPT_MYANMAR: return true;
    default: return false;
  }
}

// For an L* or M* code point: does it belong to a script written without spaces (by Script, or by
// Script_Extensions for Common and Inherited ones: ー U+30FC, ゙ U+3099)?
bool is_nospace_slow(char32_t cp) {
  if (cp < 0x0E00) return false;  // Thai (U+0E00) is the first of them; saves ICU calls for most scripts
  UErrorCode err = U_ZERO_ERROR;
  const UScriptCode sc = uscript_getScript(static_cast<UChar32>(cp), &err);
  if (U_FAILURE(err)) return false;
  if (is_nospace_script(sc)) return true;
  if (sc != USCRIPT_COMMON && sc != USCRIPT_INHERITED) return false;
  UScriptCode ext[32];
  err = U_ZERO_ERROR;
  const int32_t count = uscript_getScriptExtensions(static_cast<UChar32>(cp), ext, 32, &err);
  if (U_FAILURE(err)) return false;
  for (int32_t k = 0; k < count; ++k) {
    if (is_nospace_script(ext[k])) return true;
  }
  return false;
}

// Full-width punctuation (the caller checked P*).
bool is_wide_punct_slow(char32_t cp) {
  if (cp < 0x1100) return false;  // no Wide or Fullwidth code point below the Hangul Jamo
  if (cp >= 0xFF61 && cp <= 0xFF65) return true;
  const int w = u_getIntPropertyValue(static_cast<UChar32>(cp), UCHAR_EAST_ASIAN_WIDTH);
  return w == U_EA_WIDE || w == U_EA_FULLWIDTH;
}

}  // namespace

uint8_t char_info_uncached(char32_t cp) {
  if (cp < 0x80) {
    const CharClass k = kAsciiCharClass[cp];
    return static_cast<uint8_t>(k | (cp >= 'a' && cp <= 'z' ? kLowercaseBit : 0));
  }
  const utf8proc_category_t cat = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
  const CharClass k = classify_category(cp, cat);
  uint8_t v = k;
  if ((k == kLetter || k == kMark) && is_nospace_slow(cp)) v |= kNoSpaceBit;
  if (k == kPunct && is_wide_punct_slow(cp)) v |= kWidePunctBit;
  if (cat == UTF8PROC_CATEGORY_LL) v |= kLowercaseBit;
  return v;
}

int char_script_uncached(char32_t cp) {
  UErrorCode err = U_ZERO_ERROR;
  const int sc = uscript_getScript(static_cast<UChar32>(cp), &err);
  return U_FAILURE(err) ? USCRIPT_COMMON : sc;
}

namespace detail {

const CharTables* build_char_tables() {
  auto* t = new CharTables;  // never freed: lives as long as the process
  for (char32_t cp = 0; cp < 0x10000; ++cp) {
    const uint8_t v = char_info_uncached(cp);
    t->info[cp] = v;
    const auto k = static_cast<CharClass>(v & kCharClassMask);
    const int sc = (k == kLetter || k == kMark) ? char_script_uncached(cp) : USCRIPT_COMMON;
    t->script[cp] = sc >= 0 && sc < kScriptAskIcu ? static_cast<uint8_t>(sc) : kScriptAskIcu;
  }
  return t;
}

}  // namespace detail
}  // namespace bitmill::text
