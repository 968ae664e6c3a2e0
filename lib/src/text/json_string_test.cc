#include "bitmill/text/json_string.h"

#include <doctest/doctest.h>

#include <string>

namespace bitmill {
namespace {

TEST_CASE("append_json_escaped writes a JSON string body") {
  std::string out = "x";
  append_json_escaped("a\"b\\c\nd\re\tf\x01g\x1fh é", out);
  CHECK(out == "xa\\\"b\\\\c\\nd\\re\\tf\\u0001g\\u001fh é");
}

}  // namespace
}  // namespace bitmill
