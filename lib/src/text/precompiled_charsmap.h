// The "Precompiled" normalizer of Hugging Face tokenizers: SentencePiece's compiled normalisation
// table (normalizer_spec.precompiled_charsmap, e.g. nmt_nfkc in XLM-R), applied the way tokenizers
// applies it, which is not the way SentencePiece does.
//
// Blob layout (SentencePiece normalizer.cc): a little-endian uint32 N, N bytes of a darts-clone
// double array mapping UTF-8 keys to offsets, then the replacement strings, each NUL-terminated.
//
// tokenizers walks the text by extended grapheme cluster: a cluster shorter than 6 bytes is
// looked up whole; otherwise, or when that finds nothing, each character is looked up alone and
// kept as it is when absent. A lookup takes the *shortest* key that prefixes the chunk (the first
// common-prefix-search result), and the replacement stands for the whole chunk. So a cluster
// whose first character is a key loses its remaining characters; that is what tokenizers does,
// and what the models trained with it saw.
//
// normalize() takes a shortcut for ASCII characters followed by ASCII (each is its own cluster,
// with a replacement looked up once at parse()), which must agree byte for byte with the plain
// cluster-by-cluster walk (see set_simple_paths_for_testing).
//
// Thread safety: immutable after parse(); normalize() is const and re-entrant.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bitmill/base/status.h"

namespace bitmill::text::detail {

class PrecompiledCharsmap {
 public:
  // Errors (kDataError): a blob too short, a trie size past its end or not a multiple of 4, a trie
  // node pointing outside the trie, a replacement outside the string table, without its NUL or
  // not valid UTF-8 (every node reachable from the root is checked).
  static Expected<PrecompiledCharsmap> parse(std::string_view blob);

  // The replacement of the shortest key that prefixes `chunk`; nullopt when no key does.
  std::optional<std::string_view> transform(std::string_view chunk) const;

  // Appends the normalised form of `in` (valid UTF-8) to `out`. With `origin`, also maps that
  // count of leading code points that stand for the input's first character (tokenizer_pipeline.h)
  // through tokenizers' alignment rules for this normalizer.
  void normalize(std::string_view in, std::string& out, uint32_t* origin = nullptr) const;

 private:
  Status validate() const;
  Status check_replacement(size_t at) const;

  std::vector<uint32_t> units_;
  std::string normalized_;
  // Per ASCII byte: its replacement as (offset in normalized_ << 32 | length), or kIdentity.
  static constexpr uint64_t kIdentity = ~uint64_t{0};
  std::array<uint64_t, 128> ascii_{};
  bool fast_ = false;  // the ASCII shortcut is on (off in the tests' simple mode)
};

// Testing aid: while set, charsmaps parsed and tokenizers loaded afterwards run the simple code
// instead of their fast paths (the ASCII shortcut above, the per-thread word cache), so that a test
// can compare the two on the same input. Not for production use; atomic, any thread may set it.
void set_simple_paths_for_testing(bool on);
bool simple_paths_for_testing();

}  // namespace bitmill::text::detail
