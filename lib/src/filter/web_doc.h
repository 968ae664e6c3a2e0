// The per-document context of the web rules (private to lib/src/filter): the document, the
// features that several rule families use, each computed at most once per document, and the
// working buffers of the families, reused across documents (one WebDoc per thread, inside
// WebScratch, so no heap allocation per document in steady state).
//
// Shared features and who uses them:
//   chars()      Python len(text): Gopher repetition's and n-grams' denominators
//   newlines()   '\n' in text: sizes Gopher repetition's tables; FineWeb's newline count when C4
//                left the text alone
//   tokens()     the words of web_rules.h, in one pass over text with what the families asked for
//                (token_needs, from Family::token_needs): counts for Gopher quality, hashes and
//                code point prefixes for the Gopher n-grams, spans for the stop words, starts for
//                C4 to count the tokens of the lines it keeps (FineWeb's words, without a second
//                pass over the cleaned text)
//   current()    the text the families after C4 see: C4's cleaned text once c4-lines rewrote it,
//                with its token count when C4 could count it from the starts
//
// Thread safety: one WebDoc per thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "filter/count_table.h"

namespace bitmill::filter::web {

// What tokens() records besides the counts (count, words, word_chars, alpha), which it always
// has: tokens() runs when a family first asks for them, and these bits, the union of the families'
// token_needs(), say what else to keep. Starts are recorded only when some family tokenises anyway
// (C4 then counts the kept lines' tokens from them, for FineWeb; else the cleaned text is counted).
enum TokenNeed : uint32_t {
  kTokenHashes = 2,  // hashes, prefix
  kTokenStarts = 4,  // starts
  kTokenSpans = 8,   // starts and ends
};

struct Tokens {
  size_t count = 0;              // tokens, punctuation-only ones included
  size_t words = 0;              // tokens with a character that is not punctuation
  size_t word_chars = 0;         // code points of those
  size_t alpha = 0;              // tokens with a letter
  std::vector<uint64_t> hashes;  // XXH3 of each token's bytes
  std::vector<size_t> prefix;    // prefix[i] = code points of tokens 0..i-1 (count + 1 entries)
  std::vector<size_t> starts;    // byte offset of each token in the text
  std::vector<size_t> ends;      // byte offset just past each token
};

class WebDoc {
 public:
  // Starts a document. C4's rewrite, when there is one, goes to *cleaned and sets *changed.
  void reset(std::string_view text, std::string_view lang, uint32_t token_needs, std::string* cleaned, bool* changed);

  std::string_view text() const { return text_; }
  std::string_view lang() const { return lang_; }  // ISO 639-1, "" unknown

  size_t chars();
  size_t newlines();
  const Tokens& tokens();
  bool tokenized() const { return tokenized_; }

  std::string_view current() const { return current_; }
  bool current_is_text() const { return current_is_text_; }
  // C4's cleaned text (swapped out of `cleaned`, which receives the caller's old buffer) becomes
  // current(); `tokens` is its token count when known.
  void replace_text(std::string& cleaned, std::optional<size_t> tokens);
  // Tokens of current(): reuses tokens() or C4's count when there is one.
  size_t current_tokens();

  // Working buffers of the families (meaningful only within one family's check()).
  CountTable table;                         // duplicate counts (Gopher repetition, FineWeb)
  std::vector<uint8_t> rep;                 // Gopher n-grams: the n-gram at i has a prefix that repeats
  std::vector<uint32_t> slot_of;            // Gopher n-grams: table slot of the n-gram at i
  std::string c4_out, cite_buf, lower_buf;  // C4: the new text, a line without citations, a lowercased line

 private:
  void tokenize();

  std::string_view text_, lang_, current_;
  bool current_is_text_ = true;
  std::optional<size_t> current_tokens_;
  uint32_t needs_ = 0;
  std::string* cleaned_ = nullptr;
  bool* changed_ = nullptr;
  std::optional<size_t> chars_, newlines_;
  bool tokenized_ = false;
  Tokens tokens_;
};

}  // namespace bitmill::filter::web
