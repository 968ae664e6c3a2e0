#include "bitmill/filter/similarity.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "bitmill/text/utf8.h"

namespace bitmill::filter {
namespace {

// ---------------------------------------------------------------------------------------------
// similarity

// Plain full-matrix Levenshtein over code points, for reference.
size_t reference_distance(const std::u32string& a, const std::u32string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string to_utf8(const std::u32string& s) {
  std::string out;
  for (const char32_t cp : s) append_utf8(cp, out);
  return out;
}

// similarity(a, b, min_interest) is `expected` when that reaches min_interest, else any value
// below min_interest. Returns what similarity() gave.
double check_similarity(const std::string& a, const std::string& b, double min_interest, double expected) {
  CAPTURE(a);
  CAPTURE(b);
  CAPTURE(min_interest);
  const double got = similarity(a, b, min_interest);
  if (expected >= min_interest) {
    CHECK(got == doctest::Approx(expected).epsilon(1e-12));
  } else {
    CHECK(got < min_interest);
  }
  return got;
}

// check_similarity() against the full matrix, at each threshold.
void check_against_reference(const std::u32string& a, const std::u32string& b, std::initializer_list<double> mins) {
  const double len = static_cast<double>(std::max(a.size(), b.size()));
  const double ref = len == 0 ? 1.0 : 1.0 - static_cast<double>(reference_distance(a, b)) / len;
  for (double m : mins) check_similarity(to_utf8(a), to_utf8(b), m, ref);
}

TEST_CASE("similarity of short pairs") {
  struct Row {
    std::string a, b;
    double min_interest;
    double expected;  // exact value expected when >= min_interest; otherwise any value below it
  };
  const Row rows[] = {
      {"", "", 0.0, 1.0},
      {"...", "!!! ", 0.5, 1.0},  // nothing left on either side
      {"abc", "", 0.0, 0.0},
      {"Hello, World!", "hello world", 0.9, 1.0},
      {"Hello, World!", "HELLO -- WORLD", 1.0, 1.0},
      {"kitten", "sitting", 0.0, 1.0 - 3.0 / 7.0},
      {"kitten", "sitting", 0.5, 1.0 - 3.0 / 7.0},
      {"kitten", "sitting", 0.6, -1.0},
      {"flaw", "lawn", 0.0, 0.5},
      {"abcdef", "abcxef", 0.8, 1.0 - 1.0 / 6.0},
      {"abcdefghij", "abcdefghiX", 0.9, 0.9},  // exactly at the threshold
      {"abcdefghij", "abcdefghXY", 0.9, -1.0},
      {"Room ٢٠٢", "room 202", 0.99, 1.0},
      {"ΣΟΦΌΣ", "σοφός", 0.99, 1.0},
      {"café", "cafe\u0301", 0.0, 1.0 - 2.0 / 5.0},  // not normalised: substitute é, insert the accent
      {"abc", "xyz", 0.0, 0.0},
      {"abc", "xyz", 0.1, -1.0},
  };
  for (const Row& r : rows) {
    const double got = check_similarity(r.a, r.b, r.min_interest, r.expected);
    CAPTURE(r.a);
    CAPTURE(r.b);
    CAPTURE(r.min_interest);
    CHECK(similarity(r.b, r.a, r.min_interest) == doctest::Approx(got));
  }
}

TEST_CASE("similarity on 1000-character texts uses the band correctly") {
  // Deterministic pseudo-random text of letters and spaces.
  uint32_t state = 12345;
  auto next = [&state] {
    state = state * 1103515245u + 12345u;
    return (state >> 16) & 0x7FFF;
  };
  std::u32string base;
  while (base.size() < 1000) base.push_back(U"abcdefghijklmnopqrstuvwxyzäöüß"[next() % 30]);

  // Five substitutions: 1 - 5/1000.
  std::u32string five = base;
  for (size_t pos : {10u, 200u, 400u, 600u, 999u}) five[pos] = U'0';
  CHECK(similarity(to_utf8(base), to_utf8(five), 0.99) == doctest::Approx(0.995));
  CHECK(similarity(to_utf8(base), to_utf8(five), 0.996) < 0.996);

  // A shift by one (insert at the front, delete at the end): distance 2.
  std::u32string shifted(1, U'q');  // (built in steps: GCC 12 misreports -Wrestrict on operator+)
  shifted.append(base, 0, 999);
  CHECK(similarity(to_utf8(base), to_utf8(shifted), 0.99) == doctest::Approx(0.998));

  // Against the full matrix, for edits of every kind and thresholds on both sides of the result.
  for (int trial = 0; trial < 20; ++trial) {
    std::u32string b = base;
    const int edits = 1 + trial * 3;
    for (int e = 0; e < edits; ++e) {
      const size_t pos = next() % b.size();
      switch (next() % 3) {
        case 0: b[pos] = U'x'; break;
        case 1: b.erase(pos, 1); break;
        default: b.insert(pos, 1, U'y'); break;
      }
    }
    CAPTURE(trial);
    check_against_reference(base, b, {0.0, 0.5, 0.9, 0.95, 0.97, 0.99, 0.995, 0.999});
  }
}

TEST_CASE("similarity agrees with the full matrix on random short pairs") {
  uint32_t state = 777;
  auto next = [&state] {
    state = state * 1103515245u + 12345u;
    return (state >> 16) & 0x7FFF;
  };
  for (int trial = 0; trial < 500; ++trial) {
    std::u32string a, b;
    const size_t na = next() % 12, nb = next() % 12;
    for (size_t k = 0; k < na; ++k) a.push_back(U"abc"[next() % 3]);
    for (size_t k = 0; k < nb; ++k) b.push_back(U"abc"[next() % 3]);
    check_against_reference(a, b, {0.0, 0.3, 0.5, 0.75, 0.9});
  }
}

}  // namespace
}  // namespace bitmill::filter
