#include "filter/web_c4_text.h"

#include <cstring>  // memmem (a GNU extension, declared with _GNU_SOURCE, which g++ defines)

#include "filter/web_text.h"

namespace bitmill::filter::web {
namespace {

// ASCII lowercase, branch-free so that copying a line vectorises. datatrove searches
// line.lower(); the phrases are ASCII, and str.lower() maps no other character to ASCII except
// U+0130 and U+212A (ignored here).
inline char lower_ascii(char c) { return static_cast<char>(c + (static_cast<unsigned char>(c - 'A') < 26 ? 32 : 0)); }

inline bool has(std::string_view hay, std::string_view needle) {
  // glibc's memmem skips ahead on a table of byte pairs: far faster than string_view::find,
  // which stops at every occurrence of the needle's first byte.
  return memmem(hay.data(), hay.size(), needle.data(), needle.size()) != nullptr;
}

bool is_digit_at(std::string_view s, size_t i, size_t* len) {
  const Cp c = decode_at(s.data() + i, s.data() + s.size());
  *len = c.len;
  return (classify(c.cp) & kIsDigit) != 0;
}

// Length of the match of r"\[\d*]|\[edit]|\[citation needed]" at s[i] == '[', 0 when none.
size_t match_citation(std::string_view s, size_t i) {
  size_t j = i + 1;
  size_t len = 0;
  while (j < s.size() && is_digit_at(s, j, &len)) j += len;
  if (j < s.size() && s[j] == ']') return j + 1 - i;
  const std::string_view rest = s.substr(i);
  if (rest.starts_with("[edit]")) return 6;
  if (rest.starts_with("[citation needed]")) return 17;
  return 0;
}

bool is_abbreviation(std::string_view word) {
  static constexpr std::string_view kAbbrev[] = {"mr", "mrs", "ms",  "dr",  "prof", "sr", "jr", "st",    "vs",
                                                 "mt", "no",  "fig", "e.g", "i.e",  "cf", "al", "approx"};
  if (word.size() > 6) return false;
  char low[8];
  for (size_t i = 0; i < word.size(); ++i)
    low[i] = word[i] >= 'A' && word[i] <= 'Z' ? static_cast<char>(word[i] + 32) : word[i];
  const std::string_view w(low, word.size());
  for (const auto a : kAbbrev) {
    if (w == a) return true;
  }
  return false;
}

// Byte length of a sentence-ending character (. ! ? …) at s[j], 0 when there is none.
inline size_t terminal_at(std::string_view s, size_t j) {
  const char c = s[j];
  if (c == '.' || c == '!' || c == '?') return 1;
  if (c == '\xE2' && j + 2 < s.size() && s[j + 1] == '\x80' && s[j + 2] == '\xA6') return 3;
  return 0;
}

// Byte length of a closing quote or bracket (" ' ) ] ’ ” ») at s[j], 0 when there is none.
inline size_t closing_at(std::string_view s, size_t j) {
  const char c = s[j];
  if (c == '"' || c == '\'' || c == ')' || c == ']') return 1;
  if (c == '\xC2' && j + 1 < s.size() && s[j + 1] == '\xBB') return 2;
  if (c == '\xE2' && j + 2 < s.size() && s[j + 1] == '\x80' && (s[j + 2] == '\x99' || s[j + 2] == '\x9D')) return 3;
  return 0;
}

}  // namespace

// C4's phrases in a line, searched in its lowercase copy `low` (made in `buf`).
Keywords scan_keywords(std::string_view line, std::string& buf) {
  buf.resize(line.size());
  for (size_t i = 0; i < line.size(); ++i) buf[i] = lower_ascii(line[i]);
  const std::string_view low = buf;
  Keywords k;
  k.lorem = has(low, "lorem ipsum");
  k.javascript = has(low, "javascript");
  k.policy = has(low, "terms of use") || has(low, "privacy policy");
  if (!k.policy && has(low, "cookie")) {
    k.policy =
        has(low, "cookie policy") || has(low, "uses cookies") || has(low, "use of cookies") || has(low, "use cookies");
  }
  return k;
}

// re.sub(citation regex, "", line): the result is `line` or a view of `buf`.
std::string_view remove_citations(std::string_view line, std::string& buf) {
  size_t i = line.find('[');
  if (i == std::string_view::npos) return line;
  buf.clear();
  size_t copied = 0;
  bool any = false;
  for (; i != std::string_view::npos; i = line.find('[', i)) {
    const size_t m = match_citation(line, i);
    if (m == 0) {
      ++i;
      continue;
    }
    buf.append(line.substr(copied, i - copied));
    i += m;
    copied = i;
    any = true;
  }
  if (!any) return line;
  buf.append(line.substr(copied));
  return buf;
}

// Sentences in a stripped line (approximates nltk's sent_tokenize; see web_c4_text.h).
size_t count_sentences(std::string_view line) {
  if (line.empty()) return 0;
  size_t n = 1;
  const char* const end = line.data() + line.size();
  const size_t len = line.size();
  size_t i = 0;
  while (i < len) {
    if (terminal_at(line, i) == 0) {
      ++i;
      continue;
    }
    const size_t run = i;
    size_t run_len = 0;
    bool only_period = true;
    for (size_t t; i < len && (t = terminal_at(line, i)) != 0; i += t) {
      only_period = only_period && line[i] == '.';
      ++run_len;
    }
    // Closing quotes and brackets stay with the sentence they end.
    for (size_t t; i < len && (t = closing_at(line, i)) != 0;) i += t;
    if (i >= len) break;
    Cp c = decode_at(line.data() + i, end);
    if (!(classify(c.cp) & kIsSpace)) continue;  // "3.14", "e.g.x": not a boundary
    while (i < len) {
      c = decode_at(line.data() + i, end);
      if (!(classify(c.cp) & kIsSpace)) break;
      i += c.len;
    }
    if (i >= len) break;
    if (classify(c.cp) & kIsLower) continue;
    if (only_period && run_len == 1) {
      // A period after an initial ("J. Smith") or an abbreviation ("Dr. Smith") ends no sentence.
      // The word is at most 6 bytes, so looking 8 back (to ASCII white space) is enough.
      size_t w = run;
      while (w > 0 && run - w < 8) {
        const auto prev = static_cast<unsigned char>(line[w - 1]);
        if (prev < 0x80 && (kPyAscii[prev] & kIsSpace)) break;
        --w;
      }
      const std::string_view word = line.substr(w, run - w);
      if (utf8_length(word) == 1 && (classify(decode_at(word.data(), end).cp) & kIsAlpha)) continue;
      if (is_abbreviation(word)) continue;
    }
    ++n;
  }
  return n;
}

}  // namespace bitmill::filter::web
