#include "filter/quantities.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace bitmill::filter::detail {
namespace {

std::vector<Quantity> quantities(const char* text) {
  std::vector<Quantity> out;
  extract_quantities(text, out);
  return out;
}

TEST_CASE("extract_quantities reads values with their decimals and thousands groups") {
  const auto q = quantities("1,000.5 and 1.000,5 and 7,5 and ۲٫۵ and ১০,০০০ and 007");
  REQUIRE(q.size() == 6);
  CHECK(q[0].value == doctest::Approx(1000.5));
  CHECK(q[1].value == doctest::Approx(1000.5));
  CHECK(q[2].value == doctest::Approx(7.5));
  CHECK(q[2].decimals == 1);
  CHECK(q[3].value == doctest::Approx(2.5));    // Persian digits and decimal separator
  CHECK(q[4].value == doctest::Approx(10000));  // Bengali digits in thousands groups
  CHECK(q[5].digits == "7");
  CHECK(quantities("").empty());
  CHECK(quantities("2019, 100").size() == 2);  // a separator and a space: two numbers
}

TEST_CASE("extract_quantities reads scale words after a number in many languages") {
  struct Case {
    const char* text;
    double scaled;
  };
  const Case cases[] = {
      {"£2.8bn", 2.8e9},        {"20.4 million people", 20.4e6},
      {"38만명", 380000},       {"2.8亿", 2.8e8},
      {"1100만 파운드", 1.1e7}, {"380 هزار نفر", 380000},
      {"5 लाख रुपये", 500000},    {"37 mil millones", 37e9},
      {"3 Millionen", 3e6},     {"12 млн.", 12e6},
      {"5 천만", 5e7},          {"1 ล้าน", 1e6},
      {"3 military bases", 3},  // a word that starts like a scale word is none
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    const auto q = quantities(c.text);
    REQUIRE(q.size() == 1);
    CHECK(q[0].scaled == doctest::Approx(c.scaled));
  }
}

TEST_CASE("extract_quantities joins ranges and falling scale words") {
  auto q = quantities("1 to 4 inches of rain");
  REQUIRE(q.size() == 2);
  CHECK(q[0].unit != nullptr);  // the range's unit
  CHECK(q[0].unit == q[1].unit);
  q = quantities("2-3 million");
  REQUIRE(q.size() == 2);
  CHECK(q[0].scaled == doctest::Approx(2e6));
  q = quantities("1억 2500만 파운드");
  REQUIRE(q.size() == 1);
  CHECK(q[0].value == doctest::Approx(1.25e8));
  q = quantities("22 억 5 천만 명");
  REQUIRE(q.size() == 1);
  CHECK(q[0].value == doctest::Approx(2.25e9));
  q = quantities("In 2019, 5 million");  // a comma and a space is no range, and 2019 has no scale
  REQUIRE(q.size() == 2);
  CHECK(q[0].scaled == doctest::Approx(2019));
}

TEST_CASE("extract_quantities reads imperial units, hyphenated and after a degree sign") {
  CHECK(quantities("a 550-pound hog")[0].unit != nullptr);
  CHECK(quantities("80°F")[0].unit != nullptr);
  CHECK(quantities("80 degrees")[0].unit != nullptr);
  CHECK(quantities("85 mph")[0].unit != nullptr);
  CHECK(quantities("27 m")[0].unit == nullptr);
  CHECK(quantities("3 in the morning")[0].unit == nullptr);  // "in" is too common to be inches
}

TEST_CASE("close_to_conversion accepts what translators round to, not other numbers") {
  auto y = [](const char* text) { return quantities(text)[0]; };
  CHECK(close_to_conversion(25.4, y("25")));  // 1.6%
  CHECK(close_to_conversion(249.5, y("250")));
  CHECK(close_to_conversion(5.56, y("6")));         // 8%, within half of the last digit shown
  CHECK(close_to_conversion(11.1, y("10")));        // tens shown
  CHECK_FALSE(close_to_conversion(11.1, y("12")));  // 8% but the units digit is shown
  CHECK_FALSE(close_to_conversion(5.56, y("5")));
  CHECK_FALSE(close_to_conversion(254, y("300")));  // more than 12%
  CHECK_FALSE(close_to_conversion(0, y("0")));
}

}  // namespace
}  // namespace bitmill::filter::detail
