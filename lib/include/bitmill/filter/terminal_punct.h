// How a sentence ends, for the bitext `terminal-punct` and `length-ratio` rules.
//
// Input: valid UTF-8 (LineReader has checked or repaired the line); on anything else the functions
// stay memory safe and read each bad byte as U+FFFD, but their results are otherwise unspecified.
// Unicode data: the shared character table (bitmill/text/char_class.h: utf8proc 2.8 and ICU 72,
// Unicode 15.0). Nothing is normalised: pass NFC text if precomposed and decomposed forms must agree.
// Cost: reads the text backwards from its end only as far as the final punctuation.
//
// Thread safety: pure functions, safe to call from any number of threads.
#pragma once

#include <string_view>

namespace bitmill::filter {

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

}  // namespace bitmill::filter
