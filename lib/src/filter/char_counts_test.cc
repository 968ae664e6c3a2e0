#include "bitmill/filter/char_counts.h"

#include <doctest/doctest.h>
#include <unicode/uscript.h>
#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "bitmill/text/utf8.h"

namespace bitmill::filter {
namespace {

// ---------------------------------------------------------------------------------------------
// count_chars

// CharCounts' fields in declaration order, and their names.
constexpr size_t kFields = 12;
std::array<size_t, kFields> fields(const CharCounts& c) {
  return {c.chars,   c.letters, c.marks,  c.digits,   c.other_numbers, c.punct,
          c.symbols, c.spaces,  c.format, c.controls, c.replacement,   c.cjk};
}
constexpr const char* kFieldNames[kFields] = {"chars",   "letters", "marks",  "digits",   "other_numbers", "punct",
                                              "symbols", "spaces",  "format", "controls", "replacement",   "cjk"};

TEST_CASE("count_chars partitions code points by general category") {
  struct Row {
    std::string text;
    std::array<size_t, kFields> expected;  // fields(count_chars(text))
  };
  // Expected values counted by hand from the code charts.
  const Row rows[] = {
      //                                   chr let mrk dig onm pun sym spc fmt ctl rep cjk
      {"", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
      {"Hello, world!", 13, 10, 0, 0, 0, 2, 0, 1, 0, 0, 0, 0},
      {"cafe\u0301 caf\u00E9", 10, 8, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0},  // decomposed and precomposed
      {"नमस्ते", 6, 4, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0},                   // virama and vowel sign are Mn
      {"日本語です。", 6, 5, 0, 0, 0, 1, 0, 0, 0, 0, 0, 5},
      {"สวัสดี", 6, 4, 2, 0, 0, 0, 0, 0, 0, 0, 0, 6},      // Thai marks count as cjk too
      {"ラーメン", 4, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4},  // ー is Common, Script_Extensions Hira Kana
      {"한국어", 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},    // Korean uses spaces
      {"مرحبا بالعالم", 13, 12, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0},
      {"٢٠٢٠ ２０２０", 9, 0, 0, 8, 0, 0, 0, 1, 0, 0, 0, 0},
      {"x² ½ Ⅻ", 6, 1, 0, 0, 3, 0, 0, 2, 0, 0, 0, 0},
      {"a\u200Db\u200Cc\u00ADd", 7, 4, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0},  // ZWJ, ZWNJ, soft hyphen
      {"a\x01"
       "b\uFEFFc\uE000d\uFFFD\u0378",
       9, 4, 0, 0, 0, 0, 0, 0, 0, 5, 1, 0},  // C0 control, BOM, private use, U+FFFD, unassigned
      {"\U0001F468\u200D\U0001F469\u200D\U0001F467", 5, 0, 0, 0, 0, 0, 3, 0, 2, 0, 0, 0},  // family ZWJ sequence
      {"\u2764\uFE0F", 2, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0},  // heart + variation selector 16
      {"a\tb\nc\u00A0d\u3000e", 9, 5, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0},
      {"€5 + 3 = 8$", 11, 0, 0, 3, 0, 0, 4, 4, 0, 0, 0, 0},
      {"e\xC2\x85"
       "f\xC2\x81",
       4, 2, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0},  // NEL is White_Space, U+0081 is junk
  };
  for (const Row& r : rows) {
    CAPTURE(r.text);
    const CharCounts c = count_chars(r.text);
    const auto got = fields(c);
    for (size_t i = 0; i < kFields; ++i) {
      CAPTURE(kFieldNames[i]);
      CHECK(got[i] == r.expected[i]);
    }
    CHECK(c.letters + c.marks + c.digits + c.other_numbers + c.punct + c.symbols + c.spaces + c.format + c.controls ==
          c.chars);
  }
}

TEST_CASE("count_chars agrees with utf8proc on every ASCII character") {
  for (int ch = 0; ch < 128; ++ch) {
    CAPTURE(ch);
    const CharCounts c = count_chars(std::string(1, static_cast<char>(ch)));
    const utf8proc_category_t cat = utf8proc_category(ch);
    const bool space = ch == ' ' || (ch >= 0x09 && ch <= 0x0D);
    CHECK(c.chars == 1);
    CHECK(c.spaces == (space ? 1u : 0u));
    CHECK(c.letters == (cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LL ? 1u : 0u));
    CHECK(c.digits == (cat == UTF8PROC_CATEGORY_ND ? 1u : 0u));
    CHECK(c.punct == (cat >= UTF8PROC_CATEGORY_PC && cat <= UTF8PROC_CATEGORY_PO ? 1u : 0u));
    CHECK(c.symbols == (cat >= UTF8PROC_CATEGORY_SM && cat <= UTF8PROC_CATEGORY_SO ? 1u : 0u));
    CHECK(c.controls == (cat == UTF8PROC_CATEGORY_CC && !space ? 1u : 0u));
  }
}

// ---------------------------------------------------------------------------------------------
// count_scripts and parse_scripts

TEST_CASE("count_scripts counts letters and marks per script") {
  using Counts = std::vector<std::pair<int, size_t>>;
  struct Row {
    std::string text;
    Counts expected;  // any order; sorted below
  };
  const Row rows[] = {
      {"", {}},
      {"123 !!! \U0001F600", {}},
      {"Hello мир", {{USCRIPT_LATIN, 5}, {USCRIPT_CYRILLIC, 3}}},
      {"caf\u00E9 cafe\u0301", {{USCRIPT_LATIN, 8}}},  // the combining accent is Inherited
      {"日本語のテキスト", {{USCRIPT_HAN, 3}, {USCRIPT_HIRAGANA, 1}, {USCRIPT_KATAKANA, 4}}},
      {"ラーメン", {{USCRIPT_KATAKANA, 3}}},  // ー is Common
      {"नमस्ते", {{USCRIPT_DEVANAGARI, 6}}},    // Devanagari marks have their own script
      {"Ελληνικά", {{USCRIPT_GREEK, 8}}},
      {"한국어 韓國", {{USCRIPT_HANGUL, 3}, {USCRIPT_HAN, 2}}},
      {"שלום, עולם", {{USCRIPT_HEBREW, 8}}},
      {"Привет, ἀρχή and Ǆ", {{USCRIPT_CYRILLIC, 6}, {USCRIPT_GREEK, 4}, {USCRIPT_LATIN, 4}}},
  };
  Counts out = {{99, 99}};  // stale content must go
  for (const Row& r : rows) {
    CAPTURE(r.text);
    Counts expected = r.expected;
    std::sort(expected.begin(), expected.end());
    count_scripts(r.text, out);
    CHECK(out == expected);
  }
}

TEST_CASE("parse_scripts reads ISO 15924 lists") {
  struct Row {
    std::string list;
    std::vector<int> expected;  // any order; sorted below
  };
  const Row rows[] = {
      {"", {}},
      {"  ", {}},
      {"Latn", {USCRIPT_LATIN}},
      {"Latn Cyrl", {USCRIPT_LATIN, USCRIPT_CYRILLIC}},
      {"latn,GREK", {USCRIPT_LATIN, USCRIPT_GREEK}},
      {"Latn, Latn", {USCRIPT_LATIN}},
      {"Jpan", {USCRIPT_HAN, USCRIPT_HIRAGANA, USCRIPT_KATAKANA}},
      {"Kore", {USCRIPT_HANGUL, USCRIPT_HAN}},
      {"Hans", {USCRIPT_HAN}},
      {"Hira Kana Hani", {USCRIPT_HAN, USCRIPT_HIRAGANA, USCRIPT_KATAKANA}},
      {"Arab Deva", {USCRIPT_ARABIC, USCRIPT_DEVANAGARI}},
  };
  for (const Row& r : rows) {
    CAPTURE(r.list);
    std::vector<int> expected = r.expected;
    std::sort(expected.begin(), expected.end());
    const auto got = parse_scripts(r.list);
    REQUIRE(got.has_value());
    CHECK(*got == expected);
  }
  for (const char* bad_list : {"Xyzw", "Latn Qqqx", "Zyyy", "Zinh", "Zzzz", "Latf"}) {
    const std::string bad = bad_list;
    CAPTURE(bad);
    const auto got = parse_scripts(bad);
    REQUIRE_FALSE(got.has_value());
    CHECK(got.status().code() == StatusCode::kInvalidArgument);
    const std::string named = bad.substr(bad.rfind(' ') == std::string::npos ? 0 : bad.rfind(' ') + 1);
    CHECK(got.status().message().find("'" + named + "'") != std::string::npos);
  }
}

TEST_CASE("parse_scripts matches what count_scripts reports for Japanese") {
  const auto codes = parse_scripts("Jpan");
  REQUIRE(codes.has_value());
  std::vector<std::pair<int, size_t>> counts;
  count_scripts("東京で寿司とラーメンを食べた", counts);
  for (const auto& [script, n] : counts) {
    CAPTURE(script);
    CHECK(std::binary_search(codes->begin(), codes->end(), script));
  }
}

}  // namespace
}  // namespace bitmill::filter
