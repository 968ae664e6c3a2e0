// C4's line-level text tests (private to lib/src/filter), for the C4 family (web_c4.cc): the
// phrases it looks for, citation removal, the terminal punctuation of a line, and sentences.
//
// Sentences (c4-min-sentences): instead of nltk's Punkt, a line is split after a run of . ! ? …
// (plus closing quotes and brackets) followed by white space and a character that is not a
// lowercase letter, except after a single letter ("J. Smith") or a common abbreviation (Mr., Dr.,
// e.g., ...). A non-empty line has at least one sentence.
//
// Thread safety: pure functions (the buffers are the caller's).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace bitmill::filter::web {

struct Keywords {
  bool lorem = false;       // "lorem ipsum"
  bool javascript = false;  // "javascript"
  bool policy = false;      // one of datatrove's POLICY_SUBSTRINGS
};

// C4's phrases in a line, searched in its lowercase copy (made in `buf`). datatrove searches
// line.lower(); the phrases are ASCII, and str.lower() maps no other character to ASCII except
// U+0130 and U+212A (ignored here).
Keywords scan_keywords(std::string_view line, std::string& buf);

// re.sub(r"\[\d*]|\[edit]|\[citation needed]", "", line): the result is `line` itself when nothing
// matched, else a view of `buf`.
std::string_view remove_citations(std::string_view line, std::string& buf);

// The line ends in . ? ! " ' but not in "...".
inline bool c4_terminal(std::string_view line) {
  if (line.empty()) return false;
  const char c = line.back();
  return (c == '.' || c == '?' || c == '!' || c == '"' || c == '\'') && !line.ends_with("...");
}

// Sentences in a stripped line (see above).
size_t count_sentences(std::string_view line);

}  // namespace bitmill::filter::web
