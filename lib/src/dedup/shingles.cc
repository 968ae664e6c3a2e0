#include "dedup/shingles.h"

#include <unicode/ubrk.h>
#include <unicode/utext.h>
#include <xxhash.h>

#include <bit>
#include <cstring>

#include "bitmill/text/char_class.h"
#include "bitmill/text/utf8.h"

namespace bitmill::dedup::detail {

struct ShingleScratch::Icu {
  UBreakIterator* words = nullptr;
  UText* text = nullptr;
  bool failed = false;  // ICU could not open its word rules: fall back to spaces
  ~Icu() {
    if (words != nullptr) ubrk_close(words);
    if (text != nullptr) utext_close(text);
  }
};

ShingleScratch::ShingleScratch() = default;
ShingleScratch::~ShingleScratch() = default;

namespace {

// Scripts written without spaces between words, whose words ICU finds with dictionaries.
bool spaceless(char32_t cp) {
  return (cp >= 0x0E00 && cp <= 0x0EFF) ||                                    // Thai, Lao
         (cp >= 0x1000 && cp <= 0x109F) || (cp >= 0xA9E0 && cp <= 0xA9FF) ||  // Myanmar
         (cp >= 0xAA60 && cp <= 0xAA7F) ||                                    // Myanmar Extended-A
         (cp >= 0x1780 && cp <= 0x17FF) || (cp >= 0x19E0 && cp <= 0x19FF) ||  // Khmer
         (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x31F0 && cp <= 0x31FF) ||  // kana
         (cp >= 0xFF66 && cp <= 0xFF9F) ||                                    // half-width katakana
         (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||  // Han
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x3FFFF);
}

uint64_t hash_unit(std::string_view u, uint64_t seed) { return XXH3_64bits_withSeed(u.data(), u.size(), seed); }

// XXH3-64 of `n` 64-bit words as little-endian bytes.
uint64_t hash_words(const uint64_t* w, size_t n, uint64_t seed) {
  if constexpr (std::endian::native == std::endian::little) {
    return XXH3_64bits_withSeed(w, n * sizeof(uint64_t), seed);
  } else {
    unsigned char buf[64 * 8];
    const size_t m = std::min<size_t>(n, 64);
    for (size_t i = 0; i < m; ++i) {
      for (int b = 0; b < 8; ++b) buf[i * 8 + static_cast<size_t>(b)] = static_cast<unsigned char>(w[i] >> (8 * b));
    }
    return XXH3_64bits_withSeed(buf, m * 8, seed);
  }
}

// Appends the units of `folded` split at ASCII spaces.
template <typename Emit>
void split_spaces(std::string_view folded, Emit&& emit) {
  size_t i = 0;
  while (i < folded.size()) {
    while (i < folded.size() && folded[i] == ' ') ++i;
    const size_t start = i;
    while (i < folded.size() && folded[i] != ' ') ++i;
    if (i > start) emit(folded.substr(start, i - start));
  }
}

}  // namespace

Shingler::Shingler(ShingleOptions opts) : opts_(opts), normalizer_(NormalizeOptions{NormalForm::kNfkcCasefold, false}) {
  if (opts_.ngram == 0) opts_.ngram = 1;
}

namespace {

bool ascii_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

}  // namespace

void Shingler::unit_hashes(std::string_view text, ShingleScratch& s, std::vector<std::string>* strings) const {
  s.units.clear();
  auto emit = [&](std::string_view u) {
    s.units.push_back(hash_unit(u, opts_.seed));
    if (strings != nullptr) strings->emplace_back(u);
  };
  if (opts_.unit == ShingleUnit::kChar) {
    fold_text(text, s);
    size_t i = 0;
    while (i < s.folded.size()) {
      const size_t start = i;
      decode_utf8(s.folded, i);
      if (s.folded[start] != ' ') emit(std::string_view(s.folded).substr(start, i - start));
    }
    return;
  }
  // Words. Normalisation and folding never join or split across an ASCII space (a starter that
  // composes with nothing), so the text is taken piece by piece between ASCII white space: pure
  // ASCII pieces, most of them in most text, are folded here without the Unicode tables.
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && ascii_space(static_cast<unsigned char>(text[i]))) ++i;
    const size_t start = i;
    bool ascii = true;
    while (i < text.size() && !ascii_space(static_cast<unsigned char>(text[i]))) {
      ascii = ascii && static_cast<unsigned char>(text[i]) < 0x80;
      ++i;
    }
    if (i == start) break;
    const std::string_view piece = text.substr(start, i - start);
    if (ascii) {
      s.unit.clear();
      for (const char ch : piece) {
        const auto c = static_cast<unsigned char>(ch);
        if (c >= 'A' && c <= 'Z') {
          s.unit.push_back(static_cast<char>(c + 32));
        } else if ((c >= 'a' && c <= 'z')) {
          s.unit.push_back(ch);
        } else if (c >= '0' && c <= '9') {
          s.unit.push_back('0');
        } else if (!s.unit.empty()) {  // punctuation, symbols, controls: a boundary
          emit(s.unit);
          s.unit.clear();
        }
      }
      if (!s.unit.empty()) emit(s.unit);
      continue;
    }
    const bool needs_icu = fold_text(piece, s);
    if (!needs_icu || !icu_words(s, emit)) split_spaces(s.folded, emit);
  }
}

bool Shingler::fold_text(std::string_view text, ShingleScratch& s) const {
  const std::string_view norm = normalizer_.normalize(text, s.normalized);
  // Punctuation, symbols, controls and spaces to ' ', digits to '0'.
  s.folded.clear();
  bool needs_icu = false;
  const text::CharTable ucd;
  size_t pos = 0;
  while (pos < norm.size()) {
    const size_t start = pos;
    const char32_t cp = decode_utf8(norm, pos);
    const text::CharClass c = ucd.cls(cp);
    if (c == text::kDigit) {
      s.folded.push_back('0');
    } else if (c == text::kLetter || c == text::kMark || c == text::kOtherNumber) {
      s.folded.append(norm.substr(start, pos - start));
      needs_icu = needs_icu || spaceless(cp);
    } else {
      s.folded.push_back(' ');
    }
  }
  return needs_icu;
}

template <typename Emit>
bool Shingler::icu_words(ShingleScratch& s, Emit&& emit) const {
  if (!s.icu) {
    s.icu = std::make_unique<ShingleScratch::Icu>();
    UErrorCode st = U_ZERO_ERROR;
    s.icu->words = ubrk_open(UBRK_WORD, "", nullptr, 0, &st);
    s.icu->failed = U_FAILURE(st);
  }
  if (s.icu->failed) return false;  // ICU without its word rules: spaces only
  UErrorCode st = U_ZERO_ERROR;
  s.icu->text = utext_openUTF8(s.icu->text, s.folded.data(), static_cast<int64_t>(s.folded.size()), &st);
  if (U_SUCCESS(st)) ubrk_setUText(s.icu->words, s.icu->text, &st);
  if (U_FAILURE(st)) return false;
  int32_t start = ubrk_first(s.icu->words);
  for (int32_t end = ubrk_next(s.icu->words); end != UBRK_DONE; start = end, end = ubrk_next(s.icu->words)) {
    if (ubrk_getRuleStatus(s.icu->words) < UBRK_WORD_NUMBER) continue;  // spaces
    split_spaces(std::string_view(s.folded).substr(static_cast<size_t>(start), static_cast<size_t>(end - start)), emit);
  }
  return true;
}

void Shingler::shingles(std::string_view text, std::vector<uint64_t>& out, ShingleScratch& s) const {
  out.clear();
  unit_hashes(text, s, nullptr);
  const size_t n = s.units.size();
  if (n == 0) return;
  const size_t k = opts_.ngram;
  if (n < k) {
    out.push_back(hash_words(s.units.data(), n, opts_.seed + 1));
    return;
  }
  out.reserve(n - k + 1);
  for (size_t i = 0; i + k <= n; ++i) out.push_back(hash_words(s.units.data() + i, k, opts_.seed + 1));
}

std::vector<std::string> Shingler::units(std::string_view text, ShingleScratch& scratch) const {
  std::vector<std::string> out;
  unit_hashes(text, scratch, &out);
  return out;
}

}  // namespace bitmill::dedup::detail
