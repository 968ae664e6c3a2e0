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
