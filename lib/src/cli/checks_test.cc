#include "bitmill/cli/checks.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <string>

namespace bitmill::cli {
namespace {

// The error a validator gives for `value` ("" when it accepts it).
std::string check(const CLI::Validator& v, std::string value) { return v(value); }

TEST_CASE("count_in: decimal digits only, inside the range, never a wrapped negative") {
  const CLI::Validator v = count_in(0, 1024);
  struct Row {
    const char* value;
    bool ok;
  };
  const Row rows[] = {
      {"0", true},
      {"1", true},
      {"1024", true},
      {"0007", true},
      {"1025", false},
      {"-1", false},
      {"+1", false},
      {" 5", false},
      {"5 ", false},
      {"", false},
      {"1e3", false},
      {"0x10", false},
      {"abc", false},
      {"3.0", false},
      {"4294967295", false},
      {"18446744073709551615", false},
      {"18446744073709551616", false},
      {"99999999999999999999999", false},
  };
  for (const Row& r : rows) {
    CAPTURE(r.value);
    CHECK(check(v, r.value).empty() == r.ok);
  }
  CHECK(check(v, "-1") == "'-1' is not a whole number from 0 to 1024");
  CHECK(check(count_in(1, UINT64_MAX), "18446744073709551615").empty());
  CHECK(!check(count_in(16, 32), "15").empty());
}

TEST_CASE("count_in: the value echoed in the error is short and printable") {
  const std::string msg = check(count_in(1, 2), std::string("\x1b[31m\n") + std::string(100, '9'));
  CHECK(msg.find('\x1b') == std::string::npos);
  CHECK(msg.find('\n') == std::string::npos);
  CHECK(msg.size() < 100);
}

TEST_CASE("a_number: decimal numbers and infinities, never NaN") {
  const CLI::Validator v = a_number();
  for (const char* ok : {"0", "0.5", "-1", "1e-3", "1.07", "inf", "-inf", "+2"}) {
    CAPTURE(ok);
    CHECK(check(v, ok).empty());
  }
  for (const char* bad : {"nan", "NaN", "-nan", "", "1.0x", "0x1p3", "abc", " 1"}) {
    CAPTURE(bad);
    CHECK(!check(v, bad).empty());
  }
}

TEST_CASE("a_number_or: the word, or a number as a_number() reads it") {
  const CLI::Validator v = a_number_or("none");
  for (const char* ok : {"none", "1.07", "-inf"}) {
    CAPTURE(ok);
    CHECK(check(v, ok).empty());
  }
  for (const char* bad : {"None", "nan", "", "none ", "0x10"}) {
    CAPTURE(bad);
    CHECK(check(v, bad).find("is not a number or 'none'") != std::string::npos);
  }
}

}  // namespace
}  // namespace bitmill::cli
