#include "bitmill/mine/aligned_scores.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "testing/npy.h"
#include "testing/test_util.h"

namespace bitmill::mine {
namespace {

using testing::TempDir;

JobSide side_of(const TempDir& dir, const std::string& name, const std::vector<std::string>& lines, bool unify) {
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  testing::write_file(dir.file(name), text);
  auto s = load_side_text(dir.file(name), unify, InvalidUtf8Policy::kFail);
  REQUIRE(s.has_value());
  return std::move(*s);
}

// Brute force: the position of line i is the index, among the rows searched, of the first line
// with the same text.
int64_t reference_position(const JobSide& s, size_t i) {
  if (s.rows.empty()) return static_cast<int64_t>(i);
  size_t first = 0;
  while (s.text.line(first) != s.text.line(i)) ++first;
  for (size_t r = 0; r < s.rows.size(); ++r) {
    if (static_cast<size_t>(s.rows[r]) == first) return static_cast<int64_t>(r);
  }
  FAIL("first occurrence not among the rows");
  return -1;
}

TEST_CASE("mine: line_positions maps every line to its first occurrence's row, as brute force does") {
  TempDir dir;
  std::mt19937 rng(7);
  for (const bool unify : {false, true}) {
    for (int trial = 0; trial < 20; ++trial) {
      std::vector<std::string> lines(1 + rng() % 40);
      const unsigned distinct = 1 + rng() % 8;
      for (auto& l : lines) l = fmt::format("s{}", rng() % distinct);
      const JobSide s = side_of(dir, "t.txt", lines, unify);
      const std::vector<int64_t> pos = line_positions(s);
      REQUIRE(pos.size() == lines.size());
      for (size_t i = 0; i < lines.size(); ++i) CHECK(pos[i] == reference_position(s, i));
    }
  }
}

// Cosine of two f32 rows in double.
double cosine(const float* a, const float* b, size_t d) {
  double ab = 0, aa = 0, bb = 0;
  for (size_t c = 0; c < d; ++c) {
    ab += double(a[c]) * double(b[c]);
    aa += double(a[c]) * double(a[c]);
    bb += double(b[c]) * double(b[c]);
  }
  return ab / std::sqrt(aa * bb);
}

TEST_CASE("mine: score_aligned gives line i with line i the ratio margin of a naive computation") {
  TempDir dir;
  const size_t d = 6;
  const std::vector<std::string> src = {"a", "b", "a", "c", "d"}, tgt = {"w", "x", "w", "x", "z"};
  std::mt19937 rng(3);
  std::normal_distribution<float> g;
  std::vector<float> xs(src.size() * d), ys(tgt.size() * d);
  for (float& v : xs) v = g(rng);
  for (float& v : ys) v = g(rng);
  // A repeated sentence has the embedding of its first occurrence, as an encoder gives it.
  std::copy_n(xs.begin(), d, xs.begin() + 2 * d);
  std::copy_n(ys.begin(), d, ys.begin() + 2 * d);
  std::copy_n(ys.begin() + d, d, ys.begin() + 3 * d);
  for (const bool unify : {false, true}) {
    CAPTURE(unify);
    Job job;
    job.src = side_of(dir, "s.txt", src, unify);
    job.tgt = side_of(dir, "t.txt", tgt, unify);
    job.src.emb = testing::write_npy(dir.file("s.npy"), xs, src.size(), d);
    job.tgt.emb = testing::write_npy(dir.file("t.npy"), ys, tgt.size(), d);
    KnnOptions ko;
    ko.k = 2;
    Neighbors fwd, bwd;
    REQUIRE(knn_both(job.src.set(), job.tgt.set(), ko, fwd, bwd).is_ok());

    std::vector<std::pair<size_t, float>> got;
    REQUIRE(score_aligned(job, fwd, bwd, Margin::kRatio, std::nullopt, [&](size_t i, float s) {
              got.emplace_back(i, s);
              return Status::ok();
            }).is_ok());
    REQUIRE(got.size() == src.size());
    std::vector<double> want(src.size());
    for (size_t i = 0; i < src.size(); ++i) {
      const size_t a = static_cast<size_t>(reference_position(job.src, i));
      const size_t b = static_cast<size_t>(reference_position(job.tgt, i));
      double mf = 0, mb = 0;
      for (size_t t = 0; t < fwd.k; ++t) mf += double(fwd.sim_row(a)[t]) / double(fwd.k);
      for (size_t t = 0; t < bwd.k; ++t) mb += double(bwd.sim_row(b)[t]) / double(bwd.k);
      want[i] = cosine(&xs[i * d], &ys[i * d], d) / ((mf + mb) / 2);
      CHECK(got[i].first == i);
      CHECK(got[i].second == doctest::Approx(want[i]).epsilon(1e-5));
    }
    CHECK(got[2].second == got[0].second);  // a repeated pair scores as its first occurrence

    // A threshold keeps the pairs strictly above it, in line order.
    const float cut = got[1].second;
    std::vector<size_t> kept;
    REQUIRE(score_aligned(job, fwd, bwd, Margin::kRatio, cut, [&](size_t i, float) {
              kept.push_back(i);
              return Status::ok();
            }).is_ok());
    std::vector<size_t> want_kept;
    for (const auto& [i, s] : got) {
      if (s > cut) want_kept.push_back(i);
    }
    CHECK(kept == want_kept);
  }
}

TEST_CASE("mine: score_aligned refuses sides of different lengths and stops at the first emit error") {
  TempDir dir;
  Job job;
  job.src = side_of(dir, "s.txt", {"a", "b"}, false);
  job.tgt = side_of(dir, "t.txt", {"x"}, false);
  Neighbors none;
  const Status s =
      score_aligned(job, none, none, Margin::kRatio, std::nullopt, [](size_t, float) { return Status::ok(); });
  CHECK(s.code() == StatusCode::kDataError);
  CHECK(s.message() == fmt::format("score: {} has 2 lines but {} has 1: line i of each is scored as a pair",
                                   dir.file("s.txt"), dir.file("t.txt")));

  job.tgt = side_of(dir, "t.txt", {"x", "y"}, false);
  job.src.emb = testing::write_npy(dir.file("s.npy"), {1, 0, 0, 1}, 2, 2);
  job.tgt.emb = testing::write_npy(dir.file("t.npy"), {1, 0, 0, 1}, 2, 2);
  KnnOptions ko;
  ko.k = 1;
  Neighbors fwd, bwd;
  REQUIRE(knn_both(job.src.set(), job.tgt.set(), ko, fwd, bwd).is_ok());
  int calls = 0;
  const Status e = score_aligned(job, fwd, bwd, Margin::kRatio, std::nullopt, [&](size_t, float) {
    ++calls;
    return io_error("disk full");
  });
  CHECK(e.message() == "disk full");
  CHECK(calls == 1);
}

}  // namespace
}  // namespace bitmill::mine
