#include "bitmill/filter/numbers.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "filter/extract_test_util.h"

namespace bitmill::filter {
namespace {

using extract_testing::check_rows;
using extract_testing::Row;

// ---------------------------------------------------------------------------------------------
// extract_numbers

TEST_CASE("extract_numbers returns digit runs in ASCII") {
  const std::vector<Row> rows = {
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
  check_rows(extract_numbers, rows);
}

}  // namespace
}  // namespace bitmill::filter

// numbers_disagree

namespace bitmill::filter {
namespace {

std::vector<std::string> nums(const char* text) {
  std::vector<std::string> out;
  extract_numbers(text, out);
  return out;
}

bool disagree(const char* a, const char* b) { return numbers_disagree(nums(a), nums(b)); }

TEST_CASE("numbers_disagree: a changed number disagrees, a repeated, short or one-sided one does not") {
  CHECK(!disagree("Ich habe 3 Katzen.", "I have 3 cats."));
  CHECK(disagree("Ich habe 3 Katzen.", "I have 4 cats."));
  CHECK(disagree("Geboren 1973 in Rom.", "Born in 6973 in Rome."));  // the noise benchmark's change
  CHECK(disagree("La loi 2007.", "The 2017 act."));
  // Sets: a number written twice on one side is one number.
  CHECK(!disagree("229இ (HCoV-229E)", "HCoV-229E"));
  // One side's extra numbers beside shared ones: spelled out or left out on the other side.
  CHECK(!disagree("6 Beamte, 2019 verletzt", "Six officers hurt in 2019"));
  CHECK(!disagree("", "There were 20 of us."));
  // A year written short: the shorter (2 digits or more) ends the longer.
  CHECK(!disagree("dans les années 30", "in the 1930s"));
  CHECK(disagree("dans les années 3", "in the 1933s"));  // one digit is too little to tell
  CHECK(disagree("im Jahr 1930 und 40 Leute", "in 1930 and 50 people"));
  // Leading zeros and the 12-hour clock.
  CHECK(!disagree("À 07h55, la femme", "At 7.55am the woman"));
  CHECK(!disagree("mercredi à 15 h", "at 3 p.m. on Wednesday"));
  CHECK(!disagree("a las 15:00", "at 3 p.m."));
  CHECK(disagree("um 15 Uhr", "at 4 p.m."));
  // Unit conversions are not guessed without units: a changed digit would too often pass.
  CHECK(disagree("a 27 metros de la portería", "30 yards out"));
  CHECK(disagree("Im Jahr 11 kamen", "In year 18 came"));  // 11 miles would be 18 km
  // Pairs are one to one: one number cannot explain two.
  CHECK(disagree("années 30 et 7", "the 1930s and 9"));
  // Every unmatched number must be explained, on both sides.
  CHECK(disagree("années 30 et 7", "the 1930s and 8"));
  std::vector<std::string> ua, ub;
  CHECK(numbers_disagree(nums("3 und 5 und 9"), nums("3 and 6 and 9"), &ua, &ub));
  CHECK(ua == std::vector<std::string>{"5"});
  CHECK(ub == std::vector<std::string>{"6"});
}

}  // namespace
}  // namespace bitmill::filter

// quantities_agree: the rule's second look

namespace bitmill::filter {
namespace {

// What the numbers rule decides: the digit runs disagree and the quantities do not agree.
bool rule_rejects(const char* a, const char* b) { return disagree(a, b) && !quantities_agree(a, b); }

TEST_CASE("quantities_agree: a number with a scale word is its value (NTREX news pairs)") {
  CHECK_FALSE(rule_rejects("38만명 이상의 사람들이", "more than 380,000 people"));
  CHECK_FALSE(rule_rejects("بیش از ۳۸۰ هزار نفر جمعیت", "more than 380,000 people"));
  CHECK_FALSE(rule_rejects("28억 파운드 규모의 영국 뷰티 시장", "the UK's £2.8bn beauty market"));
  CHECK_FALSE(rule_rejects("1억 2500만 파운드에", "for £125m"));
  CHECK_FALSE(rule_rejects("22 억 5 천만 명 이상", "more than 2.25 billion people"));
  CHECK_FALSE(rule_rejects("370 억 달러", "$37 billion"));
  CHECK_FALSE(rule_rejects("37 mil millones de dólares", "$37 billion"));
  CHECK_FALSE(rule_rejects("2 مىليارد 800 مىليون فوندستېرلىڭ", "£2.8bn"));
  CHECK_FALSE(rule_rejects("১০,০০০ লোকের", "10,000 people"));
  // A different value is still a change: "204만" is 2.04 million.
  CHECK(rule_rejects("204만 명 이상의 사람들이", "more than the 20.4 million people"));
  CHECK(rule_rejects("3 Millionen Menschen", "4 million people"));
  CHECK(rule_rejects("38만명", "390,000 people"));
}

TEST_CASE("quantities_agree: an imperial unit converted to metric, rounded") {
  CHECK_FALSE(rule_rejects("jusqu'à 25 cm de pluie", "up to 10 inches of rain"));
  CHECK_FALSE(rule_rejects("hasta 250 mm de lluvia", "up to 10 inches of rain"));
  CHECK_FALSE(rule_rejects("entre 2,5 et 10 cm", "1 to 4 inches"));
  CHECK_FALSE(rule_rejects("۲۵ تا ۱۰۰ میلیمتر باران", "1 to 4 inches of rain"));
  CHECK_FALSE(rule_rejects("l'animal pesant 250 kg", "the 550 pound hog"));
  CHECK_FALSE(rule_rejects("des vents à 137 km/h", "winds of 85 mph"));
  CHECK_FALSE(rule_rejects("à 64 km de la frontière", "within 40 miles of the border"));
  CHECK_FALSE(rule_rejects("27 °C, 6 degrés au-dessus", "80 degrees, 10 degrees above"));
  CHECK_FALSE(rule_rejects("a 27 metros de la portería", "30 yards out"));
  // Conversions that do not hold, and numbers without a unit, are changes.
  CHECK(rule_rejects("227 κιλά", "the 550 pound hog"));  // 500 pounds: a translation error
  CHECK(rule_rejects("jusqu'à 35 cm de pluie", "up to 10 inches of rain"));
  CHECK(rule_rejects("27 personas", "30 people"));
  CHECK(rule_rejects("Im Jahr 11 kamen", "In year 18 came"));
}

}  // namespace
}  // namespace bitmill::filter

namespace bitmill::filter {
namespace {

std::string described(const char* a, const char* b) {
  std::string out;
  describe_numbers(a, b, out);
  return out;
}

TEST_CASE("describe_numbers says what the numbers rule compared") {
  CHECK(described("Ich habe 3 Katzen.", "I have 3 cats.") == "-");
  CHECK(described("", "") == "-");
  CHECK(described("Geboren 1973.", "Born 6973.") == "1973 / 6973 => 1973 / 6973");
  CHECK(described("dans les années 30", "in the 1930s") == "30 / 1930");  // the digit runs pair up
  CHECK(described("6 Beamte, 2019", "officers, 2019") == "6 / -");
  CHECK(described("25 cm", "10 inches") == "25 / 10 => 25 / 10 inch (25~10 inch)");
  CHECK(described("38만명", "380,000 people") == "38 / 380000 => - / -");
  CHECK(described("2.8亿", "3 billion") == "2,8 / 3 => 2.8=280000000 / 3=3000000000");
}

}  // namespace
}  // namespace bitmill::filter
