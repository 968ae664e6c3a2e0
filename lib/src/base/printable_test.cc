#include "bitmill/base/printable.h"

#include <doctest/doctest.h>

namespace bitmill {
namespace {

TEST_CASE("printable: well-formed UTF-8 passes, controls and malformed bytes are escaped") {
  struct Row {
    std::string in, out;
  };
  const Row rows[] = {
      {"plain text, 100%", "plain text, 100%"},
      {"Grüße, 日本語, ไทย, 🙂", "Grüße, 日本語, ไทย, 🙂"},
      {"two\nlines", "two\\nlines"},
      {"crlf\r\n", "crlf\\r\\n"},
      {"a\tb", "a\\tb"},
      {std::string("nul\0x", 5), "nul\\x00x"},
      {"\x1b[31mred\x1b[0m", "\\x1B[31mred\\x1B[0m"},
      {"del\x7f", "del\\x7F"},
      {"\xff\xfe", "\\xFF\\xFE"},
      {"lone \x80 continuation", "lone \\x80 continuation"},
      {"cut \xe6\x97", "cut \\xE6\\x97"},            // a truncated 3-byte sequence
      {"overlong \xc0\xaf", "overlong \\xC0\\xAF"},  // '/' in two bytes
      {"overlong \xe0\x80\xaf", "overlong \\xE0\\x80\\xAF"},
      {"surrogate \xed\xa0\x80", "surrogate \\xED\\xA0\\x80"},
      {"too high \xf4\x90\x80\x80", "too high \\xF4\\x90\\x80\\x80"},
      {"c1 \xc2\x9b"
       "1m",
       "c1 \\u{009B}1m"},  // CSI, the 8-bit escape
      {"nbsp \xc2\xa0.", "nbsp \xc2\xa0."},
      {"", ""},
  };
  for (const Row& r : rows) {
    CAPTURE(r.in);
    CHECK(printable(r.in) == r.out);
  }
}

TEST_CASE("printable: Lines::kKeep keeps newlines and nothing else") {
  CHECK(printable("a\nb\x1b", Lines::kKeep) == "a\nb\\x1B");
  CHECK(printable("a\r\n", Lines::kKeep) == "a\\r\n");
}

}  // namespace
}  // namespace bitmill
