// Character counts of a text for the bitext rules: code points by class (the partition of
// bitmill/text/char_class.h), and letters by script.
//
// Input: valid UTF-8 (LineReader has checked or repaired the line); on anything else the functions
// stay memory safe and read each bad byte as U+FFFD, but their results are otherwise unspecified.
// Unicode data: the shared character table (bitmill/text/char_class.h: utf8proc 2.8 and ICU 72,
// Unicode 15.0). Nothing is normalised: pass NFC text if precomposed and decomposed forms must agree.
// Cost: one pass over the text, no heap allocation except growing the output vector the caller
// passes in (reuse it across calls).
//
// Thread safety: pure functions, safe to call from any number of threads.
#pragma once

#include <cstddef>
#include <string_view>
#include <utility>
#include <vector>

#include "bitmill/base/status.h"

namespace bitmill::filter {

// Code point classes of one text. The first nine fields partition the code points:
//   letters + marks + digits + other_numbers + punct + symbols + spaces + format + controls == chars.
// `replacement`, `cjk` and `ascii_letters` are subsets counted again for the rules that need them.
struct CharCounts {
  size_t chars = 0;          // code points
  size_t letters = 0;        // L* (Lu Ll Lt Lm Lo)
  size_t marks = 0;          // M* (Mn Mc Me) except variation selectors; Indic vowel signs are marks,
                             // so a letter ratio for Devanagari etc. should use letters + marks
  size_t digits = 0;         // Nd: decimal digits of any script (0-9, ٠-٩, ०-९, full-width ０-９ ...)
  size_t other_numbers = 0;  // Nl No: Roman numerals Ⅻ, superscripts ², fractions ½, circled ①
  size_t punct = 0;          // P* (Pc Pd Ps Pe Pi Pf Po)
  size_t symbols = 0;        // S* (Sm Sc Sk So: + $ ^ € © emoji), except U+FFFD
  size_t spaces = 0;         // White_Space: Zs Zl Zp, TAB LF VT FF CR, U+0085
  size_t format = 0;         // invisible characters with a legitimate use in text: the Cf code points
                             // U+00AD soft hyphen, U+0600-0605 U+06DD U+0890-0891 U+08E2 U+110BD U+110CD
                             // (Arabic/Kaithi number signs), U+061C, U+070F, U+180E, U+200B-200F
                             // (ZWSP ZWNJ ZWJ LRM RLM), U+202A-202E, U+2060-2064, U+2066-2069 (bidi,
                             // word joiner), U+E0020-E007F (emoji tag sequences); and the variation
                             // selectors U+FE00-FE0F, U+E0100-E01EF (category Mn)
  size_t controls = 0;       // non-printing junk: Cc other than the White_Space ones above, every other
                             // Cf (U+FEFF, U+FFF9-FFFB, U+206A-206F, U+E0001, ...), Cs, Co (private use),
                             // Cn (unassigned and noncharacters), and U+FFFD
  size_t replacement = 0;    // U+FFFD (also counted in controls)
  size_t cjk = 0;            // L* and M* code points of the scripts written without spaces between
                             // words: Han, Hiragana, Katakana, Thai, Lao, Khmer, Myanmar, by Script, or
                             // by Script_Extensions for Common and Inherited ones (ー U+30FC, ゙ U+3099).
                             // Not Hangul: Korean puts spaces between words.
  size_t ascii_letters = 0;  // A-Z a-z (also counted in letters)
};
CharCounts count_chars(std::string_view text);

// Scripts of the letters: for each L* or M* code point, its ICU Script property (UScriptCode as int),
// Common (0) and Inherited (1) skipped, so combining accents and ー count for nothing while Indic
// vowel signs count for their script. `out` is cleared, then holds (script, count) pairs sorted by
// script code, counts > 0. A Japanese text yields Han, Hiragana and Katakana; a Korean one Hangul and
// possibly Han.
void count_scripts(std::string_view text, std::vector<std::pair<int, size_t>>& out);

// Parses a list of ISO 15924 script codes separated by white space or commas ("Latn Cyrl",
// "latn,grek"; ICU's long names such as "Latin" work too, case-insensitively) into sorted, unique
// UScriptCode values comparable with count_scripts. Composite codes expand to the scripts whose
// letters occur in such text: Jpan -> Hani Hira Kana, Kore -> Hang Hani, Hrkt -> Hira Kana,
// Hans/Hant -> Hani, Hanb -> Hani Bopo. An empty or blank list gives an empty vector.
// Errors (invalid_argument) name the offending code: unknown codes, Zyyy/Zinh/Zzzz (never counted),
// and codes with no characters of their own (Latf, Syrn, ...).
Expected<std::vector<int>> parse_scripts(std::string_view iso15924_list);

}  // namespace bitmill::filter
