#include "bitmill/base/decimal.h"

#include <doctest/doctest.h>

#include <cmath>
#include <initializer_list>
#include <string>

namespace bitmill {
namespace {

TEST_CASE("parse_decimal: decimal numbers and infinities, nothing else") {
  CHECK(parse_decimal("1.06") == 1.06);
  CHECK(parse_decimal("-2") == -2.0);
  CHECK(parse_decimal("1e-3") == 1e-3);
  CHECK(parse_decimal(".5") == 0.5);
  CHECK(parse_decimal("+3") == 3.0);
  CHECK(parse_decimal("inf") == INFINITY);
  CHECK(parse_decimal("-inf") == -INFINITY);
  CHECK(parse_decimal("-Infinity") == -INFINITY);
  for (const std::string& bad :
       std::initializer_list<std::string>{"", " 1", "1 ", "\t1", "1\n", "0x10", "0X1p3", "nan", "NAN", "-nan", "1.0.0",
                                          "1,5", "e5", "1e", "abc", "--1", std::string("1\0", 2)}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_decimal(bad).has_value());
  }
}

}  // namespace
}  // namespace bitmill
