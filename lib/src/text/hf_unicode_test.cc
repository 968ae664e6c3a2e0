#include "text/hf_unicode.h"

#include <doctest/doctest.h>
#include <utf8proc.h>

#include "bitmill/text/utf8.h"

namespace bitmill::text::detail {
namespace {

// The classifiers take ASCII and below-U+0300 shortcuts; the reference here is the plain rule
// (utf8proc category, flipped by the generated tables) for every scalar value.
TEST_CASE("character classes equal category-plus-flips for every code point") {
  auto cat = [](char32_t cp) { return utf8proc_category(static_cast<utf8proc_int32_t>(cp)); };
  size_t mismatches = 0;
  for (char32_t cp = 0; cp <= 0x10FFFF; ++cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    const auto c = cat(cp);
    const bool ascii_punct =
        (cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126);
    const bool p = ascii_punct || (c >= UTF8PROC_CATEGORY_PC && c <= UTF8PROC_CATEGORY_PO);
    const bool other = cp != '\t' && cp != '\n' && cp != '\r' &&
                       (c == UTF8PROC_CATEGORY_CC || c == UTF8PROC_CATEGORY_CF || c == UTF8PROC_CATEGORY_CO);
    const bool mn = c == UTF8PROC_CATEGORY_MN;
    const bool m = c == UTF8PROC_CATEGORY_MN || c == UTF8PROC_CATEGORY_MC || c == UTF8PROC_CATEGORY_ME;
    mismatches += hf_is_punctuation(cp) != (p != in_ranges(hf_punctuation_flips(), cp));
    mismatches += hf_is_control(cp) != (other != in_ranges(hf_other_flips(), cp));
    mismatches += hf_is_nonspacing_mark(cp) != (mn != in_ranges(hf_nonspacing_mark_flips(), cp));
    mismatches += hf_is_combining_mark(cp) != (m != in_ranges(hf_combining_mark_flips(), cp));
  }
  CHECK(mismatches == 0);
}

TEST_CASE("flip tables are sorted and disjoint") {
  for (auto table : {hf_punctuation_flips(), hf_other_flips(), hf_nonspacing_mark_flips(), hf_combining_mark_flips()}) {
    REQUIRE_FALSE(table.empty());
    for (size_t i = 0; i < table.size(); ++i) {
      CHECK(table[i].first <= table[i].last);
      if (i > 0) CHECK(table[i - 1].last < table[i].first);
    }
  }
}

TEST_CASE("examples from tokenizers' behaviour") {
  CHECK(hf_is_punctuation(U'$'));             // ASCII punctuation though category Sc
  CHECK(hf_is_punctuation(U'\u00BF'));        // ¿
  CHECK_FALSE(hf_is_punctuation(U'\u2E52'));  // Po since Unicode 13, unknown to tokenizers' tables
  CHECK(hf_is_control(U'\u200B'));            // zero-width space (Cf)
  CHECK_FALSE(hf_is_control(U'\n'));
  CHECK_FALSE(hf_is_control(U'\U0010FFFF'));  // unassigned (Cn) stays
  CHECK(hf_is_nonspacing_mark(U'\u0301'));
  CHECK(hf_is_chinese_char(U'\u4E2D'));
  CHECK_FALSE(hf_is_chinese_char(U'\U0002B820'));  // BERT's range, not tokenizers'
  CHECK(hf_is_chinese_char(U'\U0002B920'));
  std::string s;
  append_lowercase(U'\u0130', s);  // İ
  append_lowercase(U'\u03A3', s);  // Σ: always σ, no final-sigma rule
  append_lowercase(U'Q', s);
  CHECK(s == "i\xCC\x87\xCF\x83q");
}

}  // namespace
}  // namespace bitmill::text::detail
