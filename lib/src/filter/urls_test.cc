#include "bitmill/filter/urls.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "filter/extract_test_util.h"

namespace bitmill::filter {
namespace {

using extract_testing::check_rows;
using extract_testing::Row;

// ---------------------------------------------------------------------------------------------
// extract_urls

TEST_CASE("extract_urls finds URLs and e-mail addresses") {
  const std::vector<Row> rows = {
      {"", {}},
      {"no links here, just text.", {}},
      {"See https://example.com/path.", {"https://example.com/path"}},
      {"(see http://Example.COM/A?b=C)", {"http://example.com/A?b=C"}},
      {"HTTPS://EXAMPLE.COM/Path", {"https://example.com/Path"}},
      {"https://en.wikipedia.org/wiki/Foo_(bar)", {"https://en.wikipedia.org/wiki/Foo_(bar)"}},
      {"(https://en.wikipedia.org/wiki/Foo_(bar)).", {"https://en.wikipedia.org/wiki/Foo_(bar)"}},
      {"Visit www.Example.org, or WWW.TEST.DE!", {"www.example.org", "www.test.de"}},
      {"ftp://files.example.com/a.txt; done", {"ftp://files.example.com/a.txt"}},
      {"«https://example.com»", {"https://example.com"}},
      {"<http://a.com>", {"http://a.com"}},
      {"'https://a.com/x?y=1&z=2#frag'", {"https://a.com/x?y=1&z=2#frag"}},
      {"\"http://a.com\",", {"http://a.com"}},
      {"请访问https://example.com获取更多信息。", {"https://example.com"}},
      {"https://zh.wikipedia.org/wiki/中国。", {"https://zh.wikipedia.org/wiki/中国"}},
      {"https://de.wikipedia.org/wiki/Köln?!", {"https://de.wikipedia.org/wiki/Köln"}},
      {"http:// nothing", {}},
      {"http://", {}},
      {"www. nothing", {}},
      {"awww.example.com xhttp://a.com", {}},
      {"Mail John.Doe@Example.COM.", {"John.Doe@example.com"}},
      {"b@x.com, a@x.com", {"a@x.com", "b@x.com"}},
      {"user@localhost a@b.c @x.com a@-x.com a@x..com", {}},
      {"mailto:info@bitmill.example.org;", {"info@bitmill.example.org"}},
      {"contact: .dots@example.com", {"dots@example.com"}},
      {"http://user@host.com/x and x@y.co", {"http://user@host.com/x", "x@y.co"}},
      {"two: http://a.com http://a.com", {"http://a.com", "http://a.com"}},
  };
  check_rows(extract_urls, rows);
}

}  // namespace
}  // namespace bitmill::filter
