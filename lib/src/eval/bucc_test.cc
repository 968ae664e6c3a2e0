#include "bitmill/eval/bucc.h"

#include <doctest/doctest.h>

#include <algorithm>

#include "testing/test_util.h"

namespace bitmill::eval {
namespace {

using testing::TempDir;
using testing::write_file;

TEST_CASE("parse_mined_line: score, source line, target line, later columns ignored") {
  struct Row {
    const char* line;
    double score;
    int64_t src, tgt;
  };
  for (const Row& r : {
           Row{"1.234567\t3\t5\tHallo\tHello", 1.234567, 3, 5}, Row{"0.5\t0\t0", 0.5, 0, 0},
           Row{"-2\t10\t20\tx\ty\textra\tcolumns", -2.0, 10, 20}, Row{"1e-3\t7\t8\r", 0.001, 7, 8},  // CRLF
           Row{"1.5\t1\t2\t\t", 1.5, 1, 2},                                                          // empty sentences
       }) {
    CAPTURE(r.line);
    MinedPair p;
    REQUIRE(parse_mined_line(r.line, p).is_ok());
    CHECK(p.score == r.score);
    CHECK(p.lines == LinePair{r.src, r.tgt});
  }
}

TEST_CASE("parse_mined_line and parse_gold_line reject malformed lines, naming the column") {
  struct Row {
    bool mined;
    const char* line;
    const char* message;
  };
  for (const Row& r : {
           Row{true, "", "found 1 column"},
           Row{true, "1.0\t3", "found 2 columns"},
           Row{true, "x\t1\t2", "column 1: 'x' is not a score"},
           Row{true, "nan\t1\t2", "column 1: 'nan' is not a score"},
           Row{true, "1.0 \t1\t2", "column 1: '1.0 ' is not a score"},
           Row{true, "0.9\tHallo\tHello", "column 2: 'Hallo' is not a line number (a 0-based integer) (bitmill-mine"},
           Row{true, "0.9\t1\t-2", "column 3: '-2' is not a line number"},
           Row{true, "0.9\t1\t", "column 3: '' is not a line number"},
           Row{false, "", "found 1 column"},
           Row{false, "12 34", "found 1 column"},
           Row{false, "12\t", "column 2: '' is not a line number"},
           Row{false, "12\t3.0", "column 2: '3.0' is not a line number"},
           Row{false, "+1\t3", "column 1: '+1' is not a line number"},
           Row{false, "de-000001\ten-000002", "column 1: 'de-000001' is not a line number"},
           Row{false, "99999999999999999999\t1", "column 1: '99999999999999999999' is not a line number"},
       }) {
    CAPTURE(r.line);
    Status s;
    if (r.mined) {
      MinedPair p;
      s = parse_mined_line(r.line, p);
    } else {
      LinePair p;
      s = parse_gold_line(r.line, p);
    }
    REQUIRE(!s.is_ok());
    CHECK(s.code() == StatusCode::kDataError);
    CAPTURE(s.message());
    CHECK(s.message().find(r.message) != std::string::npos);
  }
  LinePair g;
  REQUIRE(parse_gold_line("12\t34\tignored\r", g).is_ok());
  CHECK(g == LinePair{12, 34});
}

TEST_CASE("judge: a repeated pair counts once, at its best score") {
  const std::vector<LinePair> gold = {{0, 0}, {1, 1}, {2, 5}};
  const std::vector<MinedPair> mined = {{0.5, {1, 1}}, {0.9, {0, 0}}, {0.7, {1, 1}}, {0.8, {2, 4}}, {0.6, {5, 2}}};
  auto j = judge(mined, gold);
  std::sort(j.begin(), j.end(), [](const Judged& a, const Judged& b) { return a.score > b.score; });
  REQUIRE(j.size() == 4);
  CHECK(j[0].score == 0.9);
  CHECK(j[0].correct);
  CHECK(j[1].score == 0.8);
  CHECK(!j[1].correct);
  CHECK(j[2].score == 0.7);  // (1, 1) at its better score
  CHECK(j[2].correct);
  CHECK(j[3].score == 0.6);
  CHECK(!j[3].correct);  // (5, 2) is not (2, 5)
}

TEST_CASE("evaluate_bucc on files: hand-computed P/R/F1 at a threshold and at the best cut") {
  TempDir dir;
  // Gold: 4 pairs (one row repeated). Mined: 5 rows, 4 distinct pairs, 3 correct.
  write_file(dir.file("gold.tsv"), "0\t0\n1\t2\n2\t1\n3\t3\n1\t2\n");
  write_file(dir.file("mined.tsv"),
             "1.30\t0\t0\ta\tA\n"
             "1.10\t1\t1\tb\tB\n"
             "1.20\t1\t2\tb\tC\n"
             "1.05\t3\t3\td\tD\n"
             "0.90\t3\t3\td\tD\n");
  struct Row {
    std::optional<double> t;
    size_t pairs, correct;
  };
  for (const Row& r : {Row{std::nullopt, 4, 3}, Row{1.1, 2, 2}, Row{1.05, 3, 2}, Row{2.0, 0, 0}}) {
    const auto res = evaluate_bucc(dir.file("mined.tsv"), dir.file("gold.tsv"), r.t);
    REQUIRE(res.has_value());
    CHECK(res->mined_rows == 5);
    CHECK(res->distinct == 4);
    CHECK(res->gold == 4);
    CHECK(res->at_threshold.pairs == r.pairs);
    CHECK(res->at_threshold.correct == r.correct);
    // Cuts: 1.3 -> 1/1 F1 2/5; 1.2 -> 2/2 F1 4/6; 1.1 -> 2/3 F1 4/7; 1.05 -> 3/4 F1 6/8 (best).
    REQUIRE(res->best.has_value());
    CHECK(res->best->threshold == 1.05);
    CHECK(res->best->prf.precision() == 75.0);
    CHECK(res->best->prf.recall() == 75.0);
    CHECK(res->best->prf.f1() == 75.0);
  }
  write_file(dir.file("empty.tsv"), "");
  const auto none = evaluate_bucc(dir.file("empty.tsv"), dir.file("gold.tsv"), std::nullopt);
  REQUIRE(none.has_value());
  CHECK(none->at_threshold.pairs == 0);
  CHECK(!none->best.has_value());
}

TEST_CASE("evaluate_bucc: errors name file and line, an empty gold standard is an error") {
  TempDir dir;
  write_file(dir.file("gold.tsv"), "0\t0\n1\t1\n");
  write_file(dir.file("bad_gold.tsv"), "0\t0\n1 1\n");
  write_file(dir.file("mined.tsv"), "1.0\t0\t0\tx\ty\n0.5\t1\n");
  write_file(dir.file("empty.tsv"), "");
  struct Row {
    std::string mined, gold, message;
  };
  for (const Row& r : {
           Row{"gold.tsv", "bad_gold.tsv", "bad_gold.tsv:2: expected src_line<TAB>tgt_line, found 1 column"},
           Row{"mined.tsv", "gold.tsv", "mined.tsv:2: expected score<TAB>src_line<TAB>tgt_line"},
           Row{"gold.tsv", "empty.tsv", "empty.tsv: no gold pairs"},
           Row{"missing.tsv", "gold.tsv", "missing.tsv"},
       }) {
    const auto got = evaluate_bucc(dir.file(r.mined), dir.file(r.gold), std::nullopt);
    REQUIRE(!got.has_value());
    CAPTURE(got.status().message());
    CHECK(got.status().message().find(r.message) != std::string::npos);
    CHECK(exit_code(got.status()) == 2);
  }
}

}  // namespace
}  // namespace bitmill::eval
