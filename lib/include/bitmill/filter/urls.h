// The URLs and e-mail addresses a text contains, for the bitext `urls` rule.
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

#include <string>
#include <string_view>
#include <vector>

namespace bitmill::filter {

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

}  // namespace bitmill::filter
