#include "bitmill/filter/mojibake.h"

#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "bitmill/text/utf8.h"

namespace bitmill::filter {
namespace {

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

}  // namespace
}  // namespace bitmill::filter
