#include "bitmill/eval/tables.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

namespace bitmill::eval {
namespace {

std::vector<std::string> fields(const std::string& line) {
  std::vector<std::string> f;
  std::istringstream in(line);
  for (std::string x; std::getline(in, x, '\t');) f.push_back(x);
  return f;
}

// printf's rounding to two decimals, as a reference for fmt's.
std::string two_decimals(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

TEST_CASE("eval: the tatoeba row holds the label, n and the four accuracies in percent") {
  const RetrievalCounts c{.n = 7, .k = 4, .cos_src2tgt = 7, .cos_tgt2src = 5, .margin_src2tgt = 1, .margin_tgt2src = 0};
  const std::string row = tatoeba_row("deu:eng", c);
  REQUIRE(row.ends_with("\n"));
  const auto f = fields(row.substr(0, row.size() - 1));
  REQUIRE(f.size() == fields(kTatoebaHeader).size());
  CHECK(f[0] == "deu:eng");
  CHECK(f[1] == "7");
  CHECK(f[2] == two_decimals(100.0 * 7 / 7));
  CHECK(f[3] == two_decimals(100.0 * 5 / 7));
  CHECK(f[4] == two_decimals(100.0 * 1 / 7));
  CHECK(f[5] == two_decimals(0));
  const Accuracies a = accuracies(c);
  CHECK(a.tgt2src_cos == doctest::Approx(500.0 / 7));
}

TEST_CASE("eval: the tatoeba label is --name, else the embedding files' stems, tabs and breaks are refused") {
  CHECK(*tatoeba_label("", "dir/deu.v2.npy", "/x/eng.npy") == "deu.v2:eng");
  CHECK(*tatoeba_label("mine", "a.npy", "b.npy") == "mine");
  for (const char* bad : {"a\tb", "a\nb", "a\rb"}) {
    const auto l = tatoeba_label(bad, "a.npy", "b.npy");
    CHECK(l.status().code() == StatusCode::kInvalidArgument);
    CHECK(l.status().message() == "--name must not contain a tab or a line break");
  }
  CHECK(!tatoeba_label("", "a\t.npy", "b.npy").has_value());
}

TEST_CASE("eval: the bucc rows: at the threshold, then the best cut") {
  BuccResult r;
  r.gold = 10;
  r.at_threshold = Prf{8, 6, 10};
  r.best = Cut{0.5, 0.45, Prf{7, 6, 10}};
  const std::string rows = bucc_rows(r, 1.25);
  std::istringstream in(rows);
  std::string l1, l2, rest;
  std::getline(in, l1);
  std::getline(in, l2);
  CHECK(!std::getline(in, rest));
  const auto a = fields(l1), b = fields(l2);
  REQUIRE(a.size() == fields(kBuccHeader).size());
  REQUIRE(b.size() == a.size());
  CHECK(a[0] == "at_threshold");
  CHECK(a[1] == "1.25");
  CHECK(a[2] == two_decimals(100.0 * 6 / 8));
  CHECK(a[3] == two_decimals(100.0 * 6 / 10));
  CHECK(a[4] == two_decimals(100.0 * 2 * 6 / (8 + 10)));
  CHECK(a[5] == "8");
  CHECK(b[0] == "best");
  CHECK(b[1] == "0.45");
  CHECK(b[5] == "7");

  r.best.reset();
  const std::string none = bucc_rows(r, std::nullopt);
  CHECK(fields(none.substr(0, none.find('\n')))[1] == "-");
  CHECK(none.substr(none.find('\n') + 1) == "best\t-\t0.00\t0.00\t0.00\t0\n");
}

}  // namespace
}  // namespace bitmill::eval
