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
