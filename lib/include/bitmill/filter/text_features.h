// Text features for the filter rules (bitext_rules.cc, web_rules.cc): character classes, words,
// scripts, mojibake, numbers, URLs, terminal punctuation, word repetition and near-identity.
//
// Inputs: one string of valid UTF-8 (the caller guarantees it: LineReader has checked or repaired
// the line). On invalid UTF-8 the functions stay memory safe and read each bad byte as U+FFFD, but
// their results are otherwise unspecified.
// Unicode data: general categories from utf8proc 2.8, scripts and digit values from ICU 72 (both
// Unicode 15.0). Nothing is normalised: pass NFC text if precomposed and decomposed forms must agree.
// Cost: every function is one pass over the text (similarity: O(n * band)), with no regex and no
// heap allocation except growing the output vectors the caller passes in (reuse them across calls;
// similarity keeps a thread-local scratch buffer). The first call in a process builds a 128 KB
// lookup table of the BMP's properties (about 1.5 ms, thread-safe static initialisation).
//
// Thread safety: pure functions, safe to call from any number of threads.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bitmill/base/status.h"

namespace bitmill::filter {

// Code point classes of one text. The first nine fields partition the code points:
//   letters + marks + digits + other_numbers + punct + symbols + spaces + format + controls == chars.
// `replacement` and `cjk` are subsets counted again for the rules that need them.
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
};
CharCounts count_chars(std::string_view text);

// Words. The text is cut at White_Space; each piece is then cut around
//   - "no-space letters": the L* code points counted in CharCounts::cjk. Each such letter is a word
//     of its own, together with the M* and format code points that follow it (so a Thai consonant
//     and its vowel and tone marks make one word);
//   - full-width punctuation: P* with East_Asian_Width Wide or Fullwidth (、。「」，！？ ...) and the
//     half-width ideographic punctuation U+FF61-FF65, which belong to no word.
// Every remaining piece is a word when it contains at least one L* or N* code point ("don't",
// "e-mail", "3.14", "Python" are one word each; "-", "&", "😀" are none).
// "Hello, world!" -> 2; "a - b" -> 2; "我爱Python编程" -> 5; "2020年" -> 2; "สวัสดี" -> 4 (Thai counts
// syllable-ish units, about 2-3 per real word: compare counts across languages with care).
size_t count_words(std::string_view text);

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

// Mojibake: the number of places where the text looks like UTF-8 that was decoded as Windows-1252
// (or Latin-1) and re-encoded as UTF-8 ("Ã©" for "é", "â€™" for "’", "Ð¿" for "п", "ðŸ˜€" for "😀";
// double encoding "ÃƒÂ©" counts 2). A candidate is a code point that is the image of a UTF-8 lead
// byte C2-F4 (U+00C2-U+00F4, "Â".."ô") followed by the 1-3 code points that are images of the
// continuation bytes the lead needs. The image of a byte b in 80-FF is U+00b for A0-FF; for 80-9F
// it is the Windows-1252 character (€ ‚ ƒ „ … † ‡ ˆ ‰ Š ‹ Œ Ž ‘ ’ “ ” • – — ˜ ™ š › œ ž Ÿ) or the
// C1 control U+0080-U+009F (Latin-1, and Windows-1252's five undefined bytes 81 8D 8F 90 9D). The
// bytes must form a well-formed UTF-8 sequence (E0 A0-BF, ED 80-9F, F0 90-BF, F4 80-8F). Candidates
// are matched left to right without overlap. Three exceptions keep correct text at 0:
//   - lead image "ß" (DF): German "Spaß“", "heiß…" (it would be NKo, whose mojibake is negligible);
//   - NBSP as a continuation image inside a 3- or 4-byte candidate: French "été\u00A0»";
//   - a 2-byte candidate whose lead image follows an uppercase letter, whose continuation image is
//     P* or NBSP, and which is not followed by a letter: an all-caps word ending in an accented
//     capital, then punctuation ("CAFÉ\u00A0!", "„SCHÖN…“"). "KÃ¶ln" still counts.
// Mojibake whose undefined bytes were dropped or replaced ("Ã?") is not detected.
size_t count_mojibake(std::string_view text);

// Numbers: maximal runs of Nd code points (any script; full-width too), each digit written as its
// ASCII value, leading zeros kept. `out` is cleared, then holds the runs sorted as strings, duplicates
// kept. A thousands separator (, . ' space, no-break or thin space) between a first group of 1-3
// digits and following groups of exactly 3 ASCII digits joins them: "1,000.5" and "1.000,5" ->
// {"1000", "5"}, "5 000" -> {"5000"}. Other separators split runs: "25,1" and "25.1" both give
// {"1", "25"}, "3,14" -> {"14", "3"}, "2019, 100" -> {"100", "2019"}; "２０２０年" -> {"2020"}; "٢٠٢٠" -> {"2020"}.
// Superscripts and fractions (No) are not digits.
void extract_numbers(std::string_view text, std::vector<std::string>& out);

// URLs and e-mail addresses, as written except that the scheme and host are lowercased (ASCII only).
// `out` is cleared, then holds them sorted as strings, duplicates kept.
//   URL: starts with "http://", "https://", "ftp://" or "www." (any case) not preceded by an ASCII
//   letter, digit or one of . _ - / @; extends over ASCII other than controls, space and < > " { } | \ ^ `,
//   and over non-ASCII L* M* N* code points (IRIs), except no-space letters (Chinese, Japanese, Thai
//   text written right after a URL) before the path; then trailing . , ; : ! ? ' are stripped, and
//   ) or ] when unbalanced within the URL ("(see https://x.org/Foo_(bar))" -> "https://x.org/Foo_(bar)").
//   The host (up to the first / ? #) must not be empty. Bare domains ("example.com") are not URLs.
//   E-mail (outside URLs): local part of ASCII letters, digits and . _ % + - (leading dots dropped),
//   "@", a domain of ASCII letters, digits, . and - (trailing . and - dropped) with at least two
//   non-empty labels, the last one at least two letters; the domain is lowercased, the local part kept.
void extract_urls(std::string_view text, std::vector<std::string>& out);

// Sentence-final punctuation. Trailing White_Space, Cf, variation selectors, closing brackets and
// quotes (Pe, Pi, Pf, ASCII " and ') are skipped first. Then the trailing run of sentence terminators
// decides: it contains a question mark -> kQuestion ("?!" too); else an exclamation mark ->
// kExclamation; else kStop. Terminators:
//   stop:        . … ։ ۔ ܁ ܂ । ॥ ။ ። ᙮ ។ ᠃ 。 ﹒ ． ｡   ("…" and "..." are both kStop)
//   question:    ? ; (U+037E Greek) ՞ ؟ ፧ ᥅ ‽ ⁇ ⁈ ⁉ ⸮ ﹖ ？
//   exclamation: ! ՜ ߹ ᥄ ‼ ﹗ ！
// Without a terminator: another P* (: ; , - – ¿ ...) -> kOther; a letter, digit, symbol, or nothing
// left -> kNone. Greek written with ASCII ';' as its question mark gives kOther: a rule comparing
// Greek with another language must allow for that.
enum class Terminal { kNone, kStop, kQuestion, kExclamation, kOther };
Terminal terminal_punctuation(std::string_view text);

// Longest run of the same word repeated consecutively. Words are those of count_words, with P*
// stripped from both ends, compared after simple case folding per code point (utf8proc
// tolower(toupper(c)), so "ς" = "σ" = "Σ"; "ß" != "ss"). "the the the cat" -> 3; "a b a b" -> 1;
// "Very, very, VERY" -> 3; "哈哈哈" -> 3 (each Han letter is a word); no words -> 0.
size_t longest_word_run(std::string_view text);

// Similarity for near-identical detection, in [0, 1]: 1 - d / max(|A|, |B|), where A and B are the
// L*, M* and N* code points of each text (punctuation, spaces, symbols, format and controls dropped),
// case folded as in longest_word_run, Nd digits mapped to ASCII, and d is their Levenshtein distance
// (unit cost insert, delete, substitute) in code points. Both empty -> 1; one empty -> 0.
// The caller only cares whether the result is >= min_interest: when it is, the exact value is
// returned; when it is not, some value < min_interest (0) is. The band of the dynamic program is
// the largest d that could still reach min_interest, so the cost is O(n * (1 - min_interest) * n);
// min_interest <= 0 gives the exact value always, at O(n * m).
double similarity(std::string_view a, std::string_view b, double min_interest);

}  // namespace bitmill::filter
