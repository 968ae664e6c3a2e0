// Helper of the unit tests of the extractors the bitext rules compare between the sides
// (numbers_test.cc, urls_test.cc): a table of texts and what each gives.
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

namespace bitmill::filter::extract_testing {

// extract_numbers, extract_urls: replace `out` with what `text` holds.
using Extractor = void (*)(std::string_view text, std::vector<std::string>& out);

struct Row {
  std::string text;
  std::vector<std::string> expected;
};

// Runs every row through one output vector that starts with stale content, which must go.
inline void check_rows(Extractor extract, const std::vector<Row>& rows) {
  std::vector<std::string> out = {"stale", "values", "here", "and", "more"};
  for (const Row& r : rows) {
    CAPTURE(r.text);
    extract(r.text, out);
    CHECK(out == r.expected);
  }
}

}  // namespace bitmill::filter::extract_testing
