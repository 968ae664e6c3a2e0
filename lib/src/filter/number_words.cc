#include "filter/number_words.h"

#include <array>

namespace bitmill::filter::detail {
namespace {

struct ScaleWord {
  std::string_view word;
  int exponent;
};

// Whole words, lower case, of languages written with spaces. Listed for the languages of the
// filter's benchmarks and the large ones of news and web text; a word missing here only means
// that a pair writing the number one way on one side and another way on the other fails, as
// it did before the table existed.
constexpr ScaleWord kWholeWords[] = {
    // English and abbreviations used in many languages' news ("£2.8bn", "$11m", "5k").
    {"thousand", 3},
    {"thousands", 3},
    {"k", 3},
    {"million", 6},
    {"millions", 6},
    {"m", 6},
    {"mn", 6},
    {"mln", 6},
    {"billion", 9},
    {"billions", 9},
    {"bn", 9},
    {"bln", 9},
    {"trillion", 12},
    {"tn", 12},
    {"lakh", 5},
    {"lakhs", 5},
    {"crore", 7},
    {"crores", 7},
    // Romance.
    {"mil", 3},
    {"mille", 3},
    {"mila", 3},
    {"mii", 3},
    {"millón", 6},
    {"millones", 6},
    {"milhão", 6},
    {"milhões", 6},
    {"milió", 6},
    {"milions", 6},
    {"milione", 6},
    {"milioni", 6},
    {"milion", 6},
    {"milioane", 6},
    {"milliard", 9},
    {"milliards", 9},
    {"miliardo", 9},
    {"miliardi", 9},
    {"bilhão", 9},
    {"bilhões", 9},
    {"miliard", 9},
    {"miliarde", 9},
    // Germanic.
    {"tausend", 3},
    {"tsd", 3},
    {"duizend", 3},
    {"tusen", 3},
    {"tusind", 3},
    {"þúsund", 3},
    {"mio", 6},
    {"millionen", 6},
    {"miljoen", 6},
    {"miljoenen", 6},
    {"miljon", 6},
    {"miljoner", 6},
    {"millioner", 6},
    {"milljónir", 6},
    {"mrd", 9},
    {"milliarden", 9},
    {"miljard", 9},
    {"miljarden", 9},
    {"miljarder", 9},
    {"milliarder", 9},
    {"billionen", 12},
    // Slavic, Baltic, Finnic, Hungarian, Turkic.
    {"tys", 3},
    {"tisíc", 3},
    {"tisoč", 3},
    {"tūkst", 3},
    {"tūkstančių", 3},
    {"tuhat", 3},
    {"tuhatta", 3},
    {"ezer", 3},
    {"bin", 3},
    {"тыс", 3},
    {"тысяч", 3},
    {"тысячи", 3},
    {"тысяча", 3},
    {"тис", 3},
    {"тисяч", 3},
    {"тисячі", 3},
    {"хиляди", 3},
    {"хил", 3},
    {"хиљада", 3},
    {"илјади", 3},
    {"мың", 3},
    {"миң", 3},
    {"мин", 3},
    {"min", 3},
    {"ming", 3},
    {"miliony", 6},
    {"milionów", 6},
    {"milionu", 6},
    {"miliónov", 6},
    {"milijonov", 6},
    {"milijona", 6},
    {"miljoni", 6},
    {"miljonit", 6},
    {"miljoonaa", 6},
    {"millió", 6},
    {"milyon", 6},
    {"млн", 6},
    {"миллион", 6},
    {"миллиона", 6},
    {"миллионов", 6},
    {"мільйон", 6},
    {"мільйона", 6},
    {"мільйонів", 6},
    {"милион", 6},
    {"милиона", 6},
    {"милиони", 6},
    {"миллиард", 9},
    {"миллиарда", 9},
    {"миллиардов", 9},
    {"млрд", 9},
    {"мільярд", 9},
    {"мільярдів", 9},
    {"милијарди", 9},
    {"милиарда", 9},
    {"mld", 9},
    {"miliardy", 9},
    {"miliardów", 9},
    {"milijard", 9},
    {"milyar", 9},
    {"milliárd", 9},
    {"miljardi", 9},
    {"miljardit", 9},
    {"trilyon", 12},
    {"трлн", 12},
    {"триллион", 12},
    // Greek, Hebrew, Arabic script, Armenian, Georgian.
    {"χιλιάδες", 3},
    {"χιλ", 3},
    {"εκατομμύρια", 6},
    {"εκατομμύριο", 6},
    {"εκατ", 6},
    {"δισεκατομμύρια", 9},
    {"δισ", 9},
    {"אלף", 3},
    {"אלפי", 3},
    {"מיליון", 6},
    {"מיליארד", 9},
    {"ألف", 3},
    {"آلاف", 3},
    {"الف", 3},
    {"مليون", 6},
    {"ملايين", 6},
    {"مليار", 9},
    {"مليارات", 9},
    {"هزار", 3},
    {"میلیون", 6},
    {"میلیارد", 9},
    {"ہزار", 3},
    {"لاکھ", 5},
    {"ملین", 6},
    {"کروڑ", 7},
    {"ارب", 9},
    {"زره", 3},
    {"میلیونه", 6},
    {"հազար", 3},
    {"միլիոն", 6},
    {"միլիարդ", 9},
    {"ათასი", 3},
    {"მილიონი", 6},
    {"მილიარდი", 9},
    // Indic.
    {"हज़ार", 3},
    {"हजार", 3},
    {"लाख", 5},
    {"मिलियन", 6},
    {"करोड़", 7},
    {"करोड", 7},
    {"अरब", 9},
    {"बिलियन", 9},
    {"হাজার", 3},
    {"হাজারের", 3},
    {"লাখ", 5},
    {"লক্ষ", 5},
    {"মিলিয়ন", 6},
    {"কোটি", 7},
    {"বিলিয়ন", 9},
    {"ஆயிரம்", 3},
    {"லட்சம்", 5},
    {"மில்லியன்", 6},
    {"கோடி", 7},
    {"பில்லியன்", 9},
    {"వేల", 3},
    {"వేలు", 3},
    {"లక్ష", 5},
    {"లక్షల", 5},
    {"మిలియన్", 6},
    {"కోటి", 7},
    {"కోట్ల", 7},
    {"బిలియన్", 9},
    {"ಸಾವಿರ", 3},
    {"ಲಕ್ಷ", 5},
    {"ಮಿಲಿಯನ್", 6},
    {"ಕೋಟಿ", 7},
    {"ಬಿಲಿಯನ್", 9},
    {"ആയിരം", 3},
    {"ലക്ഷം", 5},
    {"ദശലക്ഷം", 6},
    {"കോടി", 7},
    {"ശതകോടി", 9},
    {"ਹਜ਼ਾਰ", 3},
    {"ਲੱਖ", 5},
    {"ਮਿਲੀਅਨ", 6},
    {"ਕਰੋੜ", 7},
    {"ਹਜਾਰ", 3},
    {"हजारौं", 3},
    {"મિલિયન", 6},
    {"હજાર", 3},
    {"લાખ", 5},
    {"કરોડ", 7},
    {"දහස", 3},
    {"මිලියන", 6},
    {"බිලියන", 9},
    // African languages, South-East Asian languages written with spaces.
    {"elfu", 3},
    {"bilioni", 9},
    {"dubu", 3},
    {"miliyan", 6},
    {"biliyan", 9},
    {"kuma", 3},
    {"ሺህ", 3},
    {"ሺ", 3},
    {"ሚሊዮን", 6},
    {"ቢሊዮን", 9},
    {"ribu", 3},
    {"juta", 6},
    {"miliar", 9},
    {"bilion", 9},
    {"triliun", 12},
    {"nghìn", 3},
    {"ngàn", 3},
    {"triệu", 6},
    {"tỷ", 9},
    {"tỉ", 9},
    {"libo", 3},
    {"مىڭ", 3},
    {"مىليون", 6},
    {"مىليارد", 9},
    {"milliard", 9},
    {"bilyon", 9},
};

// Starts of words in languages written without spaces: the scale character is followed by
// whatever comes next ("38만명", "380万人"); matched repeatedly ("천만" = 10^7).
constexpr ScaleWord kPrefixes[] = {
    {"千", 3},  {"万", 4}, {"萬", 4},  {"亿", 8},  {"億", 8},   {"兆", 12},   {"천", 3},  {"만", 4},  {"억", 8},
    {"조", 12}, {"พัน", 3}, {"หมื่น", 4}, {"แสน", 5}, {"ล้าน", 6},  {"ພັນ", 3},    {"ໝື່ນ", 4},  {"ແສນ", 5}, {"ລ້ານ", 6},
    {"ពាន់", 3}, {"ម៉ឺន", 4}, {"សែន", 5}, {"លាន", 6}, {"ထောင်", 3}, {"သောင်း", 4}, {"သိန်း", 5}, {"သန်း", 6},
};

constexpr double kInch[] = {2.54, 25.4, 0.0254};
constexpr double kFoot[] = {0.3048, 30.48};
constexpr double kYard[] = {0.9144};
constexpr double kMile[] = {1.609344, 1609.344};
constexpr double kPound[] = {0.45359237, 453.59237};
constexpr double kOunce[] = {28.349523, 29.573530};  // weight (g) and fluid (ml)
constexpr double kGallon[] = {3.785412};
constexpr double kAcre[] = {0.40468564, 4046.8564};
constexpr double kTon[] = {0.90718474, 1.0160469};  // short and long ton, in tonnes

const ImperialUnit kInchUnit{"inch", kInch};
const ImperialUnit kFootUnit{"foot", kFoot};
const ImperialUnit kYardUnit{"yard", kYard};
const ImperialUnit kMileUnit{"mile", kMile};
const ImperialUnit kPoundUnit{"pound", kPound};
const ImperialUnit kOunceUnit{"ounce", kOunce};
const ImperialUnit kGallonUnit{"gallon", kGallon};
const ImperialUnit kAcreUnit{"acre", kAcre};
const ImperialUnit kTonUnit{"ton", kTon};
const ImperialUnit kFahrenheitUnit{"°F", {}, true};

struct UnitWord {
  std::string_view word;
  const ImperialUnit* unit;
};

const UnitWord kUnitWords[] = {
    {"inch", &kInchUnit},
    {"inches", &kInchUnit},
    {"foot", &kFootUnit},
    {"feet", &kFootUnit},
    {"ft", &kFootUnit},
    {"yard", &kYardUnit},
    {"yards", &kYardUnit},
    {"yd", &kYardUnit},
    {"yds", &kYardUnit},
    {"mile", &kMileUnit},
    {"miles", &kMileUnit},
    {"mph", &kMileUnit},
    {"pound", &kPoundUnit},
    {"pounds", &kPoundUnit},
    {"lb", &kPoundUnit},
    {"lbs", &kPoundUnit},
    {"ounce", &kOunceUnit},
    {"ounces", &kOunceUnit},
    {"oz", &kOunceUnit},
    {"gallon", &kGallonUnit},
    {"gallons", &kGallonUnit},
    {"acre", &kAcreUnit},
    {"acres", &kAcreUnit},
    {"ton", &kTonUnit},
    {"tons", &kTonUnit},
    {"degree", &kFahrenheitUnit},
    {"degrees", &kFahrenheitUnit},
    {"f", &kFahrenheitUnit},
    {"fahrenheit", &kFahrenheitUnit},
};

}  // namespace

int scale_exponent(std::string_view word) {
  if (word.empty()) return 0;
  for (const ScaleWord& s : kWholeWords) {
    if (s.word == word) return s.exponent;
  }
  int exponent = 0;
  bool found = true;
  while (found && !word.empty()) {
    found = false;
    for (const ScaleWord& s : kPrefixes) {
      if (word.starts_with(s.word)) {
        exponent += s.exponent;
        word.remove_prefix(s.word.size());
        found = true;
        break;
      }
    }
  }
  return exponent;
}

const ImperialUnit* imperial_unit(std::string_view word) {
  for (const UnitWord& u : kUnitWords) {
    if (u.word == word) return u.unit;
  }
  return nullptr;
}

}  // namespace bitmill::filter::detail
