#include "bitmill/filter/language.h"

#include <doctest/doctest.h>

#include <cctype>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace bitmill::filter {
namespace {

// The words of a space-separated list.
std::vector<std::string_view> words(std::string_view list) {
  std::vector<std::string_view> out;
  for (size_t pos = 0; pos < list.size();) {
    size_t end = list.find(' ', pos);
    if (end == std::string_view::npos) end = list.size();
    out.push_back(list.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

TEST_CASE("find_language resolves ISO codes, engine labels and macrolanguage members") {
  struct Case {
    std::string_view code;
    std::string_view iso639_3;
  };
  const Case cases[] = {
      // 2- and 3-letter codes, any case
      {"de", "deu"},
      {"deu", "deu"},
      {"DE", "deu"},
      {"Deu", "deu"},
      {"en", "eng"},
      {"fr", "fra"},
      {"ru", "rus"},
      {"ja", "jpn"},
      {"el", "ell"},
      {"ceb", "ceb"},
      {"war", "war"},
      {"nds", "nds"},
      // ISO 639-2/B
      {"ger", "deu"},
      {"fre", "fra"},
      {"chi", "zho"},
      // macrolanguages and their members
      {"zh", "zho"},
      {"zho", "zho"},
      {"cmn", "zho"},
      {"ar", "ara"},
      {"arb", "ara"},
      {"fa", "fas"},
      {"pes", "fas"},
      {"ms", "msa"},
      {"zsm", "msa"},
      {"no", "nor"},
      {"nb", "nor"},
      {"nob", "nor"},
      {"nn", "nno"},
      {"nno", "nno"},
      {"sh", "hbs"},
      {"hbs", "hbs"},
      {"et", "est"},
      {"ekk", "est"},
      {"bua", "bxr"},
      {"fil", "tgl"},
      // engine labels
      {"zh-Hant", "zho"},
      {"zh_hant", "zho"},
      {"ZH-HANT", "zho"},
      {"iw", "heb"},
      {"he", "heb"},
      {"jw", "jav"},
      {"sr-ME", "cnr"},
      {"als", "gsw"},
      {"eml", "egl"},
      {"bh", "bih"},
      {"blu", "hmn"},
      {"lif", "lif"},
      // individual languages fastText keeps apart from their macrolanguage
      {"yue", "yue"},
      {"wuu", "wuu"},
      {"arz", "arz"},
      {"azb", "azb"},
      {"ckb", "ckb"},
      {"pnb", "pnb"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.code);
    auto l = find_language(c.code);
    REQUIRE(l.has_value());
    CHECK((*l)->iso639_3 == c.iso639_3);
  }
}

TEST_CASE("language entries carry ISO 639-1 codes, names and scripts") {
  struct Case {
    std::string_view code, iso639_1, name, scripts;
  };
  const Case cases[] = {
      {"deu", "de", "German", "Latn"},      {"rus", "ru", "Russian", "Cyrl"},
      {"zho", "zh", "Chinese", "Hani"},     {"jpn", "ja", "Japanese", "Hira Kana Hani"},
      {"kor", "ko", "Korean", "Hang Hani"}, {"srp", "sr", "Serbian", "Cyrl Latn"},
      {"ara", "ar", "Arabic", "Arab"},      {"ell", "el", "Greek", "Grek"},
      {"tha", "th", "Thai", "Thai"},        {"hin", "hi", "Hindi", "Deva"},
      {"heb", "he", "Hebrew", "Hebr"},      {"ceb", "", "Cebuano", "Latn"},
      {"gsw", "", "Alemannic", "Latn"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.code);
    auto l = find_language(c.code);
    REQUIRE(l.has_value());
    CHECK((*l)->iso639_1 == c.iso639_1);
    CHECK((*l)->name == c.name);
    CHECK((*l)->scripts == c.scripts);
  }
}

TEST_CASE("find_language rejects unknown codes naming them") {
  for (std::string_view code : {"xx", "", "de-AT", "__label__de", "german", "qqq", "zz", "a-very-long-code-indeed"}) {
    CAPTURE(code);
    auto l = find_language(code);
    REQUIRE(!l.has_value());
    CHECK(l.status().code() == StatusCode::kInvalidArgument);
    std::string quoted = "\"";  // built piecewise: GCC 12 warns (-Wrestrict) on "x" + string + "x" here
    quoted.append(code);
    quoted.push_back('"');
    CHECK(l.status().message().find(quoted) != std::string::npos);
  }
}

TEST_CASE("every label of fastText lid.176 resolves") {
  // The 176 labels of lid.176.ftz's dictionary, in the model's order.
  const std::string_view labels =
      "en ru de fr it ja es ceb tr pt uk eo pl sv nl he zh hu ar ca fi cs fa sr el vi bg ko no mk ro id th hy da ta "
      "hi hr sh be ka te kk war lt gl sk bn eu sl kn ml mr et az ms sq la bs nn ur lv my tt af oc nds ky ast tl is "
      "ia si gu km br ba uz bo pa vo als ne cy jbo fy mn lb ce ug tg sco sa cv jv min io or as new ga mg an ckb sw "
      "bar lmo yi arz mhr azb sah pnb su bpy pms ilo wuu ku ps ie xmf yue gom li mwl kw sd hsb scn gd pam bh mai "
      "vec mt dv wa mzn am qu eml cbk tk rm os vls yo lo lez so myv diq mrj dsb frr ht gn bxr kv sc nah krc bcl "
      "nap gv av rue xal pfl dty hif co lrc vep tyv";
  size_t n = 0;
  std::set<const Language*> distinct;
  for (const std::string_view label : words(labels)) {
    CAPTURE(label);
    auto l = find_language(label);
    REQUIRE(l.has_value());
    distinct.insert(*l);
    ++n;
  }
  CHECK(n == 176);
  CHECK(distinct.size() == 176);  // no two labels collapse onto one entry
}

TEST_CASE("every language of CLD2 full resolves") {
  // CLD2's LanguageCode() for every language in its per-script tables (kPLangToLanguageLatn and
  // kPLangToLanguageOthr) and its script defaults, except the joke languages (X_BORK_BORK_BORK...).
  const std::string_view codes =
      "en da nl fi fr de iw it ja ko no pl pt ru es sv zh cs el is lv lt ro hu et bg hr sr ga gl tl tr uk hi mk bn "
      "id la ms ml cy ne te sq ta be jw oc ur bh gu th ar ca eo eu ia kn pa gd sw sl mr mt vi fy sk zh-Hant fo su "
      "uz am az ka ti fa bs si nn xh zu gn st tk ky br tw yi so ug ku mn hy lo sd rm af lb my km bo dv chr syr lif "
      "or as co ie kk ln ps qu sn tg tt to yo mi wo ab aa ay ba bi dz fj kl ha ht ik iu ks rw mg na om rn sm sg sa "
      "ss ts tn vo za kha sco lg gv sr-ME ak ig mfe haw ceb ee gaa blu kri loz lua luo new ny os pam nso raj crs "
      "tum ve war nr tlh";
  for (const std::string_view code : words(codes)) {
    CAPTURE(code);
    CHECK(find_language(code).has_value());
  }
}

TEST_CASE("all_languages is sorted with unique codes and well-formed scripts") {
  const auto& all = all_languages();
  REQUIRE(all.size() >= 176);
  std::set<std::string_view> iso3, iso1;
  for (size_t i = 0; i < all.size(); ++i) {
    const Language& l = all[i];
    CAPTURE(l.iso639_3);
    if (i > 0) CHECK(all[i - 1].iso639_3 < l.iso639_3);
    CHECK(l.iso639_3.size() == 3);
    CHECK(iso3.insert(l.iso639_3).second);
    if (!l.iso639_1.empty()) {
      CHECK(l.iso639_1.size() == 2);
      CHECK(iso1.insert(l.iso639_1).second);
    }
    CHECK(!l.name.empty());
    // Space-separated ISO 15924 codes: four letters, the first upper case.
    REQUIRE(!l.scripts.empty());
    for (size_t pos = 0; pos <= l.scripts.size();) {
      size_t end = l.scripts.find(' ', pos);
      if (end == std::string_view::npos) end = l.scripts.size();
      const std::string_view s = l.scripts.substr(pos, end - pos);
      CAPTURE(s);
      CHECK(s.size() == 4);
      CHECK(std::isupper(static_cast<unsigned char>(s[0])));
      for (size_t j = 1; j < s.size(); ++j) CHECK(std::islower(static_cast<unsigned char>(s[j])));
      pos = end + 1;
    }
    // Each entry is found again by its own codes.
    auto by3 = find_language(l.iso639_3);
    REQUIRE(by3.has_value());
    CHECK(*by3 == &l);
    if (!l.iso639_1.empty()) {
      auto by1 = find_language(l.iso639_1);
      REQUIRE(by1.has_value());
      CHECK(*by1 == &l);
    }
  }
}

TEST_CASE("same_language accepts the same entry and the documented groups only") {
  struct Case {
    std::string_view declared, guessed;
    bool same;
  };
  const Case cases[] = {
      {"deu", "de", true},   {"cmn", "zh", true},   {"zh-Hant", "zho", true}, {"nob", "no", true},
      {"no", "nn", true},    {"nn", "no", true},    {"no", "da", true},       {"da", "nn", true},
      {"sh", "sr", true},    {"sr", "hr", true},    {"hr", "bs", true},       {"bs", "sh", true},
      {"sr-ME", "sr", true}, {"ms", "id", true},    {"zsm", "id", true},      {"zh", "yue", true},
      {"wuu", "cmn", true},  {"deu", "eng", false}, {"no", "sv", false},      {"da", "sv", false},
      {"hr", "sl", false},   {"sr", "mk", false},   {"zho", "jpn", false},    {"yue", "jpn", false},
      {"ara", "fas", false}, {"ara", "arz", false}, {"ru", "uk", false},      {"cs", "sk", false},
      {"gsw", "deu", false}, {"ms", "tl", false},
  };
  for (const Case& c : cases) {
    CAPTURE(c.declared);
    CAPTURE(c.guessed);
    auto d = find_language(c.declared);
    auto g = find_language(c.guessed);
    REQUIRE(d.has_value());
    REQUIRE(g.has_value());
    CHECK(same_language(**d, **g) == c.same);
    CHECK(same_language(**g, **d) == c.same);  // symmetric
  }
  // Copies of table entries compare by code.
  const Language copy = **find_language("de");
  CHECK(same_language(copy, **find_language("deu")));
}

}  // namespace
}  // namespace bitmill::filter
