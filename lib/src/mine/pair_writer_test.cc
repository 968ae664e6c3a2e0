#include "bitmill/mine/pair_writer.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "testing/test_util.h"

namespace bitmill::mine {
namespace {

using testing::TempDir;

std::vector<std::vector<std::string>> read_tsv(const std::string& path) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(testing::read_file(path));
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> f;
    size_t b = 0;
    for (size_t e; (e = line.find('\t', b)) != std::string::npos; b = e + 1) f.push_back(line.substr(b, e - b));
    f.push_back(line.substr(b));
    rows.push_back(f);
  }
  return rows;
}

TEST_CASE("mine: PairWriter writes score, [line numbers,] source and target, the score reads back exactly") {
  TempDir dir;
  testing::write_file(dir.file("s.txt"), "a b\nc\na b\n");
  testing::write_file(dir.file("t.txt"), "x\ny z\n");
  Job job;
  job.src = load_side_text(dir.file("s.txt"), true, InvalidUtf8Policy::kFail).value();  // rows 0, 1
  job.tgt = load_side_text(dir.file("t.txt"), false, InvalidUtf8Policy::kFail).value();
  const std::vector<ScoredPair> pairs = {{1.0f / 3.0f, 1, 0}, {-2.5e-7f, 0, 1}};
  for (const bool ids : {false, true}) {
    CAPTURE(ids);
    {
      auto out = OutputStream::open(dir.file("o.tsv"));
      REQUIRE(out.has_value());
      PairWriter w(**out, job, ids);
      REQUIRE(w.put_pairs(pairs).is_ok());
      REQUIRE(w.put(0.75f, 2, 1).is_ok());
      REQUIRE((*out)->commit().is_ok());
    }
    const auto rows = read_tsv(dir.file("o.tsv"));
    REQUIRE(rows.size() == 3);
    const std::vector<float> scores = {pairs[0].score, pairs[1].score, 0.75f};
    const std::vector<std::pair<size_t, size_t>> lines = {{1, 0}, {0, 1}, {2, 1}};
    const std::vector<std::string> src = {"a b", "c", "a b"}, tgt = {"x", "y z"};
    for (size_t r = 0; r < rows.size(); ++r) {
      REQUIRE(rows[r].size() == (ids ? 5u : 3u));
      CHECK(std::strtof(rows[r][0].c_str(), nullptr) == scores[r]);
      if (ids) {
        CHECK(rows[r][1] == std::to_string(lines[r].first));
        CHECK(rows[r][2] == std::to_string(lines[r].second));
      }
      CHECK(rows[r][ids ? 3 : 1] == src[lines[r].first]);
      CHECK(rows[r][ids ? 4 : 2] == tgt[lines[r].second]);
    }
  }
}

}  // namespace
}  // namespace bitmill::mine
