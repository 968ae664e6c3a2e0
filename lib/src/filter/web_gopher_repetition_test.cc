#include "bitmill/filter/web_rules.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "filter/web_rules_test_util.h"

namespace bitmill::filter {
namespace {

using namespace web_testing;

TEST_CASE("gopher-dup-paragraphs and gopher-dup-lines") {
  // 10 paragraphs / lines: 3 repeat an earlier one (0.3, kept), then 4 (0.4 > 0.3, rejected).
  auto doc = [](int dups, std::string_view sep) {
    std::vector<std::string> parts;
    for (int i = 0; i < 10 - dups; ++i) parts.push_back("unique part " + std::to_string(i));
    for (int i = 0; i < dups; ++i) parts.push_back("unique part 0");
    std::string out;
    for (const auto& p : parts) out += std::string(out.empty() ? "" : sep) + p;
    return out;
  };
  check_cases("gopher-dup-paragraphs",
              {{doc(3, "\n\n"), false, "3 of 10"},
               {doc(4, "\n\n"), true, "4 of 10"},
               {doc(4, "\n\n\n\n"), true, "a run of blank lines is one break"},
               {doc(9, "\n"), false, "single newlines: one paragraph"},
               {"\n\n" + doc(3, "\n\n") + "\n\n", false, "stripped first: no empty paragraphs"}});
  check_cases("gopher-dup-lines", {{doc(3, "\n"), false, "3 of 10"},
                                   {doc(4, "\n"), true, "4 of 10"},
                                   {doc(3, "\n\n\n"), false, "blank lines are not lines"}});
  // Lines split the unstripped text: "\nab\ncd\n" has 4 elements, "", "ab", "cd", "", one a repeat.
  check_cases("gopher-dup-lines", {{"\nab\ncd\n", true, "0.25"}, {"ab\ncd", false, "0"}}, {"gopher-dup-lines.max=0.2"});
}

TEST_CASE("gopher-dup-paragraph-chars and gopher-dup-line-chars") {
  // U + sep + D + sep + D, with |D| = 10: the repeat's 10 characters over len(text).
  const std::string d(10, 'd');
  // Paragraphs: len = u + 20 + 4; u = 26 gives 10/50 = 0.2 (kept), u = 25 gives 10/49 (rejected).
  check_cases("gopher-dup-paragraph-chars", {{std::string(26, 'u') + "\n\n" + d + "\n\n" + d, false, "10/50"},
                                             {std::string(25, 'u') + "\n\n" + d + "\n\n" + d, true, "10/49"}});
  // Lines: len = u + 20 + 2; u = 28 gives 10/50, u = 27 gives 10/49.
  check_cases("gopher-dup-line-chars", {{std::string(28, 'u') + "\n" + d + "\n" + d, false, "10/50"},
                                        {std::string(27, 'u') + "\n" + d + "\n" + d, true, "10/49"}});
}

TEST_CASE("gopher-top-ngrams") {
  // G + " " + FILLER + " " + G, G = n two-letter words: the top n-gram is G (count 2, the others 1),
  // scored 2 * (3n - 1) characters; len(text) = 2 * (3n - 1) + 2 + |FILLER|.
  struct Row {
    int n;
    size_t keep_len, reject_len;  // smallest len kept, largest rejected
  };
  // 10/50 = 0.2; 16/89 = 0.1798 <= 0.18 < 16/88; 22/138 = 0.1594 <= 0.16 < 22/137.
  const Row rows[] = {{2, 50, 49}, {3, 89, 88}, {4, 138, 137}};
  const char* words[] = {"ab", "cd", "ef", "gh"};
  for (const auto& r : rows) {
    std::string g;
    for (int i = 0; i < r.n; ++i) g += std::string(i ? " " : "") + words[i];
    auto doc = [&](size_t len) {
      const size_t filler = len - 2 * g.size() - 2;
      return g + " " + std::string(filler, 'x') + " " + g;
    };
    REQUIRE(doc(r.keep_len).size() == r.keep_len);
    check_cases("gopher-top-" + std::to_string(r.n) + "grams",
                {{doc(r.keep_len), false, "at the threshold"}, {doc(r.reject_len), true, "above"}});
  }
  // All 2-grams seen once: the first one counts (Counter.most_common keeps the first of a tie):
  // "abcdefghij klm" is 14 of 30 characters (0.47), "klm nopqrstuvwxyzab" would be 19/30 (0.63).
  check_cases("gopher-top-2grams", {{"abcdefghij klm nopqrstuvwxyzab", false, "first of a tie"}},
              {"gopher-top-2grams.max=0.5"});
  // Even a count of 1 is scored: a two-word document is all one 2-gram.
  check_cases("gopher-top-2grams", {{"hello world", true, "11/11"}});
}

TEST_CASE("gopher-dup-ngrams") {
  // G5 + " " + FILLER + " " + G5: the second G5 adds "".join(G5) = 10 characters;
  // len = 14 + 1 + L + 1 + 14: L = 37 gives 10/67 = 0.149 (kept), L = 36 gives 10/66 = 0.152.
  const std::string g = "ab cd ef gh ij";
  check_cases("gopher-dup-5grams", {{g + " " + std::string(37, 'x') + " " + g, false, "10/67"},
                                    {g + " " + std::string(36, 'x') + " " + g, true, "10/66"}});
  // Overlapping repeats are counted once: ten "a" give 5-grams at 0..5; the one at 1 repeats the
  // one at 0 (5 characters), then the scan jumps to 6, where no 5-gram fits: 5/19 = 0.263.
  const std::string a10 = rep("a", 10, " ");
  check_cases("gopher-dup-5grams", {{a10, false, "5/19 <= 0.3"}}, {"gopher-dup-5grams.max=0.3"});
  check_cases("gopher-dup-5grams", {{a10, true, "5/19 > 0.25"}}, {"gopher-dup-5grams.max=0.25"});
  // 10-grams: 20 words "w0".."w9" twice: the second run of ten is one repeated 10-gram of
  // 20 characters; len = 20 * 2 + 19 = 59 -> 0.339 > 0.1.
  std::string ten;
  for (int i = 0; i < 10; ++i) ten += std::string(i ? " " : "") + "w" + std::to_string(i);
  check_cases("gopher-dup-10grams", {{ten + " " + ten, true, "20/59"}, {ten, false, "no repeat"}});
}

// datatrove's definitions, written directly (strings, maps): the most common n-gram's
// len(" ".join) * count (first seen wins a tie), and the greedy duplicated n-gram scan.
size_t reference_top(const std::vector<std::string>& w, size_t n) {
  std::map<std::string, std::pair<size_t, size_t>> count;  // n-gram -> (count, first index)
  for (size_t i = 0; i + n <= w.size(); ++i) {
    std::string g = w[i];
    for (size_t j = 1; j < n; ++j) g += " " + w[i + j];
    auto [it, fresh] = count.try_emplace(g, 0, i);
    ++it->second.first;
  }
  size_t best = 0, first = 0, len = 0;
  for (const auto& [g, cf] : count) {
    if (cf.first > best || (cf.first == best && cf.second < first)) {
      best = cf.first;
      first = cf.second;
      len = g.size();
    }
  }
  return best * len;
}

size_t reference_dup(const std::vector<std::string>& w, size_t n) {
  std::set<std::string> seen;
  size_t repeated = 0;
  for (size_t i = 0; i + n <= w.size();) {
    std::string g;
    for (size_t j = 0; j < n; ++j) g += w[i + j];
    if (seen.count(g)) {
      repeated += g.size();
      i += n;
    } else {
      seen.insert(g);
      ++i;
    }
  }
  return repeated;
}

TEST_CASE("gopher n-gram rules match datatrove's definitions on random documents") {
  // Two-letter words (so that "".join is unambiguous, as it is for real words nearly always),
  // from vocabularies of 3 to 60 words: from very repetitive to hardly repetitive.
  uint64_t state = 12345;
  auto next = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<size_t>(state >> 33);
  };
  for (int doc = 0; doc < 60; ++doc) {
    const size_t vocab = 3 + next() % 58;
    const size_t len = 5 + next() % 300;
    std::vector<std::string> words;
    std::string text;
    for (size_t i = 0; i < len; ++i) {
      const size_t v = next() % vocab;
      words.push_back(std::string(1, static_cast<char>('a' + v % 26)) + static_cast<char>('a' + v / 26));
      text += (i ? " " : "") + words.back();
    }
    CAPTURE(text);
    for (size_t n = 2; n <= 10; ++n) {
      const bool top = n <= 4;
      const std::string rule =
          top ? "gopher-top-" + std::to_string(n) + "grams" : "gopher-dup-" + std::to_string(n) + "grams";
      const size_t chars = top ? reference_top(words, n) : reference_dup(words, n);
      const double ratio = static_cast<double>(chars) / static_cast<double>(text.size());
      CAPTURE(rule);
      CAPTURE(ratio);
      char at[64], below[64];
      std::snprintf(at, sizeof at, "%s.max=%.17g", rule.c_str(), ratio);
      std::snprintf(below, sizeof below, "%s.max=%.17g", rule.c_str(), std::nextafter(ratio, 0.0));
      CHECK(run(only(rule, {at}), text) == 0);
      if (ratio > 0) CHECK(run(only(rule, {below}), text) == bit_of(rule));
    }
  }
}

}  // namespace
}  // namespace bitmill::filter
