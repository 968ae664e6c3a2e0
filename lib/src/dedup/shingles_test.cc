#include "dedup/shingles.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace bitmill::dedup::detail {
namespace {

std::vector<std::string> units(const char* text, ShingleUnit unit = ShingleUnit::kWord) {
  ShingleScratch s;
  return Shingler(ShingleOptions{5, unit, 0}).units(text, s);
}

using V = std::vector<std::string>;

TEST_CASE("shingle units: NFKC case folding, punctuation and symbols out, digits folded") {
  CHECK(units("The CAT sat.") == V{"the", "cat", "sat"});
  CHECK(units("Straße, ﬁne!") == V{"strasse", "fine"});
  CHECK(units("In 2023 it cost $1,999.") == V{"in", "0000", "it", "cost", "0", "000"});
  CHECK(units("e-mail: a@b") == V{"e", "mail", "a", "b"});
  CHECK(units("  ") == V{});
  CHECK(units("") == V{});
  CHECK(units("٢٠٢٠ год") == V{"0000", "год"});
}

TEST_CASE("shingle units: Chinese, Japanese, Thai and Khmer get words from ICU") {
  // ICU's dictionaries cut these into words; a whitespace split would give one unit each.
  const V zh = units("我们今天去北京");
  CHECK(zh.size() >= 3);
  CHECK(units("ภาษาไทยง่ายนิดเดียว").size() >= 3);
  CHECK(units("ខ្ញុំចង់ទៅផ្ទះ").size() >= 2);
  CHECK(units("私は学生です").size() >= 3);
  // Mixed text: the Latin words stay whole.
  const V mixed = units("Hello 世界 world");
  CHECK(mixed.front() == "hello");
  CHECK(mixed.back() == "world");
}

TEST_CASE("shingle units: characters") {
  CHECK(units("Ab c.", ShingleUnit::kChar) == V{"a", "b", "c"});
  CHECK(units("日本", ShingleUnit::kChar) == V{"日", "本"});
}

TEST_CASE("shingles: n consecutive units, one for short documents, none for empty ones") {
  ShingleScratch s;
  const Shingler sh(ShingleOptions{3, ShingleUnit::kWord, 7});
  std::vector<uint64_t> a, b, c;
  sh.shingles("one two three four five", a, s);
  CHECK(a.size() == 3);
  sh.shingles("ONE two, three four five!", b, s);
  CHECK(a == b);  // normalisation makes them the same
  sh.shingles("two three four", c, s);
  REQUIRE(c.size() == 1);
  CHECK(c[0] == a[1]);  // the same shingle hashes the same wherever it is
  sh.shingles("one two", c, s);
  CHECK(c.size() == 1);
  sh.shingles("...", c, s);
  CHECK(c.empty());
  // Another seed, other hashes.
  std::vector<uint64_t> d;
  Shingler(ShingleOptions{3, ShingleUnit::kWord, 8}).shingles("one two three four five", d, s);
  CHECK(d != a);
}

}  // namespace
}  // namespace bitmill::dedup::detail
