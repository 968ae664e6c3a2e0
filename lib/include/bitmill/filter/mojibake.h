// Mojibake (double-encoded UTF-8) in a text, for the bitext `mojibake` rule.
//
// Input: valid UTF-8 (LineReader has checked or repaired the line); on anything else the functions
// stay memory safe and read each bad byte as U+FFFD, but their results are otherwise unspecified.
// Unicode data: the shared character table (bitmill/text/char_class.h: utf8proc 2.8 and ICU 72,
// Unicode 15.0). Nothing is normalised: pass NFC text if precomposed and decomposed forms must agree.
// Cost: one pass over the text (memchr for the candidates), no heap allocation.
//
// Thread safety: pure functions, safe to call from any number of threads.
#pragma once

#include <cstddef>
#include <string_view>

namespace bitmill::filter {

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

}  // namespace bitmill::filter
