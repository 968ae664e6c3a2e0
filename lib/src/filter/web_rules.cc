#include "bitmill/filter/web_rules.h"

#include <unicode/uchar.h>
#include <utf8proc.h>
#include <xxhash.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <array>
#include <cstring>  // memmem (a GNU extension, declared with _GNU_SOURCE, which g++ defines)

#include <fmt/format.h>

#include "bitmill/text/utf8.h"

// Sources of the definitions (datatrove, src/datatrove/pipeline/filters/, as of 2024, written
// down from its code; the thresholds are those of the papers):
//  - GopherRepetitionFilter (gopher_repetition_filter.py; Rae et al. 2021, "Scaling Language Models:
//    Methods, Analysis & Insights from Training Gopher", table A1). Paragraphs = re.split(r"\n{2,}",
//    text.strip()), lines = re.split("\n+", text) (empty first/last elements included); a duplicate is
//    an element equal to an earlier one, its characters are len(element). Top n-gram: the most common
//    " ".join(n words) (first seen wins a tie, as Counter.most_common), scored len(n-gram) * count,
//    even when the count is 1. Duplicated n-grams: a left-to-right scan; an n-gram already seen adds
//    its characters ("".join) and the scan jumps n words ahead, so overlapping repeats are not
//    counted twice; otherwise it is remembered and the scan moves one word. Every fraction is over
//    len(text), the whole document in characters; a fraction above the threshold rejects.
//  - GopherQualityFilter (gopher_quality_filter.py; Gopher appendix A): non-symbol words (tokens
//    with a character outside the punctuation set) between 50 and 100000, their mean length in
//    3..10; text.count("#") / tokens and (text.count("...") + text.count("…")) / tokens each at most
//    0.1 (tokens counts punctuation tokens too); of text.splitlines(), at most 90% start (after
//    lstrip) with a bullet ("•" or "-" in datatrove; the `chars` parameter) and at most 30% end
//    (after rstrip) with "..." or "…"; at least 80% of tokens contain a letter (str.isalpha); at
//    least 2 tokens equal (case-sensitively) to one of the, be, to, of, and, that, have, with.
//  - C4QualityFilter (c4_filters.py; Raffel et al. 2020, "Exploring the Limits of Transfer
//    Learning", section 2.2, and TensorFlow Datasets' c4_utils.py), with datatrove's defaults:
//    for each line of text.splitlines(), stripped: drop it when a word (str.split) is longer than
//    1000 characters; remove citations r"\[\d*]|\[edit]|\[citation needed]"; drop it when it does
//    not end in . ? ! " ' or ends in "..."; drop it when it has fewer than 3 words (counted before
//    citation removal); reject the document when the lowercased line contains "lorem ipsum"; drop
//    it when it contains "javascript"; reject the document when it contains "{"; drop it when it
//    contains a policy phrase; count its sentences (nltk's sent_tokenize). Fewer than 5 sentences
//    (min_num_sentences=5) rejects; the new text is "\n".join(kept lines).strip(). So "lorem ipsum"
//    and "{" only count in lines that passed the filters before them, as in datatrove.
//    Note: FineWeb itself ran C4QualityFilter with filter_no_terminal_punct=False
//    (c4-lines.terminal-punct=false here); datatrove's default, kept here, is True.
//  - FineWebQualityFilter (fineweb_quality_filter.py; Penedo et al. 2024, "The FineWeb Datasets",
//    section 3.3): lines = text.split("\n") without white-space-only lines; an empty document is
//    rejected; at least 12% of lines end with a stop character (no rstrip; line_punct_exclude_zero
//    false); at most 67% of lines are at most 30 characters long; the characters of lines equal to
//    an earlier line over len(text without "\n") at most 0.01; text.count("\n") / words at most 0.3.
//
// Where this differs from datatrove:
//  - Words: see web_rules.h (white space + split-off punctuation instead of nltk/spaCy). Duplicated
//    n-grams compare word sequences (datatrove compares "".join(words), so "ab c" equals "a bc").
//  - Sentences (c4-min-sentences): instead of nltk's Punkt, a line is split after a run of . ! ? …
//    (plus closing quotes and brackets) followed by white space and a character that is not a
//    lowercase letter, except after a single letter ("J. Smith") or a common abbreviation (Mr., Dr.,
//    e.g., ...). A non-empty line has at least one sentence.
//  - The C4 document rules also run when c4-lines is off: then every line is looked at.
//  - Empty denominators (no tokens, no lines, no characters) pass the ratio rules instead of raising
//    ZeroDivisionError; fineweb's "empty" rejection is charged to the first enabled fineweb rule.
//  - fineweb-line-punct's stop characters: FineWeb's were . ' " ! ? (the default here); later
//    datatrove versions use a set of terminal punctuation of many scripts, approximated here by
//    `unicode-terminals` (Unicode's Sentence_Terminal property).
//  - Invalid UTF-8 bytes count as one character each (U+FFFD, a symbol).
//  - datatrove disables a check whose threshold is 0 or None; here rules are switched off by name,
//    and only gopher-words.max, gopher-mean-word-length.max, c4-lines.min-words and
//    c4-lines.max-word-length take 0 for "no limit".

namespace bitmill::filter {

namespace {

enum Rule : int {
  kLangId,
  kDupParagraphs,
  kDupParagraphChars,
  kDupLines,
  kDupLineChars,
  kTop2,
  kTop3,
  kTop4,
  kDup5,
  kDup6,
  kDup7,
  kDup8,
  kDup9,
  kDup10,
  kWords,
  kMeanWordLength,
  kSymbols,
  kBullets,
  kEllipsis,
  kAlpha,
  kStopWords,
  kC4Lines,
  kC4LoremIpsum,
  kC4CurlyBracket,
  kC4MinSentences,
  kLinePunct,
  kShortLines,
  kCharDup,
  kNewlines,
  kNumRules
};

// The names of the rules in enum order; create() checks the spec table against it.
constexpr std::array<std::string_view, kNumRules> kRuleNames = {
    "lang-id",
    "gopher-dup-paragraphs",
    "gopher-dup-paragraph-chars",
    "gopher-dup-lines",
    "gopher-dup-line-chars",
    "gopher-top-2grams",
    "gopher-top-3grams",
    "gopher-top-4grams",
    "gopher-dup-5grams",
    "gopher-dup-6grams",
    "gopher-dup-7grams",
    "gopher-dup-8grams",
    "gopher-dup-9grams",
    "gopher-dup-10grams",
    "gopher-words",
    "gopher-mean-word-length",
    "gopher-symbols",
    "gopher-bullets",
    "gopher-ellipsis",
    "gopher-alpha",
    "gopher-stop-words",
    "c4-lines",
    "c4-lorem-ipsum",
    "c4-curly-bracket",
    "c4-min-sentences",
    "fineweb-line-punct",
    "fineweb-short-lines",
    "fineweb-char-dup",
    "fineweb-newlines",
};

static_assert(kNumRules <= 64, "check() returns a 64-bit mask");

constexpr uint64_t bit(int r) { return uint64_t{1} << r; }

// ---------------------------------------------------------------------------------------------
// Characters

constexpr uint8_t kIsSpace = 1, kIsPunct = 2, kIsAlpha = 4, kIsLower = 8, kIsDigit = 16;

// ASCII classes. Space = Python's str.isspace (\t \n \v \f \r, \x1c-\x1f, ' '); punctuation =
// Unicode P* and S*, plus the other C0 controls and DEL (category Cc), as datatrove's
// PUNCTUATION_SET includes the control characters.
constexpr std::array<uint8_t, 128> make_ascii_classes() {
  std::array<uint8_t, 128> t{};
  for (int c = 0; c < 128; ++c) {
    uint8_t k = 0;
    if ((c >= 9 && c <= 13) || (c >= 0x1c && c <= 0x20)) {
      k = kIsSpace;
    } else if (c < 0x20 || c == 0x7f) {
      k = kIsPunct;
    } else if (c >= 'a' && c <= 'z') {
      k = kIsAlpha | kIsLower;
    } else if (c >= 'A' && c <= 'Z') {
      k = kIsAlpha;
    } else if (c >= '0' && c <= '9') {
      k = kIsDigit;
    } else {
      k = kIsPunct;  // every other printable ASCII character is P* or S*
    }
    t[static_cast<size_t>(c)] = k;
  }
  return t;
}
constexpr std::array<uint8_t, 128> kAscii = make_ascii_classes();

uint8_t classify_slow(char32_t cp) {
  // Python's str.isspace beyond ASCII: bidi classes WS, B, S and category Zs.
  if (cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
      cp == 0x202F || cp == 0x205F || cp == 0x3000) {
    return kIsSpace;
  }
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(cp))) {
    case UTF8PROC_CATEGORY_LL: return kIsAlpha | kIsLower;
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO: return kIsAlpha;
    case UTF8PROC_CATEGORY_ND: return kIsDigit;
    case UTF8PROC_CATEGORY_PC:
    case UTF8PROC_CATEGORY_PD:
    case UTF8PROC_CATEGORY_PS:
    case UTF8PROC_CATEGORY_PE:
    case UTF8PROC_CATEGORY_PI:
    case UTF8PROC_CATEGORY_PF:
    case UTF8PROC_CATEGORY_PO:
    case UTF8PROC_CATEGORY_SM:
    case UTF8PROC_CATEGORY_SC:
    case UTF8PROC_CATEGORY_SK:
    case UTF8PROC_CATEGORY_SO:
    case UTF8PROC_CATEGORY_CC: return kIsPunct;
    default: return 0;
  }
}

inline uint8_t classify(char32_t cp) { return cp < 128 ? kAscii[cp] : classify_slow(cp); }

struct Cp {
  char32_t cp;
  uint32_t len;
};

// Decodes the character at p (< end). An ill-formed byte decodes as U+FFFD of length 1 (overlong
// and surrogate forms are not rejected: only classes and lengths matter here).
inline Cp decode_at(const char* p, const char* end) {
  const auto c = static_cast<unsigned char>(*p);
  if (c < 0x80) return {c, 1};
  uint32_t n = 0;
  char32_t cp = 0;
  if (c >= 0xC2 && c < 0xE0) {
    n = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c < 0xF0) {
    n = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c < 0xF5) {
    n = 4;
    cp = c & 0x07;
  } else {
    return {0xFFFD, 1};
  }
  if (end - p < static_cast<std::ptrdiff_t>(n)) return {0xFFFD, 1};
  for (uint32_t i = 1; i < n; ++i) {
    const auto b = static_cast<unsigned char>(p[i]);
    if ((b & 0xC0) != 0x80) return {0xFFFD, 1};
    cp = (cp << 6) | (b & 0x3F);
  }
  return {cp, n};
}

// Start of the last character of s (non-empty).
inline size_t last_char_start(std::string_view s) {
  size_t st = s.size() - 1;
  while (st > 0 && s.size() - st < 4 && (static_cast<unsigned char>(s[st]) & 0xC0) == 0x80) --st;
  const Cp c = decode_at(s.data() + st, s.data() + s.size());
  return c.len == s.size() - st ? st : s.size() - 1;
}

inline char32_t last_cp(std::string_view s) {
  const size_t st = last_char_start(s);
  return decode_at(s.data() + st, s.data() + s.size()).cp;
}

// Python's len(): code points (each non-continuation byte starts one).
size_t cp_count(std::string_view s) {
  size_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::string_view lstrip(std::string_view s) {
  const char* p = s.data();
  const char* end = p + s.size();
  while (p < end) {
    const Cp c = decode_at(p, end);
    if (!(classify(c.cp) & kIsSpace)) break;
    p += c.len;
  }
  return {p, static_cast<size_t>(end - p)};
}

std::string_view rstrip(std::string_view s) {
  while (!s.empty()) {
    const size_t st = last_char_start(s);
    if (!(classify(decode_at(s.data() + st, s.data() + s.size()).cp) & kIsSpace)) break;
    s = s.substr(0, st);
  }
  return s;
}

// Python's str.strip() with no argument.
std::string_view py_strip(std::string_view s) { return rstrip(lstrip(s)); }

bool is_blank(std::string_view s) { return lstrip(s).empty(); }

// The first i' >= i where s[i'] may start a line break of str.splitlines(): a byte below 0x20,
// or 0xC2 / 0xE2 (the lead bytes of U+0085, U+2028, U+2029); s.size() when there is none.
inline size_t skip_to_break_candidate(std::string_view s, size_t i) {
  const size_t n = s.size();
#if defined(__SSE2__)
  const __m128i low = _mm_set1_epi8(0x1F);
  const __m128i c2 = _mm_set1_epi8(static_cast<char>(0xC2));
  const __m128i e2 = _mm_set1_epi8(static_cast<char>(0xE2));
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    // v <= 0x1F (unsigned) <=> min(v, 0x1F) == v.
    const __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(v, low), v),
                                     _mm_or_si128(_mm_cmpeq_epi8(v, c2), _mm_cmpeq_epi8(v, e2)));
    const int m = _mm_movemask_epi8(hit);
    if (m != 0) return i + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(m)));
  }
#endif
  for (; i < n; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0xC2 || c == 0xE2) return i;
  }
  return n;
}

// Calls f(line) for each line of Python's str.splitlines(): breaks are \n, \r\n, \r, \v, \f,
// \x1c-\x1e, U+0085, U+2028, U+2029; a break at the very end does not start an empty line.
template <typename F>
void for_each_pyline(std::string_view s, F&& f) {
  const size_t n = s.size();
  size_t start = 0;
  size_t i = 0;
  while (i < n) {
    i = skip_to_break_candidate(s, i);
    if (i >= n) break;
    const auto c = static_cast<unsigned char>(s[i]);
    size_t brk = 0;
    if (c < 0x20) {
      if (c == '\n' || c == 0x0B || c == 0x0C || (c >= 0x1C && c <= 0x1E)) {
        brk = 1;
      } else if (c == '\r') {
        brk = i + 1 < n && s[i + 1] == '\n' ? 2 : 1;
      }
    } else if (c == 0xC2) {
      if (i + 1 < n && static_cast<unsigned char>(s[i + 1]) == 0x85) brk = 2;
    } else if (c == 0xE2) {
      if (i + 2 < n && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
          (static_cast<unsigned char>(s[i + 2]) == 0xA8 || static_cast<unsigned char>(s[i + 2]) == 0xA9)) {
        brk = 3;
      }
    }
    if (brk != 0) {
      f(s.substr(start, i - start));
      i += brk;
      start = i;
    } else {
      ++i;
    }
  }
  if (start < n) f(s.substr(start));
}

// Tokens (see web_rules.h): emit(begin, end, code points, symbol, alpha) for each token, where
// `symbol` = only punctuation characters, `alpha` = a letter among them.
template <typename F>
void for_each_token(std::string_view s, F&& emit) {
  const char* p = s.data();
  const char* const end = p + s.size();
  // Emits the runs of identical characters in [q, e), all punctuation.
  auto emit_runs = [&](const char* q, const char* e) {
    while (q < e) {
      const char* rb = q;
      Cp c = decode_at(q, e);
      const char32_t rc = c.cp;
      size_t n = 0;
      do {
        q += c.len;
        ++n;
        if (q >= e) break;
        c = decode_at(q, e);
      } while (c.cp == rc);
      emit(rb, q, n, true, false);
    }
  };
  while (p < end) {
    Cp c = decode_at(p, end);
    uint8_t cls = classify(c.cp);
    if (cls & kIsSpace) {
      p += c.len;
      continue;
    }
    // A chunk (run of non-space characters) starts at p: leading punctuation, core, trailing.
    const char* const chunk = p;
    while (cls & kIsPunct) {
      p += c.len;
      if (p >= end) break;
      c = decode_at(p, end);
      cls = classify(c.cp);
      if (cls & kIsSpace) break;
    }
    const bool at_core = p < end && !(cls & (kIsSpace | kIsPunct));
    emit_runs(chunk, p);
    if (!at_core) continue;
    const char* const core = p;
    const char* core_end = p;
    size_t cps = 0;
    size_t core_cps = 0;
    uint8_t seen = 0;
    for (;;) {
      p += c.len;
      ++cps;
      seen |= cls;
      if (!(cls & kIsPunct)) {
        core_end = p;
        core_cps = cps;
      }
      if (p >= end) break;
      c = decode_at(p, end);
      cls = classify(c.cp);
      if (cls & kIsSpace) break;
    }
    emit(core, core_end, core_cps, false, (seen & kIsAlpha) != 0);
    emit_runs(core_end, p);
  }
}

size_t count_tokens(std::string_view s) {
  size_t n = 0;
  for_each_token(s, [&](const char*, const char*, size_t, bool, bool) { ++n; });
  return n;
}

// ASCII lowercase, branch-free so that copying a line vectorises. datatrove searches
// line.lower(); the phrases are ASCII, and str.lower() maps no other character to ASCII except
// U+0130 and U+212A (ignored here).
inline char lower_ascii(char c) { return static_cast<char>(c + (static_cast<unsigned char>(c - 'A') < 26 ? 32 : 0)); }

struct Keywords {
  bool lorem = false;       // "lorem ipsum"
  bool javascript = false;  // "javascript"
  bool policy = false;      // one of datatrove's POLICY_SUBSTRINGS
};

inline bool has(std::string_view hay, std::string_view needle) {
  // glibc's memmem skips ahead on a table of byte pairs: far faster than string_view::find,
  // which stops at every occurrence of the needle's first byte.
  return memmem(hay.data(), hay.size(), needle.data(), needle.size()) != nullptr;
}

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

bool c4_terminal(std::string_view line) {
  if (line.empty()) return false;
  const char c = line.back();
  return (c == '.' || c == '?' || c == '!' || c == '"' || c == '\'') && !line.ends_with("...");
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

// Sentences in a stripped line (approximates nltk's sent_tokenize; see the top of this file).
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
        if (prev < 0x80 && (kAscii[prev] & kIsSpace)) break;
        --w;
      }
      const std::string_view word = line.substr(w, run - w);
      if (cp_count(word) == 1 && (classify(decode_at(word.data(), end).cp) & kIsAlpha)) continue;
      if (is_abbreviation(word)) continue;
    }
    ++n;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// Hash table of 64-bit keys with a count and the index of the first insertion. Cleared in O(1) by
// bumping a generation; sized per use to twice the elements it may receive.

class CountTable {
 public:
  struct Slot {
    uint64_t key;
    uint32_t gen;
    uint32_t count;
    uint64_t first;
  };

  void reset(size_t elements) {
    size_t cap = 16;
    while (cap < 2 * elements) cap <<= 1;
    if (slots_.size() < cap) slots_.resize(cap, Slot{0, 0, 0, 0});
    mask_ = cap - 1;
    if (++gen_ == 0) {
      for (Slot& s : slots_) s.gen = 0;
      gen_ = 1;
    }
  }

  // The slot of `key`, inserted with count 0 when new.
  Slot& find(uint64_t key) {
    size_t i = key & mask_;
    for (;;) {
      Slot& s = slots_[i];
      if (s.gen != gen_) {
        s = Slot{key, gen_, 0, 0};
        return s;
      }
      if (s.key == key) return s;
      i = (i + 1) & mask_;
    }
  }

  uint32_t index_of(const Slot& s) const { return static_cast<uint32_t>(&s - slots_.data()); }
  const Slot& at(uint32_t i) const { return slots_[i]; }

  // True when `key` was not in the table (and now is).
  bool insert(uint64_t key) {
    Slot& s = find(key);
    if (s.count != 0) return false;
    s.count = 1;
    return true;
  }

 private:
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  uint32_t gen_ = 0;
};

struct DupStats {
  size_t elements = 0;
  size_t duplicates = 0;
  size_t dup_chars = 0;
};

// The key of a word n-gram: a polynomial of its tokens' XXH3 hashes, sum h[j] * P^(n - 1 - j)
// mod 2^64 (n multiplications instead of hashing n * 8 bytes). The hashes are uniform, so two
// different n-grams collide with probability about 2^-64, and the low bits, which index the
// table, are uniform too.
inline uint64_t ngram_key(const uint64_t* h, size_t n) {
  constexpr uint64_t kP = 0x9E3779B97F4A7C15ull;  // odd
  uint64_t k = 0;
  for (size_t j = 0; j < n; ++j) k = k * kP + h[j];
  return k;
}

inline uint64_t hash_bytes(std::string_view s) { return XXH3_64bits(s.data(), s.size()); }

bool valid_nonneg(double v) { return v >= 0 && v == v; }

}  // namespace

// ---------------------------------------------------------------------------------------------

const std::vector<RuleSpec>& web_rule_specs() {
  using P = ParamType;
  constexpr FilterMode M = FilterMode::kMono;
  auto max_frac = [](std::string_view def, std::string_view help) {
    return std::vector<ParamSpec>{{"max", P::kDouble, def, help}};
  };
  static const std::vector<RuleSpec> specs = {
      {"lang-id",
       FilterMode::kMono,
       true,
       "language ID: reject documents not in --lang (when given) or below the confidence threshold",
       {{"min-prob", ParamType::kDoubleMap, "0.65",
         "minimum probability of the top language (per language: min-prob.LANG)"}}},
      // Gopher repetition (datatrove GopherRepetitionFilter; Gopher table A1).
      {kRuleNames[kDupParagraphs], M, true, "too many paragraphs (split on blank lines) repeat an earlier paragraph",
       max_frac("0.3", "largest allowed share of paragraphs equal to an earlier one")},
      {kRuleNames[kDupParagraphChars], M, true, "too many characters are in paragraphs that repeat an earlier one",
       max_frac("0.2", "largest allowed share of the document's characters in repeated paragraphs")},
      {kRuleNames[kDupLines], M, true, "too many lines repeat an earlier line",
       max_frac("0.3", "largest allowed share of lines equal to an earlier one")},
      {kRuleNames[kDupLineChars], M, true, "too many characters are in lines that repeat an earlier one",
       max_frac("0.2", "largest allowed share of the document's characters in repeated lines")},
      {kRuleNames[kTop2], M, true, "the most frequent word 2-gram covers too much of the document",
       max_frac("0.2", "largest allowed (length x count of the top 2-gram) / document characters")},
      {kRuleNames[kTop3], M, true, "the most frequent word 3-gram covers too much of the document",
       max_frac("0.18", "largest allowed (length x count of the top 3-gram) / document characters")},
      {kRuleNames[kTop4], M, true, "the most frequent word 4-gram covers too much of the document",
       max_frac("0.16", "largest allowed (length x count of the top 4-gram) / document characters")},
      {kRuleNames[kDup5], M, true, "too many characters are in repeated word 5-grams",
       max_frac("0.15", "largest allowed share of characters in 5-grams seen before")},
      {kRuleNames[kDup6], M, true, "too many characters are in repeated word 6-grams",
       max_frac("0.14", "largest allowed share of characters in 6-grams seen before")},
      {kRuleNames[kDup7], M, true, "too many characters are in repeated word 7-grams",
       max_frac("0.13", "largest allowed share of characters in 7-grams seen before")},
      {kRuleNames[kDup8], M, true, "too many characters are in repeated word 8-grams",
       max_frac("0.12", "largest allowed share of characters in 8-grams seen before")},
      {kRuleNames[kDup9], M, true, "too many characters are in repeated word 9-grams",
       max_frac("0.11", "largest allowed share of characters in 9-grams seen before")},
      {kRuleNames[kDup10], M, true, "too many characters are in repeated word 10-grams",
       max_frac("0.1", "largest allowed share of characters in 10-grams seen before")},
      // Gopher quality (datatrove GopherQualityFilter; Gopher appendix A).
      {kRuleNames[kWords],
       M,
       true,
       "too few or too many words (punctuation-only tokens not counted)",
       {{"min", P::kInt, "50", "fewest words"}, {"max", P::kInt, "100000", "most words (0: no limit)"}}},
      {kRuleNames[kMeanWordLength],
       M,
       true,
       "mean word length (characters, punctuation-only tokens not counted) out of range",
       {{"min", P::kDouble, "3", "shortest allowed mean"},
        {"max", P::kDouble, "10", "longest allowed mean (0: no limit)"}}},
      {kRuleNames[kSymbols], M, true, "too many '#', or too many ellipses ('...', '\xE2\x80\xA6'), per token",
       max_frac("0.1", "largest allowed count per token, for '#' and for ellipses separately")},
      {kRuleNames[kBullets],
       M,
       true,
       "too many lines start with a bullet",
       {{"max", P::kDouble, "0.9", "largest allowed share of lines starting with a bullet"},
        {"chars", P::kString, "\xE2\x80\xA2-",
         "characters that make a bullet at a line's start, after white space (datatrove: \xE2\x80\xA2 and -)"}}},
      {kRuleNames[kEllipsis], M, true, "too many lines end with an ellipsis ('...' or '\xE2\x80\xA6')",
       max_frac("0.3", "largest allowed share of lines ending with an ellipsis")},
      {kRuleNames[kAlpha],
       M,
       true,
       "too few tokens contain a letter",
       {{"min", P::kDouble, "0.8", "least share of tokens (punctuation tokens included) with a letter"}}},
      {kRuleNames[kStopWords],
       M,
       true,
       "too few English stop words (only runs on documents identified as English)",
       {{"min", P::kInt, "2", "fewest occurrences of stop words"},
        {"words", P::kString, "the,be,to,of,and,that,have,with", "comma-separated stop words, case-sensitive"}}},
      // C4 (datatrove C4QualityFilter; Raffel et al. 2020).
      {kRuleNames[kC4Lines],
       M,
       true,
       "C4 line cleanup: drops lines (no end punctuation, few words, javascript, policy notices, a huge word), "
       "removes [1]-style citations, rewrites the text; rejects the document when no line is left",
       {{"terminal-punct", P::kBool, "true", "drop lines not ending in . ? ! \" ' (or ending in ...)"},
        {"min-words", P::kInt, "3", "drop lines with fewer words (0: keep all)"},
        {"max-word-length", P::kInt, "1000", "drop lines with a longer word, in characters (0: no limit)"},
        {"javascript", P::kBool, "true", "drop lines mentioning javascript"},
        {"policy", P::kBool, "true",
         "drop lines with 'terms of use', 'privacy policy', 'cookie policy', 'uses cookies', 'use of cookies', "
         "'use cookies'"},
        {"citations", P::kBool, "true", "remove [1], [edit], [citation needed]"}}},
      {kRuleNames[kC4LoremIpsum], M, true, "a (kept) line contains 'lorem ipsum' (placeholder text)", {}},
      {kRuleNames[kC4CurlyBracket], M, true, "a (kept) line contains a curly bracket '{' (code)", {}},
      {kRuleNames[kC4MinSentences],
       M,
       true,
       "too few sentences in the kept lines",
       {{"min", P::kInt, "5", "fewest sentences (datatrove's min_num_sentences)"}}},
      // FineWeb (datatrove FineWebQualityFilter; Penedo et al. 2024).
      {kRuleNames[kLinePunct],
       M,
       true,
       "too few lines end with terminal punctuation",
       {{"min", P::kDouble, "0.12", "least share of non-blank lines ending with a stop character"},
        {"exclude-zero", P::kBool, "false", "keep documents where no line ends with a stop character"},
        {"stop-chars", P::kString, ".'\"!?", "stop characters"},
        {"unicode-terminals", P::kBool, "true",
         "also count Unicode Sentence_Terminal characters (\xE3\x80\x82 \xD8\x9F \xE0\xA5\xA4 ...)"}}},
      {kRuleNames[kShortLines],
       M,
       true,
       "too many short lines",
       {{"max", P::kDouble, "0.67", "largest allowed share of short non-blank lines"},
        {"length", P::kInt, "30", "a line of at most this many characters is short"}}},
      {kRuleNames[kCharDup], M, true, "too many characters in lines that repeat an earlier line",
       max_frac("0.01", "largest allowed share of characters (newlines excluded) in repeated lines")},
      {kRuleNames[kNewlines], M, true, "too many line breaks per word (lists, menus)",
       max_frac("0.3", "largest allowed number of newlines per token")},
  };
  return specs;
}

int WebFilter::rule_index(std::string_view name) {
  const auto& specs = web_rule_specs();
  for (size_t i = 0; i < specs.size(); ++i) {
    if (specs[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

struct WebScratch::Impl {
  std::vector<uint64_t> hashes;   // token hashes
  std::vector<size_t> prefix;     // prefix[i] = code points of tokens 0..i-1
  std::vector<uint8_t> rep;       // n-gram at i has a prefix that repeats
  std::vector<uint32_t> slot_of;  // table slot of the n-gram at i
  CountTable table;
  std::vector<size_t> tok_start;  // byte offset of each token (to count C4's kept tokens)
  std::string c4_out, cite_buf, lower_buf;
};

WebScratch::WebScratch() : impl_(std::make_unique<Impl>()) {}
WebScratch::~WebScratch() = default;
WebScratch::WebScratch(WebScratch&&) noexcept = default;
WebScratch& WebScratch::operator=(WebScratch&&) noexcept = default;

namespace {

Status bad_value(std::string_view rule, std::string_view param, std::string_view why) {
  return invalid_argument(fmt::format("{}.{}: {}", rule, param, why));
}

Expected<std::u32string> chars_param(const RuleConfig& c, std::string_view rule, std::string_view param) {
  const std::string& s = c.get_string(rule, param);
  if (!is_valid_utf8(s)) return bad_value(rule, param, "not valid UTF-8");
  std::u32string out;
  size_t pos = 0;
  while (pos < s.size()) out.push_back(decode_utf8(s, pos));
  return out;
}

}  // namespace

Expected<WebFilter> WebFilter::create(const RuleConfig& config) {
  if (config.mode() != FilterMode::kMono) return invalid_argument("web rules need a --mono rule configuration");
  const auto& specs = web_rule_specs();
  if (specs.size() != kNumRules) return internal_error("web rule table and rule list differ in size");
  for (size_t i = 0; i < specs.size(); ++i) {
    if (specs[i].name != kRuleNames[i]) return internal_error(fmt::format("web rule {} out of order", specs[i].name));
  }
  Params p;
  for (int r = 1; r < kNumRules; ++r) {
    if (config.enabled(kRuleNames[static_cast<size_t>(r)])) p.enabled |= bit(r);
  }
  // Non-negative doubles.
  auto frac = [&](int rule, std::string_view param, double* out) -> Status {
    const std::string_view name = kRuleNames[static_cast<size_t>(rule)];
    *out = config.get_double(name, param);
    if (!valid_nonneg(*out)) return bad_value(name, param, fmt::format("must not be negative (got {})", *out));
    return Status::ok();
  };
  auto count = [&](int rule, std::string_view param, long long* out) -> Status {
    const std::string_view name = kRuleNames[static_cast<size_t>(rule)];
    *out = config.get_int(name, param);
    if (*out < 0) return bad_value(name, param, fmt::format("must not be negative (got {})", *out));
    return Status::ok();
  };
  BITMILL_RETURN_IF_ERROR(frac(kDupParagraphs, "max", &p.dup_para_frac));
  BITMILL_RETURN_IF_ERROR(frac(kDupParagraphChars, "max", &p.dup_para_char_frac));
  BITMILL_RETURN_IF_ERROR(frac(kDupLines, "max", &p.dup_line_frac));
  BITMILL_RETURN_IF_ERROR(frac(kDupLineChars, "max", &p.dup_line_char_frac));
  for (int k = 0; k < 3; ++k) BITMILL_RETURN_IF_ERROR(frac(kTop2 + k, "max", &p.top_ngram_frac[k]));
  for (int k = 0; k < 6; ++k) BITMILL_RETURN_IF_ERROR(frac(kDup5 + k, "max", &p.dup_ngram_frac[k]));
  BITMILL_RETURN_IF_ERROR(count(kWords, "min", &p.min_words));
  BITMILL_RETURN_IF_ERROR(count(kWords, "max", &p.max_words));
  if (p.max_words != 0 && p.max_words < p.min_words) return bad_value(kRuleNames[kWords], "max", "below min");
  BITMILL_RETURN_IF_ERROR(frac(kMeanWordLength, "min", &p.min_mean_word_len));
  BITMILL_RETURN_IF_ERROR(frac(kMeanWordLength, "max", &p.max_mean_word_len));
  if (p.max_mean_word_len != 0 && p.max_mean_word_len < p.min_mean_word_len) {
    return bad_value(kRuleNames[kMeanWordLength], "max", "below min");
  }
  BITMILL_RETURN_IF_ERROR(frac(kSymbols, "max", &p.max_symbol_ratio));
  BITMILL_RETURN_IF_ERROR(frac(kBullets, "max", &p.max_bullet_ratio));
  BITMILL_ASSIGN_OR_RETURN(p.bullets, chars_param(config, kRuleNames[kBullets], "chars"));
  BITMILL_RETURN_IF_ERROR(frac(kEllipsis, "max", &p.max_ellipsis_ratio));
  BITMILL_RETURN_IF_ERROR(frac(kAlpha, "min", &p.min_alpha_ratio));
  BITMILL_RETURN_IF_ERROR(count(kStopWords, "min", &p.min_stop_words));
  {
    const std::string& list = config.get_string(kRuleNames[kStopWords], "words");
    if (!is_valid_utf8(list)) return bad_value(kRuleNames[kStopWords], "words", "not valid UTF-8");
    std::string_view rest = list;
    while (!rest.empty()) {
      const size_t comma = rest.find(',');
      std::string_view w = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      while (!w.empty() && w.front() == ' ') w.remove_prefix(1);
      while (!w.empty() && w.back() == ' ') w.remove_suffix(1);
      if (!w.empty()) p.stop_words.emplace_back(w);
    }
  }
  p.c4_terminal_punct = config.get_bool(kRuleNames[kC4Lines], "terminal-punct");
  BITMILL_RETURN_IF_ERROR(count(kC4Lines, "min-words", &p.c4_min_words));
  BITMILL_RETURN_IF_ERROR(count(kC4Lines, "max-word-length", &p.c4_max_word_length));
  p.c4_javascript = config.get_bool(kRuleNames[kC4Lines], "javascript");
  p.c4_policy = config.get_bool(kRuleNames[kC4Lines], "policy");
  p.c4_citations = config.get_bool(kRuleNames[kC4Lines], "citations");
  BITMILL_RETURN_IF_ERROR(count(kC4MinSentences, "min", &p.c4_min_sentences));
  BITMILL_RETURN_IF_ERROR(frac(kLinePunct, "min", &p.min_line_punct));
  p.line_punct_exclude_zero = config.get_bool(kRuleNames[kLinePunct], "exclude-zero");
  BITMILL_ASSIGN_OR_RETURN(p.stop_chars, chars_param(config, kRuleNames[kLinePunct], "stop-chars"));
  p.unicode_terminals = config.get_bool(kRuleNames[kLinePunct], "unicode-terminals");
  BITMILL_RETURN_IF_ERROR(frac(kShortLines, "max", &p.max_short_lines));
  BITMILL_RETURN_IF_ERROR(count(kShortLines, "length", &p.short_line_length));
  BITMILL_RETURN_IF_ERROR(frac(kCharDup, "max", &p.max_char_dup));
  BITMILL_RETURN_IF_ERROR(frac(kNewlines, "max", &p.max_newline_ratio));
  return WebFilter(std::move(p));
}

uint64_t WebFilter::check(std::string_view text, std::string_view lang, bool first_only, WebScratch& scratch,
                          std::string& cleaned, bool* changed) const {
  WebScratch::Impl& s = *scratch.impl_;
  const Params& p = p_;
  *changed = false;
  uint64_t mask = 0;
  auto on = [&](int r) { return ((p.enabled >> r) & 1) != 0; };
  auto any_on = [&](int first, int last) {
    for (int r = first; r <= last; ++r) {
      if (on(r)) return true;
    }
    return false;
  };
  // Records a failure; true when check() should return now.
  auto fail = [&](int r) {
    mask |= bit(r);
    return first_only;
  };

  // ---- Gopher repetition, on the text as given.
  const size_t total_cp = cp_count(text);
  if (total_cp > 0 && any_on(kDupParagraphs, kDupLineChars)) {
    const auto total = static_cast<double>(total_cp);
    auto dup = [&](std::string_view e, DupStats& st) {
      ++st.elements;
      if (!s.table.insert(hash_bytes(e))) {
        ++st.duplicates;
        st.dup_chars += cp_count(e);
      }
    };
    const size_t newlines = static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
    if (on(kDupParagraphs) || on(kDupParagraphChars)) {
      // re.split(r"\n{2,}", text.strip())
      DupStats st;
      s.table.reset(newlines / 2 + 1);
      const std::string_view t = py_strip(text);
      size_t start = 0;
      size_t i = 0;
      while ((i = t.find('\n', i)) != std::string_view::npos) {
        size_t j = i;
        while (j < t.size() && t[j] == '\n') ++j;
        if (j - i >= 2) {
          dup(t.substr(start, i - start), st);
          start = j;
        }
        i = j;
      }
      dup(t.substr(start), st);
      if (on(kDupParagraphs) &&
          static_cast<double>(st.duplicates) / static_cast<double>(st.elements) > p.dup_para_frac) {
        if (fail(kDupParagraphs)) return mask;
      }
      if (on(kDupParagraphChars) && static_cast<double>(st.dup_chars) / total > p.dup_para_char_frac) {
        if (fail(kDupParagraphChars)) return mask;
      }
    }
    if (on(kDupLines) || on(kDupLineChars)) {
      // re.split("\n+", text)
      DupStats st;
      s.table.reset(newlines + 1);
      size_t start = 0;
      size_t i = 0;
      while ((i = text.find('\n', i)) != std::string_view::npos) {
        dup(text.substr(start, i - start), st);
        while (i < text.size() && text[i] == '\n') ++i;
        start = i;
      }
      dup(text.substr(start), st);
      if (on(kDupLines) && static_cast<double>(st.duplicates) / static_cast<double>(st.elements) > p.dup_line_frac) {
        if (fail(kDupLines)) return mask;
      }
      if (on(kDupLineChars) && static_cast<double>(st.dup_chars) / total > p.dup_line_char_frac) {
        if (fail(kDupLineChars)) return mask;
      }
    }
  }

  // ---- Tokens of the text as given (Gopher n-grams and quality; FineWeb's word count when C4
  // leaves the text alone).
  const bool need_hashes = total_cp > 0 && any_on(kTop2, kDup10);
  const bool need_stop = on(kStopWords) && lang == "en";
  const bool need_tokens = need_hashes || any_on(kWords, kStopWords);
  size_t n_tokens = 0, n_nonsym = 0, nonsym_cps = 0, n_alpha = 0, n_stop = 0;
  // FineWeb counts the words of C4's cleaned text: the kept lines' tokens, found by offset.
  const bool record_starts = need_tokens && on(kC4Lines) && on(kNewlines);
  const bool have_tok_starts = record_starts;
  size_t kept_tokens = 0;
  if (need_tokens) {
    size_t max_stop_len = 0;
    for (const auto& w : p.stop_words) max_stop_len = std::max(max_stop_len, w.size());
    s.hashes.clear();
    s.prefix.clear();
    s.tok_start.clear();
    s.prefix.push_back(0);
    for_each_token(text, [&](const char* b, const char* e, size_t cps, bool symbol, bool alpha) {
      ++n_tokens;
      if (record_starts) s.tok_start.push_back(static_cast<size_t>(b - text.data()));
      if (!symbol) {
        ++n_nonsym;
        nonsym_cps += cps;
      }
      n_alpha += alpha;
      const std::string_view tok(b, static_cast<size_t>(e - b));
      if (need_stop && tok.size() <= max_stop_len) {
        for (const auto& w : p.stop_words) {
          if (tok.size() == w.size() && tok[0] == w[0] && tok == w) {
            ++n_stop;
            break;
          }
        }
      }
      if (need_hashes) {
        s.hashes.push_back(hash_bytes(tok));
        s.prefix.push_back(s.prefix.back() + cps);
      }
    });
  }

  if (need_hashes) {
    const auto total = static_cast<double>(total_cp);
    const size_t T = n_tokens;
    const uint64_t* h = s.hashes.data();
    const size_t* pre = s.prefix.data();
    // Counting every n-gram for n = 2..10 would be most of the work, but an n-gram can only repeat
    // where its (n-1)-gram prefix repeats: each level counts only the positions whose prefix
    // occurs twice or more (rep[i]), which leaves every answer as datatrove's:
    //  - top n-gram: when no n-gram repeats, all counts are 1 and the first n-gram (at 0) is the
    //    top; otherwise the top has a count >= 2 and all its occurrences are counted;
    //  - duplicated n-grams (n >= 5, filtered by 4-gram repeats): an n-gram at any other position
    //    occurs once in the document; datatrove's scan would remember it and never meet it again.
    s.rep.assign(T, 1);
    s.slot_of.resize(T);
    size_t candidates = T;
    for (size_t n = 2; n <= 4 && T >= n; ++n) {
      const size_t starts = T - n + 1;
      s.table.reset(std::min(candidates, starts));
      uint32_t best = 0;
      size_t best_first = 0;
      for (size_t i = 0; i < starts; ++i) {
        if (!s.rep[i]) continue;
        CountTable::Slot& slot = s.table.find(ngram_key(h + i, n));
        if (slot.count++ == 0) slot.first = i;
        if (slot.count > best || (slot.count == best && slot.first < best_first)) {
          best = slot.count;
          best_first = slot.first;
        }
        s.slot_of[i] = s.table.index_of(slot);
      }
      candidates = 0;
      for (size_t i = 0; i < T; ++i) {
        s.rep[i] = i < starts && s.rep[i] && s.table.at(s.slot_of[i]).count >= 2;
        candidates += s.rep[i];
      }
      const int rule = kTop2 + static_cast<int>(n - 2);
      if (on(rule)) {
        if (best < 2) {
          best = 1;
          best_first = 0;
        }
        // " ".join(n-gram): the words' characters plus n - 1 spaces.
        const size_t chars = pre[best_first + n] - pre[best_first] + n - 1;
        if (static_cast<double>(chars * best) / total > p.top_ngram_frac[n - 2]) {
          if (fail(rule)) return mask;
        }
      }
    }
    for (size_t n = 5; n <= 10; ++n) {
      const int rule = kDup5 + static_cast<int>(n - 5);
      if (!on(rule) || T < n) continue;
      s.table.reset(candidates);
      size_t repeated = 0;
      size_t i = 0;
      while (i + n <= T) {
        if (s.rep[i] && !s.table.insert(ngram_key(h + i, n))) {
          repeated += pre[i + n] - pre[i];  // "".join(n-gram)
          i += n;
        } else {
          ++i;
        }
      }
      if (static_cast<double>(repeated) / total > p.dup_ngram_frac[n - 5]) {
        if (fail(rule)) return mask;
      }
    }
  }

  // ---- Gopher quality, on the text as given.
  if (on(kWords)) {
    const auto w = static_cast<long long>(n_nonsym);
    if (w < p.min_words || (p.max_words != 0 && w > p.max_words)) {
      if (fail(kWords)) return mask;
    }
  }
  if (on(kMeanWordLength) && n_nonsym > 0) {
    const double mean = static_cast<double>(nonsym_cps) / static_cast<double>(n_nonsym);
    if (mean < p.min_mean_word_len || (p.max_mean_word_len != 0 && mean > p.max_mean_word_len)) {
      if (fail(kMeanWordLength)) return mask;
    }
  }
  if (on(kSymbols) && n_tokens > 0) {
    const size_t hashes = static_cast<size_t>(std::count(text.begin(), text.end(), '#'));
    // text.count("...") counts non-overlapping matches: floor(run / 3) per run of periods.
    size_t ellipses = 0;
    for (size_t i = text.find('.'); i != std::string_view::npos; i = text.find('.', i)) {
      size_t j = i;
      while (j < text.size() && text[j] == '.') ++j;
      ellipses += (j - i) / 3;
      i = j;
    }
    for (size_t i = text.find("\xE2\x80\xA6"); i != std::string_view::npos; i = text.find("\xE2\x80\xA6", i + 3)) {
      ++ellipses;
    }
    const auto tokens = static_cast<double>(n_tokens);
    if (static_cast<double>(hashes) / tokens > p.max_symbol_ratio ||
        static_cast<double>(ellipses) / tokens > p.max_symbol_ratio) {
      if (fail(kSymbols)) return mask;
    }
  }
  if (on(kBullets) || on(kEllipsis)) {
    size_t lines = 0, bullets = 0, ellipsis = 0;
    for_each_pyline(text, [&](std::string_view line) {
      ++lines;
      const std::string_view l = lstrip(line);
      if (!l.empty() && !p.bullets.empty()) {
        const char32_t c = decode_at(l.data(), l.data() + l.size()).cp;
        bullets += p.bullets.find(c) != std::u32string::npos;
      }
      const std::string_view r = rstrip(line);
      ellipsis += r.ends_with("...") || r.ends_with("\xE2\x80\xA6");
    });
    if (lines > 0) {
      if (on(kBullets) && static_cast<double>(bullets) / static_cast<double>(lines) > p.max_bullet_ratio) {
        if (fail(kBullets)) return mask;
      }
      if (on(kEllipsis) && static_cast<double>(ellipsis) / static_cast<double>(lines) > p.max_ellipsis_ratio) {
        if (fail(kEllipsis)) return mask;
      }
    }
  }
  if (on(kAlpha) && n_tokens > 0 && static_cast<double>(n_alpha) / static_cast<double>(n_tokens) < p.min_alpha_ratio) {
    if (fail(kAlpha)) return mask;
  }
  if (need_stop && static_cast<long long>(n_stop) < p.min_stop_words) {
    if (fail(kStopWords)) return mask;
  }

  // ---- C4: the line cleanup and the document rules that look at the lines it keeps.
  std::string_view cur = text;
  bool cur_is_text = true;
  if (any_on(kC4Lines, kC4MinSentences)) {
    const bool filter = on(kC4Lines);
    const bool want_lorem = on(kC4LoremIpsum);
    const bool want_curly = on(kC4CurlyBracket);
    const bool want_sentences = on(kC4MinSentences);
    const bool need_keywords = want_lorem || (filter && (p.c4_javascript || p.c4_policy));
    const bool count_kept = filter && have_tok_starts;
    size_t tok_cursor = 0;
    bool lorem = false, curly = false, first_line = true;
    size_t sentences = 0;
    std::string& out = s.c4_out;
    out.clear();
    for_each_pyline(text, [&](std::string_view raw) {
      std::string_view line = py_strip(raw);
      bool rewritten = false;
      if (filter) {
        // Words (str.split): only as many as min-words asks for, unless the line is long enough
        // to hold a word over max-word-length.
        const bool check_long = p.c4_max_word_length > 0 && static_cast<long long>(line.size()) > p.c4_max_word_length;
        const auto want_words = static_cast<size_t>(p.c4_min_words);
        size_t words = 0, longest = 0, len = 0;
        const char* q = line.data();
        const char* const e = q + line.size();
        while (q < e && (check_long || words < want_words)) {
          const Cp c = decode_at(q, e);
          q += c.len;
          if (classify(c.cp) & kIsSpace) {
            len = 0;
          } else {
            words += len == 0;
            longest = std::max(longest, ++len);
          }
        }
        if (check_long && static_cast<long long>(longest) > p.c4_max_word_length) return;
        if (p.c4_citations) {
          const std::string_view before = line;
          line = remove_citations(line, s.cite_buf);
          rewritten = line.data() != before.data();
        }
        if (p.c4_terminal_punct && !c4_terminal(line)) return;
        if (words < want_words) return;
      }
      Keywords kw;
      if (need_keywords) kw = scan_keywords(line, s.lower_buf);
      if (kw.lorem) lorem = true;
      if (filter && p.c4_javascript && kw.javascript) return;
      if (want_curly && line.find('{') != std::string_view::npos) curly = true;
      if (filter && p.c4_policy && kw.policy) return;
      // Counting stops once there are enough: only "fewer than min" matters.
      if (want_sentences && static_cast<long long>(sentences) < p.c4_min_sentences) {
        sentences += count_sentences(line);
      }
      if (filter) {
        if (!first_line) out.push_back('\n');
        out.append(line);
        first_line = false;
        if (count_kept) {
          if (rewritten) {
            kept_tokens += count_tokens(line);
          } else {
            // The tokens of the original text that start inside this line.
            const auto lb = static_cast<size_t>(line.data() - text.data());
            const size_t le = lb + line.size();
            const size_t nt = s.tok_start.size();
            while (tok_cursor < nt && s.tok_start[tok_cursor] < lb) ++tok_cursor;
            const size_t first_tok = tok_cursor;
            while (tok_cursor < nt && s.tok_start[tok_cursor] < le) ++tok_cursor;
            kept_tokens += tok_cursor - first_tok;
          }
        }
      }
    });
    if (filter) {
      const std::string_view stripped = py_strip(out);
      if (stripped.size() != out.size()) {
        const size_t off = static_cast<size_t>(stripped.data() - out.data());
        const size_t len = stripped.size();
        out.erase(0, off);
        out.resize(len);
      }
      if (out != text) {
        cleaned.swap(out);
        *changed = true;
        cur = cleaned;
        cur_is_text = false;
      }
      if (cur.empty()) {
        if (fail(kC4Lines)) return mask;
      }
    }
    if (want_lorem && lorem) {
      if (fail(kC4LoremIpsum)) return mask;
    }
    if (want_curly && curly) {
      if (fail(kC4CurlyBracket)) return mask;
    }
    if (want_sentences && static_cast<long long>(sentences) < p.c4_min_sentences) {
      if (fail(kC4MinSentences)) return mask;
    }
  }

  // ---- FineWeb quality, on the text after C4.
  if (any_on(kLinePunct, kNewlines)) {
    const size_t newlines = static_cast<size_t>(std::count(cur.begin(), cur.end(), '\n'));
    if (on(kCharDup)) s.table.reset(newlines + 1);
    size_t lines = 0, punct = 0, short_lines = 0, dup_chars = 0;
    const auto short_len = static_cast<size_t>(p.short_line_length);
    auto visit = [&](std::string_view line) {
      if (is_blank(line)) return;
      ++lines;
      const char32_t last = last_cp(line);
      if (p.stop_chars.find(last) != std::u32string::npos ||
          (p.unicode_terminals && last >= 0x21 && u_hasBinaryProperty(static_cast<UChar32>(last), UCHAR_S_TERM))) {
        ++punct;
      }
      const size_t cps = cp_count(line);
      short_lines += cps <= short_len;
      if (on(kCharDup) && !s.table.insert(hash_bytes(line))) dup_chars += cps;
    };
    size_t start = 0;
    for (size_t i = cur.find('\n'); i != std::string_view::npos; i = cur.find('\n', start)) {
      visit(cur.substr(start, i - start));
      start = i + 1;
    }
    visit(cur.substr(start));
    if (lines == 0) {
      // datatrove rejects an empty document ("empty") before its first ratio.
      for (int r = kLinePunct; r <= kNewlines; ++r) {
        if (on(r)) {
          fail(r);
          break;
        }
      }
      return mask;
    }
    const auto n = static_cast<double>(lines);
    if (on(kLinePunct)) {
      const double ratio = static_cast<double>(punct) / n;
      if (ratio < p.min_line_punct && !(ratio == 0 && p.line_punct_exclude_zero)) {
        if (fail(kLinePunct)) return mask;
      }
    }
    if (on(kShortLines) && static_cast<double>(short_lines) / n > p.max_short_lines) {
      if (fail(kShortLines)) return mask;
    }
    if (on(kCharDup)) {
      const size_t chars = cp_count(cur) - newlines;
      if (chars > 0 && static_cast<double>(dup_chars) / static_cast<double>(chars) > p.max_char_dup) {
        if (fail(kCharDup)) return mask;
      }
    }
    if (on(kNewlines)) {
      const size_t words = cur_is_text && need_tokens        ? n_tokens
                           : !cur_is_text && have_tok_starts ? kept_tokens
                                                             : count_tokens(cur);
      if (words > 0 && static_cast<double>(newlines) / static_cast<double>(words) > p.max_newline_ratio) {
        if (fail(kNewlines)) return mask;
      }
    }
  }
  return mask;
}

}  // namespace bitmill::filter
