// The shingles of a document for near-duplicate detection (bitmill-dedup --mode near), as 64-bit
// hashes. Private to lib/src/dedup.
//
// Normalisation, in this order:
//  1. Unicode NFKC_Casefold (text/normalize.h: compatibility forms, case folding, default
//     ignorables removed);
//  2. punctuation and symbols (general categories P* and S*) become spaces;
//  3. every decimal digit (Nd, any script) becomes "0", so "2023" and "1999" are one unit.
// Units (`unit`):
//  - kWord: the words of the text. Text that holds no Han, Hiragana, Katakana, Thai, Lao, Khmer
//    or Myanmar letters is split at spaces (Unicode White_Space); text that holds some is split by
//    ICU's word break iterator (root locale, dictionary-based for those scripts), keeping its
//    word-like segments (letters, numbers, kana, ideographs), so Chinese, Japanese, Thai and Khmer
//    get words rather than one unit per sentence;
//  - kChar: the code points that are not spaces.
// Each unit hashes to XXH3-64 of its UTF-8 bytes with `seed`; a shingle is `ngram` consecutive
// units and hashes to XXH3-64 (seed + 1) of its unit hashes as 8-byte little-endian words. A
// document with fewer units than `ngram` but at least one has one shingle, all its units; a
// document without units has none. Duplicated shingles are kept (MinHash ignores them).
//
// Thread safety: a Shingler is immutable; shingles() is re-entrant with a per-thread Scratch.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bitmill/text/normalize.h"

namespace bitmill::dedup::detail {

enum class ShingleUnit { kWord, kChar };

struct ShingleOptions {
  size_t ngram = 5;
  ShingleUnit unit = ShingleUnit::kWord;
  uint64_t seed = 0;
};

// Per-thread buffers and the ICU word break iterator (made on first use).
class ShingleScratch {
 public:
  ShingleScratch();
  ~ShingleScratch();
  ShingleScratch(const ShingleScratch&) = delete;
  ShingleScratch& operator=(const ShingleScratch&) = delete;

 private:
  friend class Shingler;
  struct Icu;
  std::string normalized, folded, unit;
  std::vector<uint64_t> units;
  std::unique_ptr<Icu> icu;
};

class Shingler {
 public:
  explicit Shingler(ShingleOptions opts);

  // Replaces `out` with the shingle hashes of `text` (valid UTF-8), in text order.
  void shingles(std::string_view text, std::vector<uint64_t>& out, ShingleScratch& scratch) const;

  // The units of `text` after normalisation, as strings (for tests and --explain-like output).
  std::vector<std::string> units(std::string_view text, ShingleScratch& scratch) const;

  const ShingleOptions& options() const { return opts_; }

 private:
  // Fills scratch.units with the unit hashes (and, when `strings` is given, the units).
  void unit_hashes(std::string_view text, ShingleScratch& s, std::vector<std::string>* strings) const;
  // Normalises and folds `text` into s.folded; true when it holds letters of a spaceless script.
  bool fold_text(std::string_view text, ShingleScratch& s) const;
  // Emits the ICU words of s.folded; false when ICU cannot (the caller splits at spaces).
  template <typename Emit>
  bool icu_words(ShingleScratch& s, Emit&& emit) const;

  ShingleOptions opts_;
  Normalizer normalizer_;
};

}  // namespace bitmill::dedup::detail
