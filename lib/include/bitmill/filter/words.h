// Words of a text for the bitext rules: how many there are, and the longest run of one word.
//
// Input: valid UTF-8 (LineReader has checked or repaired the line); on anything else the functions
// stay memory safe and read each bad byte as U+FFFD, but their results are otherwise unspecified.
// Unicode data: the shared character table (bitmill/text/char_class.h: utf8proc 2.8 and ICU 72,
// Unicode 15.0). Nothing is normalised: pass NFC text if precomposed and decomposed forms must agree.
// Cost: one pass over the text, no heap allocation.
//
// Thread safety: pure functions, safe to call from any number of threads.
#pragma once

#include <cstddef>
#include <string_view>

namespace bitmill::filter {

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

// Longest run of the same word repeated consecutively. Words are those of count_words, with P*
// stripped from both ends, compared after simple case folding per code point (utf8proc
// tolower(toupper(c)), so "ς" = "σ" = "Σ"; "ß" != "ss"). "the the the cat" -> 3; "a b a b" -> 1;
// "Very, very, VERY" -> 3; "哈哈哈" -> 3 (each Han letter is a word); no words -> 0.
size_t longest_word_run(std::string_view text);

}  // namespace bitmill::filter
