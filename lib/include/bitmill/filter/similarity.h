// Near-identity of two texts, for the bitext `identical` rule.
//
// Input: valid UTF-8 (LineReader has checked or repaired the line); on anything else the functions
// stay memory safe and read each bad byte as U+FFFD, but their results are otherwise unspecified.
// Unicode data: the shared character table (bitmill/text/char_class.h: utf8proc 2.8 and ICU 72,
// Unicode 15.0). Nothing is normalised: pass NFC text if precomposed and decomposed forms must agree.
// Cost: O(n * band) (see below); keeps a thread-local scratch buffer.
//
// Thread safety: pure functions, safe to call from any number of threads.
#pragma once

#include <string_view>

namespace bitmill::filter {

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
