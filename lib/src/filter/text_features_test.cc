#include "bitmill/filter/text_features.h"

#include <doctest/doctest.h>
#include <unicode/uscript.h>
#include <utf8proc.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "bitmill/text/utf8.h"

namespace bitmill::filter {
namespace {

// ---------------------------------------------------------------------------------------------
// count_chars

TEST_CASE("count_chars partitions code points by general category") {
  struct Row {
    std::string text;
    size_t chars, letters, marks, digits, other_numbers, punct, symbols, spaces, format, controls, replacement, cjk;
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
    CHECK(c.chars == r.chars);
    CHECK(c.letters == r.letters);
    CHECK(c.marks == r.marks);
    CHECK(c.digits == r.digits);
    CHECK(c.other_numbers == r.other_numbers);
    CHECK(c.punct == r.punct);
    CHECK(c.symbols == r.symbols);
    CHECK(c.spaces == r.spaces);
    CHECK(c.format == r.format);
    CHECK(c.controls == r.controls);
    CHECK(c.replacement == r.replacement);
    CHECK(c.cjk == r.cjk);
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
// count_words

TEST_CASE("count_words splits at spaces and around no-space letters") {
  struct Row {
    std::string text;
    size_t words;
  };
  const Row rows[] = {
      {"", 0},
      {" \t ", 0},
      {"Hello, world!", 2},
      {"  leading and trailing  ", 3},
      {"a - b", 2},  // a lone dash is no word
      {"- \u2014 \u2013", 0},
      {"don't stop", 2},
      {"3.14 is pi", 3},
      {"\U0001F44D ok", 1},  // an emoji alone is no word
      {"e\u0301te\u0301", 1},
      {"日本語です。", 5},
      {"我爱Python编程", 5},
      {"2020年", 2},
      {"Python、Java", 2},            // full-width comma separates
      {"「こんにちは」と言った", 9},  // 5 + と言った; brackets belong to no word
      {"ラーメン", 4},
      {"สวัสดีครับ", 7},  // 7 Thai consonants/vowel letters; the 3 marks attach
      {"한국어 문장", 2},
      {"مرحبا بالعالم", 2},
      {"नमस्ते दुनिया", 2},
      {"می\u200Cخواهم", 1},  // Persian ZWNJ inside a word
      {"line1\nline2\u00A0x\u3000y", 4},
  };
  for (const Row& r : rows) {
    CAPTURE(r.text);
    CHECK(count_words(r.text) == r.words);
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

// ---------------------------------------------------------------------------------------------
// count_mojibake

// UTF-8 bytes read as Windows-1252 (undefined bytes as the C1 controls, as browsers do), written
// back as UTF-8: how mojibake is made.
std::string mojibake(std::string_view utf8) {
  static const char32_t k80[32] = {0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                   0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
                                   0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                   0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};
  std::string out;
  for (const char ch : utf8) {
    const auto b = static_cast<unsigned char>(ch);
    if (b < 0x80)
      out.push_back(ch);
    else
      append_utf8(b < 0xA0 ? k80[b - 0x80] : static_cast<char32_t>(b), out);
  }
  return out;
}

TEST_CASE("count_mojibake is zero on correct text") {
  const std::string texts[] = {
      "",
      "plain ASCII, nothing to see.",
      "L'été à Paris, où l'on mange des crêpes «\u00A0à volonté\u00A0» ! Ça coûte 5\u00A0€, voilà.",
      "C'EST L'ÉTÉ\u00A0! « CAFÉ\u00A0» et L’ÉTÉ\u00A0; À BIENTÔT\u00A0?",
      "„Spaß“, sagte er, „ist heiß…“ Grüße aus Köln. ÜBER „ÄRGER“ im MÄRZ, „JA, SCHÖN…“",
      "Não há ação sem reação. SÃO PAULO, IRMÃ! Você está lá?",
      "Zażółć gęślą jaźń. Łódź, „Pan Tadeusz”.",
      "Příliš žluťoučký kůň úpěl ďábelské ódy. Číšník.",
      "Işık, göğüs, İstanbul, şeker ve çay.",
      "Tiếng Việt có dấu: đường phố, người ơi, à ừ.",
      "Þórður fór út í búð með ömmu sinni.",
      "¿Dónde está el niño? ¡Mañana! Nº 5, 1.ª edición.",
      "ÎN ROMÂNIA, ÂN și în pâine.",
      "Blåbærsyltetøy på Ærø, sa han.",
      "2 × 3 = 6; 5° C; ±2; ¼ kg; © 2024 ® ™",
      "Привет, мир! 日本語のテキスト。 \U0001F600 नमस्ते",
  };
  for (const std::string& t : texts) {
    CAPTURE(t);
    CHECK(count_mojibake(t) == 0);
  }
}

TEST_CASE("count_mojibake counts each garbled character") {
  struct Row {
    std::string original;
    size_t garbled;  // non-ASCII code points of the original, each one mojibake sequence
  };
  const Row rows[] = {
      {"L'été à Paris, où l'on mange des crêpes.", 5},  // "à" becomes "Ã" + NBSP
      {"Grüße aus Köln, schön!", 4},                    // "KÃ¶ln": ¶ after K, but a letter follows
      {"Não há ação.", 4},
      {"Zażółć gęślą jaźń", 9},
      {"Příliš žluťoučký kůň", 9},  // "í" becomes "Ã" + soft hyphen, "č" "Ä" + U+008D
      {"Işık göğüs", 5},
      {"Tiếng Việt, người ơi", 5},  // 3-byte "áº¿"
      {"Þórður", 3},
      {"¿Dónde está el niño?", 4},
      {"ÎN ROMÂNIA", 2},
      {"Привет, мир", 9},
      {"日本語", 3},
      {"\U0001F600", 1},
      {"It’s “quoted” – right…", 5},
      {"« à\u00A0volonté »", 5},
  };
  for (const Row& r : rows) {
    const std::string garbled = mojibake(r.original);
    CAPTURE(r.original);
    CAPTURE(garbled);
    CHECK(count_mojibake(garbled) == r.garbled);
  }
}

TEST_CASE("count_mojibake on hand-written mojibake") {
  struct Row {
    std::string text;
    size_t count;
  };
  const Row rows[] = {
      {"cafÃ©", 1},
      {"Itâ€™s", 1},
      {"It\u00E2\u0080\u0099s", 1},  // Latin-1 reading: C1 controls instead of € and ™
      {"cafÃƒÂ©", 2},                // encoded twice
      {"caf\u00C3\u0083\u00C2\u00A9", 2},
      {"ðŸ˜€", 1},
      {"Ã", 0},                    // a lead image alone
      {"Ã©Ã", 1},                  // truncated at the end
      {"Ã ©", 0},                  // not adjacent
      {"Ã\u0100", 0},              // U+0100 is not a byte image
      {"à\u00A0\u00BB", 0},        // E0 A0 BB would be valid UTF-8, but NBSP in a 3-byte sequence is excluded
      {"Ã\u00A0", 1},              // "à" mojibake: NBSP as the only continuation counts
      {"Ãß", 0},                   // ß is DF, not a continuation byte
      {"ß“", 0},                   // DF 93 would be NKo: excluded
      {"í€", 0},                   // ED needs 80-9F then another continuation
      {"í€\u0080", 1},             // ED 80 80 = U+D000
      {"ô\u0080\u0080\u0080", 1},  // F4 80 80 80 = U+100000
      {"ô\u0090\u0080\u0080", 0},  // F4 90: above U+10FFFF
      {"à\u0080\u0080", 0},        // E0 80: overlong
  };
  for (const Row& r : rows) {
    CAPTURE(r.text);
    CHECK(count_mojibake(r.text) == r.count);
  }
  // Any correct sentence of the other tests, garbled, is detected.
  for (const char* s : {"Świętokrzyskie", "Ærø", "€", "ŠKODA", "Ελληνικά", "עברית", "العربية"}) {
    CAPTURE(s);
    CHECK(count_mojibake(mojibake(s)) > 0);
  }
}

// ---------------------------------------------------------------------------------------------
// extract_numbers

TEST_CASE("extract_numbers returns digit runs in ASCII") {
  struct Row {
    std::string text;
    std::vector<std::string> numbers;
  };
  const Row rows[] = {
      {"", {}},
      {"no digits here", {}},
      {"1,000.5", {"1000", "5"}},
      {"1.000,5", {"1000", "5"}},
      {"5 000 Euro", {"5000"}},
      {"1,234,567", {"1234567"}},
      {"1'000'000", {"1000000"}},
      {"1\u202F000", {"1000"}},
      {"1\u2009000", {"1000"}},
      {"2019, 100", {"100", "2019"}},
      {"1, 000", {"000", "1"}},
      {"12345,678", {"12345", "678"}},  // a first group of more than 3 digits is not grouped
      {"1,0000", {"0000", "1"}},        // nor a group of 4
      {"1,00", {"00", "1"}},
      {"3,14", {"14", "3"}},
      {"1,000,00", {"00", "1000"}},
      {"25,1", {"1", "25"}},
      {"25.1", {"1", "25"}},
      {"Call 007 now", {"007"}},
      {"3 2 1 2", {"1", "2", "2", "3"}},
      {"abc123def45", {"123", "45"}},
      {"２０２０年", {"2020"}},
      {"٢٠٢٠", {"2020"}},
      {"۱۴۰۲", {"1402"}},  // Persian (extended Arabic-Indic) digits
      {"१२३ रुपये", {"123"}},
      {"x² ½ Ⅻ ①", {}},  // No and Nl are not decimal digits
      {"1\u00A0000", {"1000"}},
  };
  std::vector<std::string> out = {"stale", "values", "here", "and", "more"};
  for (const Row& r : rows) {
    CAPTURE(r.text);
    extract_numbers(r.text, out);
    CHECK(out == r.numbers);
  }
}

// ---------------------------------------------------------------------------------------------
// extract_urls

TEST_CASE("extract_urls finds URLs and e-mail addresses") {
  struct Row {
    std::string text;
    std::vector<std::string> urls;
  };
  const Row rows[] = {
      {"", {}},
      {"no links here, just text.", {}},
      {"See https://example.com/path.", {"https://example.com/path"}},
      {"(see http://Example.COM/A?b=C)", {"http://example.com/A?b=C"}},
      {"HTTPS://EXAMPLE.COM/Path", {"https://example.com/Path"}},
      {"https://en.wikipedia.org/wiki/Foo_(bar)", {"https://en.wikipedia.org/wiki/Foo_(bar)"}},
      {"(https://en.wikipedia.org/wiki/Foo_(bar)).", {"https://en.wikipedia.org/wiki/Foo_(bar)"}},
      {"Visit www.Example.org, or WWW.TEST.DE!", {"www.example.org", "www.test.de"}},
      {"ftp://files.example.com/a.txt; done", {"ftp://files.example.com/a.txt"}},
      {"«https://example.com»", {"https://example.com"}},
      {"<http://a.com>", {"http://a.com"}},
      {"'https://a.com/x?y=1&z=2#frag'", {"https://a.com/x?y=1&z=2#frag"}},
      {"\"http://a.com\",", {"http://a.com"}},
      {"请访问https://example.com获取更多信息。", {"https://example.com"}},
      {"https://zh.wikipedia.org/wiki/中国。", {"https://zh.wikipedia.org/wiki/中国"}},
      {"https://de.wikipedia.org/wiki/Köln?!", {"https://de.wikipedia.org/wiki/Köln"}},
      {"http:// nothing", {}},
      {"http://", {}},
      {"www. nothing", {}},
      {"awww.example.com xhttp://a.com", {}},
      {"Mail John.Doe@Example.COM.", {"John.Doe@example.com"}},
      {"b@x.com, a@x.com", {"a@x.com", "b@x.com"}},
      {"user@localhost a@b.c @x.com a@-x.com a@x..com", {}},
      {"mailto:info@bitmill.example.org;", {"info@bitmill.example.org"}},
      {"contact: .dots@example.com", {"dots@example.com"}},
      {"http://user@host.com/x and x@y.co", {"http://user@host.com/x", "x@y.co"}},
      {"two: http://a.com http://a.com", {"http://a.com", "http://a.com"}},
  };
  std::vector<std::string> out = {"stale"};
  for (const Row& r : rows) {
    CAPTURE(r.text);
    extract_urls(r.text, out);
    CHECK(out == r.urls);
  }
}

// ---------------------------------------------------------------------------------------------
// terminal_punctuation

TEST_CASE("terminal_punctuation classifies the sentence end") {
  using T = Terminal;
  struct Row {
    std::string text;
    Terminal expected;
  };
  const Row rows[] = {
      {"", T::kNone},
      {"   ", T::kNone},
      {"Hello", T::kNone},
      {"Hello.", T::kStop},
      {"Hello.   ", T::kStop},
      {"Hello?", T::kQuestion},
      {"Hello!", T::kExclamation},
      {"Hello:", T::kOther},
      {"Hello,", T::kOther},
      {"Hello -", T::kOther},
      {"Wait…", T::kStop},
      {"Wait...", T::kStop},
      {"Really?!", T::kQuestion},
      {"Really!?", T::kQuestion},
      {"Wow!!!", T::kExclamation},
      {"He said \"hi.\"", T::kStop},
      {"He said 'hi'", T::kNone},
      {"(see above.)", T::kStop},
      {"(see above)", T::kNone},
      {"„Hallo!“", T::kExclamation},
      {"«\u00A0Bonjour\u00A0!\u00A0»", T::kExclamation},
      {"你好。", T::kStop},
      {"你好？", T::kQuestion},
      {"你好！", T::kExclamation},
      {"「はい」", T::kNone},
      {"「はい。」", T::kStop},
      {"مرحبا؟", T::kQuestion},
      {"שלום.\u200F", T::kStop},  // RLM after the stop
      {"सब ठीक है।", T::kStop},
      {"Τι κάνεις;", T::kOther},          // ASCII semicolon
      {"Τι κάνεις\u037E", T::kQuestion},  // Greek question mark
      {"ሰላም።", T::kStop},
      {"Hello \U0001F600", T::kNone},
      {"Price: 5", T::kNone},
      {"»", T::kNone},
      {"¿Qué", T::kNone},
      {"¡", T::kOther},
  };
  for (const Row& r : rows) {
    CAPTURE(r.text);
    CHECK(static_cast<int>(terminal_punctuation(r.text)) == static_cast<int>(r.expected));
  }
}

// ---------------------------------------------------------------------------------------------
// longest_word_run

TEST_CASE("longest_word_run finds consecutive repeats") {
  struct Row {
    std::string text;
    size_t run;
  };
  const Row rows[] = {
      {"", 0},
      {"- - -", 0},
      {"hello", 1},
      {"the the the cat", 3},
      {"a b a b", 1},
      {"The the THE", 3},
      {"very, very, very good", 3},
      {"no no", 2},
      {"ha ha ha ha ha!", 5},
      {"the - the", 2},  // a dash is no word and does not break the run
      {"cat cat. Dog dog dog", 3},
      {"哈哈哈", 3},
      {"谢谢你", 2},
      {"Straße STRASSE", 1},  // simple case folding keeps ß
      {"σοφός ΣΟΦΌΣ σοφόσ", 3},
      {"Ελλάδα ελλάδα", 2},
  };
  for (const Row& r : rows) {
    CAPTURE(r.text);
    CHECK(longest_word_run(r.text) == r.run);
  }
}

// ---------------------------------------------------------------------------------------------
// similarity

// Plain full-matrix Levenshtein over code points, for reference.
size_t reference_distance(const std::u32string& a, const std::u32string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string to_utf8(const std::u32string& s) {
  std::string out;
  for (const char32_t cp : s) append_utf8(cp, out);
  return out;
}

TEST_CASE("similarity of short pairs") {
  struct Row {
    std::string a, b;
    double min_interest;
    double expected;  // exact value expected when >= min_interest; otherwise any value below it
  };
  const Row rows[] = {
      {"", "", 0.0, 1.0},
      {"...", "!!! ", 0.5, 1.0},  // nothing left on either side
      {"abc", "", 0.0, 0.0},
      {"Hello, World!", "hello world", 0.9, 1.0},
      {"Hello, World!", "HELLO -- WORLD", 1.0, 1.0},
      {"kitten", "sitting", 0.0, 1.0 - 3.0 / 7.0},
      {"kitten", "sitting", 0.5, 1.0 - 3.0 / 7.0},
      {"kitten", "sitting", 0.6, -1.0},
      {"flaw", "lawn", 0.0, 0.5},
      {"abcdef", "abcxef", 0.8, 1.0 - 1.0 / 6.0},
      {"abcdefghij", "abcdefghiX", 0.9, 0.9},  // exactly at the threshold
      {"abcdefghij", "abcdefghXY", 0.9, -1.0},
      {"Room ٢٠٢", "room 202", 0.99, 1.0},
      {"ΣΟΦΌΣ", "σοφός", 0.99, 1.0},
      {"café", "cafe\u0301", 0.0, 1.0 - 2.0 / 5.0},  // not normalised: substitute é, insert the accent
      {"abc", "xyz", 0.0, 0.0},
      {"abc", "xyz", 0.1, -1.0},
  };
  for (const Row& r : rows) {
    CAPTURE(r.a);
    CAPTURE(r.b);
    CAPTURE(r.min_interest);
    const double got = similarity(r.a, r.b, r.min_interest);
    if (r.expected >= r.min_interest) {
      CHECK(got == doctest::Approx(r.expected).epsilon(1e-12));
    } else {
      CHECK(got < r.min_interest);
    }
    CHECK(similarity(r.b, r.a, r.min_interest) == doctest::Approx(got));
  }
}

TEST_CASE("similarity on 1000-character texts uses the band correctly") {
  // Deterministic pseudo-random text of letters and spaces.
  uint32_t state = 12345;
  auto next = [&state] {
    state = state * 1103515245u + 12345u;
    return (state >> 16) & 0x7FFF;
  };
  std::u32string base;
  while (base.size() < 1000) base.push_back(U"abcdefghijklmnopqrstuvwxyzäöüß"[next() % 30]);

  // Five substitutions: 1 - 5/1000.
  std::u32string five = base;
  for (size_t pos : {10u, 200u, 400u, 600u, 999u}) five[pos] = U'0';
  CHECK(similarity(to_utf8(base), to_utf8(five), 0.99) == doctest::Approx(0.995));
  CHECK(similarity(to_utf8(base), to_utf8(five), 0.996) < 0.996);

  // A shift by one (insert at the front, delete at the end): distance 2.
  std::u32string shifted(1, U'q');  // (built in steps: GCC 12 misreports -Wrestrict on operator+)
  shifted.append(base, 0, 999);
  CHECK(similarity(to_utf8(base), to_utf8(shifted), 0.99) == doctest::Approx(0.998));

  // Against the full matrix, for edits of every kind and thresholds on both sides of the result.
  for (int trial = 0; trial < 20; ++trial) {
    std::u32string b = base;
    const int edits = 1 + trial * 3;
    for (int e = 0; e < edits; ++e) {
      const size_t pos = next() % b.size();
      switch (next() % 3) {
        case 0: b[pos] = U'x'; break;
        case 1: b.erase(pos, 1); break;
        default: b.insert(pos, 1, U'y'); break;
      }
    }
    const double len = static_cast<double>(std::max(base.size(), b.size()));
    const double ref = 1.0 - static_cast<double>(reference_distance(base, b)) / len;
    for (double m : {0.0, 0.5, 0.9, 0.95, 0.97, 0.99, 0.995, 0.999}) {
      CAPTURE(trial);
      CAPTURE(m);
      const double got = similarity(to_utf8(base), to_utf8(b), m);
      if (ref >= m)
        CHECK(got == doctest::Approx(ref).epsilon(1e-12));
      else
        CHECK(got < m);
    }
  }
}

TEST_CASE("similarity agrees with the full matrix on random short pairs") {
  uint32_t state = 777;
  auto next = [&state] {
    state = state * 1103515245u + 12345u;
    return (state >> 16) & 0x7FFF;
  };
  for (int trial = 0; trial < 500; ++trial) {
    std::u32string a, b;
    const size_t na = next() % 12, nb = next() % 12;
    for (size_t k = 0; k < na; ++k) a.push_back(U"abc"[next() % 3]);
    for (size_t k = 0; k < nb; ++k) b.push_back(U"abc"[next() % 3]);
    const double len = static_cast<double>(std::max(a.size(), b.size()));
    const double ref = len == 0 ? 1.0 : 1.0 - static_cast<double>(reference_distance(a, b)) / len;
    for (double m : {0.0, 0.3, 0.5, 0.75, 0.9}) {
      CAPTURE(to_utf8(a));
      CAPTURE(to_utf8(b));
      CAPTURE(m);
      const double got = similarity(to_utf8(a), to_utf8(b), m);
      if (ref >= m)
        CHECK(got == doctest::Approx(ref).epsilon(1e-12));
      else
        CHECK(got < m);
    }
  }
}

}  // namespace
}  // namespace bitmill::filter
