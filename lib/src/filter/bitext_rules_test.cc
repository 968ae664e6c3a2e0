#include "bitmill/filter/bitext_rules.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "testing/test_util.h"

namespace bitmill::filter {
namespace {

// A language identifier that believes what the text says: "[xx:0.7,yy:0.2] ..." gives those
// guesses; anything else is English with probability 0.99. It keeps the lang-id rule's logic
// apart from any model.
class ScriptedLid final : public LanguageIdentifier {
 public:
  void identify(std::string_view text, size_t k, std::vector<LangGuess>& out) const override {
    out.clear();
    if (text.empty()) return;
    if (text.front() != '[') {
      out.push_back({*find_language("en"), "en", 0.99f});
      return;
    }
    const std::string_view spec = text.substr(1, text.find(']') - 1);
    size_t pos = 0;
    while (pos < spec.size() && out.size() < k) {
      size_t end = spec.find(',', pos);
      if (end == std::string_view::npos) end = spec.size();
      const std::string_view item = spec.substr(pos, end - pos);
      const size_t colon = item.find(':');
      const std::string label(item.substr(0, colon));
      const float prob = std::stof(std::string(item.substr(colon + 1)));
      auto lang = find_language(label);
      out.push_back({lang ? *lang : nullptr, label, prob});
      pos = end + 1;
    }
  }
  std::string_view engine() const override { return "scripted"; }
  // Like lid.176, it has no Klingon label.
  bool can_name(const Language& lang) const override { return lang.iso639_3 != "tlh"; }
};

struct Case {
  const char* name;
  std::string src, tgt;
  const char* expected;       // the first failed rule, "" = kept
  std::string settings = "";  // space-separated RULE.PARAM=VALUE and RULE=off
};

std::string first_failed(RuleMask mask) {
  if (mask == 0) return "";
  return std::string(bitext_rule_specs()[static_cast<size_t>(__builtin_ctzll(mask))].name);
}

// BitextFilter::create() with every rule at its default except the settings (space-separated).
Expected<BitextFilter> create_with(const Language& src, const Language& tgt, const LanguageIdentifier* lid,
                                   std::string_view settings = "") {
  RuleConfig config(FilterMode::kBitext);
  while (!settings.empty()) {
    const std::string_view s = settings.substr(0, settings.find(' '));
    REQUIRE_MESSAGE(config.set(s).is_ok(), s);
    settings.remove_prefix(std::min(settings.size(), s.size() + 1));
  }
  return BitextFilter::create(config, src, tgt, lid);
}

// The same, for settings that must be valid.
BitextFilter make_filter(const Language& src, const Language& tgt, const LanguageIdentifier* lid,
                         std::string_view settings = "") {
  auto f = create_with(src, tgt, lid, settings);
  REQUIRE_MESSAGE(f.has_value(), f.status().message());
  return std::move(f).value();
}

// The first rule that fails for the pair, "" when it is kept.
std::string first_failed(const BitextFilter& f, std::string_view src, std::string_view tgt) {
  BitextScratch scratch;
  return first_failed(f.check(src, tgt, true, scratch));
}

// Runs each case with every rule at its default except the settings, German -> English. Cases
// with scripted guesses ("[de:0.3] ...") switch the numbers rule off (the guesses have digits);
// the others switch lang-id off (the scripted identifier knows no language without a script).
void run_cases(const std::vector<Case>& cases, const char* src_lang = "de", const char* tgt_lang = "en") {
  ScriptedLid lid;
  for (const Case& c : cases) {
    const bool scripted = c.src.starts_with('[') || c.tgt.starts_with('[');
    const std::string settings = (scripted ? "numbers=off " : "lang-id=off ") + c.settings;
    const BitextFilter f = make_filter(**find_language(src_lang), **find_language(tgt_lang), &lid, settings);
    BitextScratch scratch;
    const RuleMask first = f.check(c.src, c.tgt, true, scratch);
    const std::string name = c.name, expected = c.expected;
    CHECK_MESSAGE(first_failed(first) == expected, name, ": got '", first_failed(first), "'");
    // All reasons include the first one, and no more than one bit with first_only.
    const RuleMask all = f.check(c.src, c.tgt, false, scratch);
    CHECK_MESSAGE((first & (first - 1)) == 0, name);
    CHECK_MESSAGE((all & first) == first, name);
    CHECK_MESSAGE(first_failed(all) == expected, name);
  }
}

// A clean pair, and its sides for cases about the other side.
constexpr const char* kDe = "Das ist ein schönes Haus.";
constexpr const char* kEn = "This is a beautiful house.";

TEST_CASE("bitext rules, utf8 to repeated-words: each rule on the case it exists for, and just inside it") {
  const std::vector<Case> cases = {
      {"clean", kDe, kEn, ""},
      {"invalid UTF-8", "Das ist \xff kaputt.", kEn, "utf8"},
      {"overlong encoding", "Das \xc0\xaf ist.", kEn, "utf8"},
      {"utf8 off: repaired, then judged", "Das ist \xff kaputt.", "This is \xef\xbf\xbd broken.", "",
       "utf8=off control-chars=off"},
      {"empty source", "", kEn, "empty"},
      {"white-space target", kDe, " \t ", "empty"},
      {"mojibake of ö", "Das ist sch\xc3\x83\xc2\xb6n.", "This is nice.", "mojibake"},
      {"mojibake of a curly quote", kDe, "This is Tom\xc3\xa2\xe2\x82\xac\xe2\x84\xa2s house.", "mojibake"},
      {"mojibake allowed by max", "Das ist sch\xc3\x83\xc2\xb6n.", "This is nice.", "", "mojibake.max=1"},
      {"C0 control", "Das ist\x01 ein Haus.", kEn, "control-chars"},
      {"C1 control", kDe, "This is a\xc2\x9ahouse.", "control-chars"},
      {"next line (NEL) inside a side", kDe, "This is a\xc2\x85house.", "control-chars"},
      {"form feed inside a side", kDe, "This is a\x0chouse.", "control-chars"},
      {"vertical tab inside a side", "Das ist\x0b ein Haus.", kEn, "control-chars"},
      {"line separator inside a side", kDe, "This is a\xe2\x80\xa8house.", "control-chars"},
      {"DEL", kDe, "This is a\x7fhouse.", "control-chars"},
      {"replacement character", kDe, "This is a \xef\xbf\xbd house.", "control-chars"},
      {"private use", kDe, "This is a \xee\x80\x80 house.", "control-chars"},
      {"zero-width space in English", kDe, "This is a beau\xe2\x80\x8btiful house.", "control-chars"},
      {"zero-width space allowed by format=off", kDe, "This is a beau\xe2\x80\x8btiful house.", "",
       "control-chars.format=false"},
      {"too long", kDe, std::string(1030, 'a'), "length"},
      {"max-chars just inside", std::string(500, 'a') + " " + std::string(523, 'b'),
       std::string(500, 'c') + " " + std::string(523, 'd'), "", "identical=off"},
      {"too many words", kDe,
       [] {
         std::string s;
         for (int i = 0; i < 251; ++i) s += "ab ";
         return s;
       }(),
       "length", "length.max-chars=10000"},
      {"min-words 2", "Ja.", "Yes.", "length", "length.min-words=2"},
      {"one word is enough by default", "Ja.", "Yes.", ""},
      {"only numbers and symbols", "123 456 789 +++", "123 456 789 ---", "letters", "identical=off"},
      {"half letters is enough", "abc 123", "abc 123", "", "identical=off script=off"},
      {"a word four times", "Bitte bitte bitte bitte hilf mir.", "Please help me.", "repeated-words"},
      {"a word three times is allowed", "Bitte bitte bitte hilf mir.", "Please help me.", ""},
  };
  run_cases(cases);
}

TEST_CASE("bitext rules, identical to lang-id: each rule on the case it exists for, and just inside it") {
  const std::vector<Case> cases = {
      {"untranslated copy", kDe, kDe, "identical"},
      {"copy differing in case and punctuation", "Das ist ein Haus", "das ist ein haus!", "identical"},
      {"long side more than 2.5 times the short", "Ich wohne seit vielen Jahren in dieser Stadt am Fluss.",
       "I live here.", "length-ratio"},
      {"ratio rule skips short sides", "Ach so.", "Oh, I see now.", ""},
      {"a cut-off side: lower ratio", "Ich wohne seit vielen Jahren in dieser Stadt.", "I have lived for many",
       "length-ratio"},
      {"same ratio with final punctuation is fine", "Ich wohne seit vielen Jahren in dieser Stadt.",
       "I have lived here long.", ""},
      {"different numbers", "Ich habe 3 Katzen.", "I have 4 cats.", "numbers"},
      {"a number repeated on one side", "Das Virus 229E (HCoV-229E) ist bekannt.", "The virus HCoV-229E is known.", ""},
      {"a year written short", "Sie zogen in den 30ern aus.", "They moved out in the 1930s.", ""},
      {"same numbers, other separators", "Das kostet 1.000,50 Euro.", "It costs 1,000.50 euros.", ""},
      {"number on one side only is allowed", "Wir waren 20 Leute.", "There were twenty of us.", ""},
      {"number on one side only, one-sided on", "Wir waren 20 Leute.", "There were twenty of us.", "numbers",
       "numbers.one-sided=true"},
      {"URL on one side", "Mehr unter www.example.org.", "More at our website.", "urls"},
      {"different URLs", "Mehr unter www.example.org.", "More at www.example.com.", "urls"},
      {"same URL", "Mehr unter www.example.org.", "More at www.example.org.", ""},
      {"e-mail on one side", "Schreib an tom@example.org.", "Write to Tom.", "urls"},
      {"question against statement: sentence ends are one class", "Kommst du morgen?", "You are coming tomorrow.", ""},
      {"question told apart on request", "Kommst du morgen?", "You are coming tomorrow.", "terminal-punct",
       "terminal-punct.question=true"},
      {"exclamation against statement is fine", "Komm morgen!", "Come tomorrow.", ""},
      {"exclamation told apart on request", "Komm morgen!", "Come tomorrow.", "terminal-punct",
       "terminal-punct.exclamation=true"},
      {"no final punctuation against a full stop", "Komm morgen", "Come tomorrow.", ""},
      {"strict: no final punctuation against a full stop", "Komm morgen", "Come tomorrow.", "terminal-punct",
       "terminal-punct.strict=true"},
      {"closing quotes are skipped", "\xe2\x80\x9eKommst du?\xe2\x80\x9c", "\"Are you coming?\"", ""},
      {"Cyrillic in the German column", "Это мой красивый дом.", kEn, "script"},
      {"some foreign letters are fine", "Das ist Ιθάκη, eine sehr schöne Insel.", "This is Ithaca, a very nice island.",
       ""},
      {"wrong language", "[fr:0.9] Ceci est une maison.", "[en:0.99] This is a house.", "lang-id"},
      {"declared language second is enough", "[nl:0.6,de:0.3] Das ist ein schönes Haus.",
       "[en:0.99] This is a beautiful house.", ""},
      {"declared language below min-prob", "[nl:0.9,de:0.03] Das ist ein schönes Haus.",
       "[en:0.99] This is a beautiful house.", "lang-id"},
      {"per-language threshold", "[nl:0.9,de:0.03] Das ist ein schönes Haus.", "[en:0.99] This is a beautiful house.",
       "", "lang-id.min-prob.de=0.025"},
      {"per-language threshold by ISO 639-3 code", "[nl:0.9,de:0.03] Das ist ein schönes Haus.",
       "[en:0.99] This is a beautiful house.", "", "lang-id.min-prob.deu=0.02"},
      {"top 1 only", "[nl:0.9,de:0.3] Das ist ein schönes Haus.", "[en:0.99] This is a beautiful house.", "lang-id",
       "lang-id.top=1"},
      {"short sides skip language ID", "[fr:0.9] Das ist ein Haus.", "[en:0.99] This is a house.", "",
       "lang-id.min-chars=30"},
      {"unknown label", "[xx:0.9] Das ist ein schönes Haus.", "[en:0.99] This is a beautiful house.", "lang-id"},
      // Another language must be confident to reject, the more so on short text: 0.8 up to 15
      // non-space characters (the scripted guesses count), 0.5 from 40, linear in between.
      // German is a language lid.176 rarely misses (lid_reliability_table.cc): reliable-miss=0
      // gives it the usual thresholds.
      {"another language, not confidently", "[fr:0.55] Das ist ein schönes Haus.",
       "[en:0.99] This is a beautiful house.", "", "lang-id.reliable-miss=0"},
      {"a short side needs 0.8", "[fr:0.75] Ja.", "[en:0.99] Yes.", "", "letters=off lang-id.reliable-miss=0"},
      {"a short side at 0.8", "[fr:0.85] Ja.", "[en:0.99] Yes.", "lang-id", "letters=off lang-id.reliable-miss=0"},
      // A reliable language: 0.6 up to 15 characters, 0.4 from 40.
      {"a reliable language, short side at 0.6", "[fr:0.65] Ja.", "[en:0.99] Yes.", "lang-id", "letters=off"},
      {"a reliable language, short side below 0.6", "[fr:0.55] Ja.", "[en:0.99] Yes.", "", "letters=off"},
      {"a reliable language, long side at 0.4",
       "[fr:0.45] Das ist ein schönes Haus mit einem großen Garten, und wir wohnen seit zehn Jahren dort.",
       "[en:0.99] This is a beautiful house with a big garden, and we have lived there for ten years.", "lang-id"},
      {"reliable thresholds set", "[fr:0.65] Ja.", "[en:0.99] Yes.", "",
       "letters=off lang-id.confident-short-reliable=0.7"},
      {"a long side at 0.5",
       "[fr:0.55] Das ist ein schönes Haus mit einem großen Garten, und wir wohnen seit zehn Jahren dort.",
       "[en:0.99] This is a beautiful house with a big garden, and we have lived there for ten years.", "lang-id"},
      // A close language (Luxembourgish for German) rejects only from 60 characters.
      {"a close language on a short side", "[lb:0.95] Dat ass e schéint Haus.", "[en:0.99] This is a beautiful house.",
       ""},
      {"a close language on a long side", "[lb:0.95] Dat ass e schéint Haus mat engem grousse Gaart, mir wunnen do.",
       "[en:0.99] This is a beautiful house with a big garden, we live there.", "lang-id"},
      {"no guess at all keeps the side", "[] Das ist ein schönes Haus.", "[en:0.99] This is a beautiful house.", ""},
  };
  run_cases(cases);
}

TEST_CASE("bitext rules: spelling decides between close languages on a long side") {
  testing::TempDir dir;
  testing::write_file(dir.file("af_ZA.aff"), "SET UTF-8\n");
  testing::write_file(dir.file("af_ZA.dic"),
                      "16\ndie\nhond\nis\nnie\nwit\nen\nkat\nook\nswart\nmaar\nhulle\nwoon\n"
                      "saam\nin\neen\nhuis\n");
  testing::write_file(dir.file("nl_NL.aff"), "SET UTF-8\n");
  testing::write_file(dir.file("nl_NL.dic"),
                      "16\nde\nhond\nis\nniet\nwit\nen\nkat\nook\nzwart\nmaar\nze\nwonen\n"
                      "samen\nin\neen\nhuis\n");
  ScriptedLid lid;
  const std::string eng = "[en:0.99] The dog is not white and the cat is not black either, but they live together.";
  const std::string dutch = "De hond is niet wit en de kat is ook niet zwart, maar ze wonen samen in een huis.";
  const std::string afrikaans =
      "Die hond is nie wit nie en die kat is ook nie swart nie, maar hulle woon saam in een huis.";
  auto verdict = [&](const std::string& src, const std::string& settings) {
    const BitextFilter f =
        make_filter(**find_language("afr"), **find_language("eng"), &lid, "numbers=off length-ratio=off " + settings);
    return first_failed(f, src, eng);
  };
  const std::string with = "lang-id.dictionaries=" + dir.path();
  // lid.176 gives Dutch text some Afrikaans, above min-prob: the spelling still catches it.
  CHECK(verdict("[nl:0.85,af:0.12] " + dutch, with) == "lang-id");
  // Afrikaans that language ID calls Dutch is kept: its words are Afrikaans ones.
  CHECK(verdict("[nl:0.8,af:0.15] " + afrikaans, with) == "");
  CHECK(verdict("[nl:0.95] " + afrikaans, with) == "");
  // Without dictionaries, language ID alone: the declared language above min-prob keeps the side,
  // and below it the close language rejects.
  CHECK(verdict("[nl:0.85,af:0.12] " + dutch, "lang-id.dictionaries=") == "");
  CHECK(verdict("[nl:0.95] " + afrikaans, "lang-id.dictionaries=") == "lang-id");
  CHECK(verdict("[nl:0.95] " + afrikaans, "lang-id.dictionaries=/nonexistent") == "lang-id");
  // A close language on a short side never rejects; a margin the spelling must beat.
  CHECK(verdict("[nl:0.95] De hond is niet wit.", with) == "");
  CHECK(verdict("[nl:0.85,af:0.12] " + dutch, with + " lang-id.spelling-margin=0.9") == "");
  // Same-language guesses add up: Danish 0.35 and Norwegian 0.32 are 0.67 against Swedish.
  const BitextFilter swe = make_filter(**find_language("swe"), **find_language("eng"), &lid,
                                       "numbers=off length-ratio=off lang-id.dictionaries=");
  CHECK(first_failed(
            swe, "[da:0.35,nn:0.32,sv:0.04] Vi har opstillet tredive bænke på vandrestierne rundt om vores landsby.",
            eng) == "lang-id");
}

TEST_CASE("bitext rules: languages written without spaces and other scripts") {
  const std::vector<Case> cases = {
      {"Chinese counts characters as words", "我爱你", "I love you.", ""},
      {"Chinese min-words counts characters", "我爱你", "I love you very much.", "length", "length.min-words=4"},
      {"Chinese characters weigh 3", "这是一个非常漂亮的房子。", "This is a very beautiful house.", ""},
      {"Chinese ratio uses the weight", "我", "This is a very long English sentence about a house.", "length-ratio",
       "lang-id=off"},
      {"Latin letters in the Chinese column", "This is a house.", "This is a house.", "identical"},
      {"Latin text in the Chinese column", "I love you very much.", "I love you.", "script"},
  };
  run_cases(cases, "zh", "en");
  // Per-language length factors (length_factors.h), on Tatoeba pairs: Burmese and Khmer letters
  // are alphabets, not ideographs (they weighed 3 each before the factors; now without a factor
  // only Chinese and Japanese characters do).
  run_cases({{"Burmese at its own length", "သီးသန့် မင်္ဂလာပွဲလေး ပဲ ကျင်းပ မယ်လို့ ငါတို့ ဆုံးဖြတ် လိုက် ပြီ။",
              "We've decided to have a private wedding ceremony.", ""}},
            "my", "en");
  run_cases(
      {{"Khmer at its own length", "ហើយឥឡូវនេះ តើអ្នកកំពុងតែឈឺទ្រូងដែរឬទេ?", "and are you having this chest pain now?", ""}},
      "km", "en");
  // Names in Latin letters that the other side has are not foreign text to the script rule.
  run_cases({{"names in Latin letters shared with the other side", "Tom唔知Mary識講法文。",
              "Tom didn't know that Mary could speak French.", ""},
             {"Latin words the other side lacks still count", "Tim唔知Maria識講法文。",
              "Tom didn't know that Mary could speak French.", "script"},
             {"Chinese by the script weight without its factor", "我们决定举行私人婚礼。",
              "We've decided to have a private wedding ceremony.", "", "length-ratio.per-language=false"},
             {"the script weight can still be set", "我们决定举行私人婚礼。",
              "We've decided to have a private wedding ceremony.", "length-ratio",
              "length-ratio.per-language=false length-ratio.cjk-weight=1"}},
            "zh", "en");
  const std::vector<Case> ja = {
      {"Japanese mixes kana and kanji", "私は日本語を話します。", "I speak Japanese.", ""},
      {"Korean hangul with spaces", "나는 한국어를 합니다.", "I speak Korean.", "script"},
  };
  run_cases(ja, "ja", "en");
}

TEST_CASE("bitext rules: a language outside the table skips script and lang-id on its side") {
  ScriptedLid lid;
  const Language kabyle{"kab", "", "", ""};
  const BitextFilter f = make_filter(kabyle, **find_language("en"), &lid);
  // Cyrillic letters would fail `script` for a Latin-script language, and the scripted identifier
  // answers English: neither rule judges the Kabyle side.
  CHECK(first_failed(f, "Azul fell-awen, Это.", "Hello everyone, this.") == "");
  // The English side is still judged.
  CHECK(first_failed(f, "Azul fell-awen.", "[fr:0.9] Bonjour tout le monde.") == "lang-id");
}

TEST_CASE("bitext rules: a language the identifier cannot name skips lang-id on its side") {
  ScriptedLid lid;
  const BitextFilter f = make_filter(**find_language("tlh"), **find_language("en"), &lid, "numbers=off");
  // The scripted identifier calls the Klingon side English; without can_name it would fail.
  CHECK(first_failed(f, "nuqneH, jIyaj.", "[en:0.99] Hello, I understand.") == "");
  CHECK(first_failed(f, "nuqneH, jIyaj.", "[fr:0.99] Bonjour, je comprends.") == "lang-id");
}

TEST_CASE("bitext rules: parameters out of range are errors naming them") {
  ScriptedLid lid;
  const char* bad[] = {"length-ratio.max=0.5", "letters.min-ratio=1.5", "identical.max-similarity=-1",
                       "lang-id.min-prob=2",   "script.min-ratio=-0.1", "repeated-words.max-run=0",
                       "length.min-words=-1",  "lang-id.top=0",         "length-ratio.max-cut=0.9"};
  const Language& de = **find_language("de");
  const Language& en = **find_language("en");
  for (const char* s : bad) {
    auto f = create_with(de, en, &lid, s);
    REQUIRE_FALSE(f.has_value());
    const std::string rule_param(s, std::string_view(s).find('='));
    CHECK_MESSAGE(f.status().message().find(rule_param) != std::string::npos, f.status().message());
  }
  CHECK_FALSE(create_with(de, en, &lid, "length.max-words=0").has_value());

  // Two bad values at once: the error names the one the table lists first (rules in evaluation
  // order, then parameters in their rule's order), whichever order they are given in.
  auto position = [](std::string_view setting) {
    const std::string_view rule = setting.substr(0, setting.find('.'));
    const std::string_view param = setting.substr(rule.size() + 1, setting.find('=') - rule.size() - 1);
    const auto& specs = bitext_rule_specs();
    for (size_t r = 0; r < specs.size(); ++r) {
      for (size_t q = 0; specs[r].name == rule && q < specs[r].params.size(); ++q) {
        if (specs[r].params[q].name == param) return r * 100 + q;
      }
    }
    FAIL("not in the table: ", setting);
    return size_t{0};
  };
  for (const char* x : bad) {
    for (const char* y : bad) {
      if (std::string_view(x) == y) continue;
      auto f = create_with(de, en, &lid, std::string(x) + " " + y);
      REQUIRE_FALSE(f.has_value());
      const std::string_view first = position(x) < position(y) ? x : y;
      CHECK_MESSAGE(f.status().message().starts_with(first.substr(0, first.find('='))), x, " + ", y, ": ",
                    f.status().message());
    }
  }
  // lang-id needs an identifier unless it is off.
  CHECK_FALSE(create_with(de, en, nullptr).has_value());
  CHECK(create_with(de, en, nullptr, "lang-id=off").has_value());
}

}  // namespace
}  // namespace bitmill::filter
