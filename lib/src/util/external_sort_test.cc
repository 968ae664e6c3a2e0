#include "bitmill/util/external_sort.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>

namespace bitmill {
namespace {

struct Rec {
  uint64_t key;
  uint32_t payload;
  friend bool operator<(const Rec& a, const Rec& b) { return a.key != b.key ? a.key < b.key : a.payload < b.payload; }
  friend bool operator==(const Rec&, const Rec&) = default;
};

std::vector<Rec> drain(ExternalSorter<Rec>& s) {
  std::vector<Rec> out;
  Rec r{};
  for (;;) {
    auto more = s.next(r);
    REQUIRE(more.has_value());
    if (!*more) break;
    out.push_back(r);
  }
  return out;
}

TEST_CASE("external sort equals std::sort, in memory and with many runs") {
  std::mt19937_64 rng(7);
  for (size_t n : {size_t{0}, size_t{1}, size_t{1000}, size_t{50000}}) {
    for (size_t memory : {size_t{1} << 24, size_t{4096}}) {  // 4 KiB: 256 records per run
      CAPTURE(n);
      CAPTURE(memory);
      std::vector<Rec> input(n);
      for (uint32_t i = 0; i < n; ++i) input[i] = Rec{rng() % 1000, i};  // many equal keys
      ExternalSorter<Rec> s("", memory);
      for (const Rec& r : input) REQUIRE(s.push(r).is_ok());
      REQUIRE(s.finish().is_ok());
      if (memory == 4096 && n > 256) CHECK(s.runs() > 1);
      if (memory == (size_t{1} << 24)) CHECK(s.runs() == 0);
      std::sort(input.begin(), input.end());
      CHECK(drain(s) == input);
      CHECK(s.count() == n);
    }
  }
}

TEST_CASE("pre-sorted runs merge with pushed records") {
  ExternalSorter<Rec> s("", 4096);
  std::vector<Rec> expected;
  uint64_t k = 0;
  REQUIRE(s.add_sorted_run([&](Rec& r) {
             if (k >= 3000) return false;
             r = Rec{k * 2, 0};
             expected.push_back(r);
             ++k;
             return true;
           }).is_ok());
  for (uint32_t i = 0; i < 3000; ++i) {
    const Rec r{(i * 7919u) % 6000u, 1};
    expected.push_back(r);
    REQUIRE(s.push(r).is_ok());
  }
  REQUIRE(s.finish().is_ok());
  std::sort(expected.begin(), expected.end());
  CHECK(drain(s) == expected);
}

TEST_CASE("a spill directory that does not exist is an I/O error") {
  ExternalSorter<Rec> s("/nonexistent/bitmill", 4096);
  Status st;
  for (uint32_t i = 0; i < 1000 && st.is_ok(); ++i) st = s.push(Rec{i, i});
  CHECK(st.code() == StatusCode::kNotFound);
  CHECK(st.message().find("/nonexistent/bitmill") != std::string::npos);
}

}  // namespace
}  // namespace bitmill
