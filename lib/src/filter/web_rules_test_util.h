// Helpers of the web rules' unit tests (web_rules_test.cc and the families' web_*_test.cc).
#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bitmill/filter/web_rules.h"

namespace bitmill::filter::web_testing {

// n copies of s joined by sep.
inline std::string rep(std::string_view s, int n, std::string_view sep) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    if (i > 0) out += sep;
    out += s;
  }
  return out;
}

inline uint64_t bit_of(std::string_view rule) {
  const int i = WebFilter::rule_index(rule);
  REQUIRE(i >= 0);
  return uint64_t{1} << i;
}

// A filter with only `rule` switched on, then the assignments applied.
inline WebFilter only(std::string_view rule, std::vector<std::string> sets = {}) {
  RuleConfig c(FilterMode::kMono);
  for (const auto& spec : web_rule_specs()) {
    REQUIRE(c.set_enabled(spec.name, spec.name == rule).is_ok());
  }
  for (const auto& s : sets) REQUIRE(c.set(s).is_ok());
  auto f = WebFilter::create(c);
  REQUIRE(f.has_value());
  return std::move(f).value();
}

inline WebFilter defaults() {
  RuleConfig c(FilterMode::kMono);
  auto f = WebFilter::create(c);
  REQUIRE(f.has_value());
  return std::move(f).value();
}

inline uint64_t run(const WebFilter& f, std::string_view text, std::string_view lang = "en", bool first_only = false) {
  WebScratch s;
  std::string cleaned;
  bool changed = false;
  return f.check(text, lang, first_only, s, cleaned, &changed);
}

struct Case {
  std::string text;
  bool fails;
  std::string why;
};

// Runs every case against a filter with only `rule` on.
inline void check_cases(std::string_view rule, const std::vector<Case>& cases, std::vector<std::string> sets = {}) {
  const WebFilter f = only(rule, std::move(sets));
  for (const auto& c : cases) {
    CAPTURE(rule);
    CAPTURE(c.why);
    CAPTURE(c.text);
    CHECK(run(f, c.text) == (c.fails ? bit_of(rule) : 0));
  }
}

}  // namespace bitmill::filter::web_testing
