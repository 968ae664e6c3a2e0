#include "bitmill/util/size.h"

#include <doctest/doctest.h>

namespace bitmill {
namespace {

TEST_CASE("parse_size reads sort -S style sizes") {
  struct Row {
    const char* text;
    bool ok;
    uint64_t bytes;
  };
  const Row rows[] = {
      {"100", true, 100},
      {"1K", true, 1024},
      {"512M", true, 512ull << 20},
      {"4G", true, 4ull << 30},
      {"4g", true, 4ull << 30},
      {"1.5G", true, 3ull << 29},
      {"2GiB", true, 2ull << 30},
      {"64MB", true, 64ull << 20},
      {"1T", true, 1ull << 40},
      {"", false, 0},
      {"G", false, 0},
      {"-1M", false, 0},
      {"1X", false, 0},
      {"1.2.3M", false, 0},
      {"99999999999T", false, 0},
  };
  for (const auto& r : rows) {
    CAPTURE(r.text);
    auto v = parse_size(r.text);
    CHECK(v.has_value() == r.ok);
    if (r.ok && v.has_value()) CHECK(*v == r.bytes);
  }
}

TEST_CASE("format_size") {
  CHECK(format_size(10) == "10 B");
  CHECK(format_size(1536) == "1.5 KiB");
  CHECK(format_size(3ull << 30) == "3.0 GiB");
}

}  // namespace
}  // namespace bitmill
