#include "bitmill/dedup/exact.h"

#include <doctest/doctest.h>
#include <tbb/global_control.h>

#include <random>
#include <unordered_set>

#include "testing/test_util.h"

namespace bitmill::dedup {
namespace {

using testing::read_file;
using testing::TempDir;
using testing::write_file;

// The reference: first occurrence by key with std::unordered_set<std::string>, keys cut with
// plain std::string operations and ASCII-only case/space folding (the test data is ASCII there).
std::string reference_key(const std::string& line, KeyField f, bool fold) {
  auto col = [&](int k) {
    size_t start = 0;
    for (int i = 0; i < k; ++i) start = line.find('\t', start) + 1;
    const size_t end = line.find('\t', start);
    return line.substr(start, end == std::string::npos ? std::string::npos : end - start);
  };
  auto norm = [&](std::string s) {
    if (!fold) return s;
    std::string out;
    bool space = false;
    for (char c : s) {
      if (c == ' ' || c == '\t') {
        space = !out.empty();
        continue;
      }
      if (space) out += ' ';
      space = false;
      out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    return out;
  };
  switch (f) {
    case KeyField::kLine: return norm(line);
    case KeyField::kSrc: return norm(col(0));
    case KeyField::kTgt: return norm(col(1));
    case KeyField::kPair: return norm(col(0)) + "\t" + norm(col(1));
  }
  return line;
}

struct Outputs {
  std::string kept, removed;
};

Outputs reference(const std::vector<std::string>& lines, KeyField f, bool fold) {
  std::unordered_set<std::string> seen;
  Outputs o;
  for (const auto& l : lines) (seen.insert(reference_key(l, f, fold)).second ? o.kept : o.removed) += l + "\n";
  return o;
}

std::vector<std::string> make_lines(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  const char* words[] = {"the", "House", "HOUSE", "house", "a", "cat", "  ", "Tree", "tree"};
  std::vector<std::string> lines;
  for (size_t i = 0; i < n; ++i) {
    if (i > 0 && rng() % 3 == 0) {  // a third are exact repeats, some far back
      lines.push_back(lines[rng() % lines.size()]);
      continue;
    }
    std::string src, tgt;
    for (unsigned w = 0, k = 1 + rng() % 3; w < k; ++w) src += std::string(w ? " " : "") + words[rng() % 9];
    for (unsigned w = 0, k = 1 + rng() % 3; w < k; ++w) tgt += std::string(w ? " " : "") + words[rng() % 9];
    lines.push_back(src + "\t" + tgt + "\t" + std::to_string(rng() % 4));
  }
  return lines;
}

Outputs run(const std::string& input, const ExactOptions& eo, size_t threads, ExactStats* stats_out = nullptr) {
  TempDir d;
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
  InputSetOptions io;
  io.block_bytes = 1000;  // many blocks in flight
  auto in = InputSet::open({input}, io);
  REQUIRE(in.has_value());
  auto kept = OutputStream::open(d.file("kept"));
  auto removed = OutputStream::open(d.file("removed"));
  REQUIRE(kept.has_value());
  REQUIRE(removed.has_value());
  auto st = run_exact(**in, **kept, removed->get(), eo, nullptr);
  REQUIRE(st.has_value());
  REQUIRE((*kept)->commit().is_ok());
  REQUIRE((*removed)->commit().is_ok());
  if (stats_out) *stats_out = *st;
  CHECK(st->kept + st->removed == st->lines);
  return Outputs{read_file(d.file("kept")), read_file(d.file("removed"))};
}

TEST_CASE("exact dedup equals the reference for every key, budget, hash width and thread count") {
  TempDir d;
  const auto lines = make_lines(6000, 11);
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  write_file(d.file("in.tsv"), text);

  for (KeyField f : {KeyField::kLine, KeyField::kSrc, KeyField::kTgt, KeyField::kPair}) {
    for (bool fold : {false, true}) {
      const Outputs want = reference(lines, f, fold);
      for (uint64_t memory : {uint64_t{1} << 30, uint64_t{4096}, uint64_t{64} << 10}) {
        for (HashBits bits : {HashBits::k64, HashBits::k128}) {
          for (size_t threads : {1, 2}) {
            CAPTURE(static_cast<int>(f));
            CAPTURE(fold);
            CAPTURE(memory);
            CAPTURE(static_cast<int>(bits));
            CAPTURE(threads);
            ExactOptions eo;
            eo.key = f;
            eo.normalize = fold ? NormalizeOptions{NormalForm::kCasefold, true} : NormalizeOptions{};
            eo.memory_bytes = memory;
            eo.hash_bits = bits;
            eo.threads = threads;
            ExactStats st;
            const Outputs got = run(d.file("in.tsv"), eo, threads, &st);
            if (memory == (uint64_t{1} << 30)) CHECK_FALSE(st.spilled);
            // A single column has too few distinct values to fill even a 4 KiB table.
            if (memory == 4096 && (f == KeyField::kLine || f == KeyField::kPair)) {
              CHECK(st.spilled);
              CHECK(st.spill_runs > 1);
            }
            CHECK(got.kept == want.kept);
            CHECK(got.removed == want.removed);
          }
        }
      }
    }
  }
}

TEST_CASE("a line without the key's column is an error naming file and line") {
  TempDir d;
  write_file(d.file("in.tsv"), "a\tb\nc\td\nno tab here\n");
  ExactOptions eo;
  eo.key = KeyField::kTgt;
  auto in = InputSet::open({d.file("in.tsv")}, InputSetOptions{});
  auto kept = OutputStream::open(d.file("kept"));
  REQUIRE(in.has_value());
  REQUIRE(kept.has_value());
  auto st = run_exact(**in, **kept, nullptr, eo, nullptr);
  REQUIRE_FALSE(st.has_value());
  CHECK(st.status().message() ==
        d.file("in.tsv") + ":3: --key tgt needs a second tab-separated column, and this line has no tab");
}

TEST_CASE("empty input gives empty outputs") {
  TempDir d;
  write_file(d.file("empty"), "");
  ExactStats st;
  const Outputs got = run(d.file("empty"), ExactOptions{}, 2, &st);
  CHECK(got.kept.empty());
  CHECK(got.removed.empty());
  CHECK(st.lines == 0);
}

}  // namespace
}  // namespace bitmill::dedup
