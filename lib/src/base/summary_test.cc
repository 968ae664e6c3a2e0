#include "bitmill/base/summary.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <regex>
#include <string>

namespace bitmill {
namespace {

// What tests/cli/run.sh replaces by [TIME] (its sed expression, as an ECMAScript regex), and the
// shorter form that scripts/dev/same_output.sh also accepts.
const std::regex kTimeRate(R"( \[[0-9.]+ (s|min [0-9]+ s|h [0-9]+ min), [0-9.]+ [kMGT]?B/s\]$)");
const std::regex kTime(R"( \[[0-9.]+ (s|min [0-9]+ s|h [0-9]+ min)\]$)");

TEST_CASE("cli: the summary's time suffixes have the form the golden tests normalise") {
  for (const double secs : {0.0, 0.04, 1.5, 59.9, 61.0, 3599.0, 3700.0, 90000.0}) {
    CAPTURE(secs);
    for (const uint64_t bytes : {uint64_t{0}, uint64_t{999}, uint64_t{81'000'000}, uint64_t{1} << 50}) {
      CHECK(std::regex_search(time_rate_suffix(secs, bytes), kTimeRate));
    }
    CHECK(std::regex_search(time_suffix(secs), kTime));
  }
}

TEST_CASE("cli: per_second is 0 when no time has passed") {
  CHECK(per_second(100, 0) == 0);
  CHECK(per_second(100, 4) == 25);
}

TEST_CASE("cli: in_kept_text counts in, kept and dropped, with the dropped share to one decimal") {
  char pct[32];
  std::snprintf(pct, sizeof pct, "%.1f", 100.0 * 2 / 3);
  std::string want = "3 lines in, 1 kept, 2 removed (";
  want.append(pct).append("%)");
  CHECK(in_kept_text(3, "line", 1, 2, "removed") == want);
  CHECK(in_kept_text(1, "row", 1, 0, "rejected") == "1 row in, 1 kept, 0 rejected (0.0%)");
  CHECK(in_kept_text(0, "line", 0, 0, "removed") == "0 lines in, 0 kept, 0 removed (0.0%)");
  CHECK(in_kept_text(1234567, "line", 1234000, 567, "removed") ==
        "1,234,567 lines in, 1,234,000 kept, 567 removed (0.0%)");
}

}  // namespace
}  // namespace bitmill
