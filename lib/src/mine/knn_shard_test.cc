#include "bitmill/mine/knn_shard.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <random>

#include "testing/npy.h"
#include "testing/test_util.h"

namespace bitmill::mine {
namespace {

using testing::TempDir;

KnnShardInputs inputs_for(uint64_t nx, uint64_t ny, uint64_t k) {
  KnnShardInputs in;
  in.src_text = 11;
  in.tgt_text = 12;
  in.src_emb = 13;
  in.tgt_emb = 14;
  in.src_lines = nx + 3;
  in.tgt_lines = ny;
  in.src_positions = nx;
  in.tgt_positions = ny;
  in.dim = 8;
  in.k = k;
  in.unify = true;
  return in;
}

// Brute-force lists from a similarity matrix sim[i * ny + j]: for each row, the best k columns
// among [lo, hi) by (similarity decreasing, index increasing); `by_col` transposes.
Neighbors brute_lists(const std::vector<float>& sim, size_t ny, bool by_col, size_t lo, size_t hi, size_t k) {
  const size_t rows = by_col ? ny : hi - lo, cands = by_col ? hi - lo : ny;
  Neighbors nb;
  nb.rows = rows;
  nb.k = std::min(k, cands);
  for (size_t r = 0; r < rows; ++r) {
    std::vector<std::pair<float, int64_t>> all;
    for (size_t c = 0; c < cands; ++c) {
      const size_t i = by_col ? lo + c : lo + r, j = by_col ? r : c;
      all.emplace_back(sim[i * ny + j], static_cast<int64_t>(by_col ? i : j));
    }
    std::sort(all.begin(), all.end(),
              [](auto& a, auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
    for (size_t t = 0; t < nb.k; ++t) {
      nb.sim.push_back(all[t].first);
      nb.idx.push_back(all[t].second);
    }
  }
  return nb;
}

void check_same(const Neighbors& got, const Neighbors& want) {
  REQUIRE(got.rows == want.rows);
  REQUIRE(got.k == want.k);
  CHECK(got.idx == want.idx);
  // Bitwise: the merge must carry the similarities through unchanged.
  CHECK(std::memcmp(got.sim.data(), want.sim.data(), got.sim.size() * sizeof(float)) == 0);
}

TEST_CASE("shard_positions: contiguous ranges that cover every position once, sizes within one") {
  for (uint64_t n : {0, 1, 5, 7, 100, 1001}) {
    for (uint64_t count : {1, 2, 3, 7, 8, 150}) {
      uint64_t next = 0, lo = n, hi = 0;
      for (uint64_t i = 0; i < count; ++i) {
        const PositionRange r = shard_positions(n, Shard{i, count});
        CHECK(r.begin == next);
        next = r.end;
        lo = std::min(lo, r.size());
        hi = std::max(hi, r.size());
      }
      CHECK(next == n);
      CHECK(hi - lo <= 1);
    }
  }
  CHECK(knn_shard_path("w", Shard{2, 7}) == "w/knn.2-of-7.bin");
  CHECK(knn_shard_path("w/", Shard{0, 1}) == "w/knn.0-of-1.bin");
}

TEST_CASE("merged backward lists equal a brute-force top k over all candidates, ties to the lower index") {
  TempDir dir;
  std::mt19937 rng(3);
  // Few distinct values: most comparisons are ties, settled by index across shard borders.
  std::uniform_int_distribution<int> level(0, 3);
  struct Case {
    size_t nx, ny, k;
  };
  for (const Case c : {Case{23, 17, 4}, Case{5, 9, 4}, Case{40, 3, 1}, Case{12, 12, 12}, Case{3, 5, 7}}) {
    std::vector<float> sim(c.nx * c.ny);
    for (float& v : sim) v = 0.25f * static_cast<float>(level(rng)) - 0.3f;
    const Neighbors want_fwd = brute_lists(sim, c.ny, false, 0, c.nx, c.k);
    const Neighbors want_bwd = brute_lists(sim, c.ny, true, 0, c.nx, c.k);
    for (uint64_t count : {uint64_t{1}, uint64_t{2}, uint64_t{3}, uint64_t{c.nx}, uint64_t{c.nx + 4}}) {
      CAPTURE(c.nx);
      CAPTURE(c.ny);
      CAPTURE(count);
      const std::string sub = dir.file(fmt::format("n{}_{}", c.nx, count));
      std::filesystem::create_directory(sub);
      const KnnShardInputs in = inputs_for(c.nx, c.ny, c.k);
      for (uint64_t i = 0; i < count; ++i) {
        const PositionRange r = shard_positions(c.nx, Shard{i, count});
        const Neighbors f = brute_lists(sim, c.ny, false, r.begin, r.end, c.k);
        const Neighbors b = brute_lists(sim, c.ny, true, r.begin, r.end, c.k);
        REQUIRE(write_knn_shard(knn_shard_path(sub, Shard{i, count}), Shard{i, count}, in, f, b).is_ok());
      }
      auto set = KnnShardSet::open(sub);
      REQUIRE(set.has_value());
      CHECK(set->count() == count);
      CHECK(set->inputs() == in);
      Neighbors fwd, bwd;
      REQUIRE(set->merge(fwd, bwd).is_ok());
      check_same(fwd, want_fwd);
      check_same(bwd, want_bwd);
    }
  }
}

TEST_CASE("the header round-trips, and only complete files are left") {
  TempDir dir;
  const KnnShardInputs in = inputs_for(10, 6, 4);
  const Shard s{1, 3};
  const PositionRange r = shard_positions(10, s);  // [3, 6)
  std::vector<float> sim(10 * 6);
  for (size_t i = 0; i < sim.size(); ++i) sim[i] = static_cast<float>(i % 7) * 0.1f;
  const std::string path = knn_shard_path(dir.path(), s);
  REQUIRE(write_knn_shard(path, s, in, brute_lists(sim, 6, false, r.begin, r.end, 4),
                          brute_lists(sim, 6, true, r.begin, r.end, 4))
              .is_ok());
  auto h = read_knn_shard_header(path);
  REQUIRE(h.has_value());
  CHECK(h->shard.index == 1);
  CHECK(h->shard.count == 3);
  CHECK(h->rows.begin == 3);
  CHECK(h->rows.end == 6);
  CHECK(h->fwd_k == 4);
  CHECK(h->bwd_k == 3);
  CHECK(h->inputs == in);
  CHECK(std::filesystem::file_size(path) == kKnnShardHeaderBytes + (3 * 4 + 6 * 3) * 12);
  const auto entries = std::distance(std::filesystem::directory_iterator(dir.path()), {});
  CHECK(entries == 1);  // no temporary file beside it

  // Lists of the wrong shape are refused before anything is written.
  const std::string other = knn_shard_path(dir.path(), Shard{0, 3});
  CHECK(write_knn_shard(other, Shard{0, 3}, in, Neighbors{}, Neighbors{}).code() == StatusCode::kInternal);
  CHECK(!testing::exists(other));
}

TEST_CASE("describe_difference names the first option or input that differs") {
  const KnnShardInputs a = inputs_for(10, 6, 4);
  KnnShardInputs b = a;
  CHECK(describe_difference(a, b).empty());
  b.k = 8;
  CHECK(describe_difference(a, b) == "with -k 4, not 8");
  b = a;
  b.unify = false;
  CHECK(describe_difference(a, b) == "with --unify");
  b = a;
  b.tgt_text = 99;
  CHECK(describe_difference(a, b) == "from other sentences in --tgt");
  b = a;
  b.src_emb = 99;
  CHECK(describe_difference(a, b) == "from another --src-emb");
  b = a;
  b.method = KnnMethod::kInt8;
  CHECK(describe_difference(a, b) == "with the f32 search, not int8");
}

// Writes a valid 3-shard job into `dir` and returns shard 1's path.
std::string write_job(const std::string& dir, const KnnShardInputs& in) {
  std::vector<float> sim(in.src_positions * in.tgt_positions);
  for (size_t i = 0; i < sim.size(); ++i) sim[i] = static_cast<float>((i * 7) % 11) * 0.05f;
  for (uint64_t i = 0; i < 3; ++i) {
    const PositionRange r = shard_positions(in.src_positions, Shard{i, 3});
    const auto ny = in.tgt_positions;
    REQUIRE(write_knn_shard(knn_shard_path(dir, Shard{i, 3}), Shard{i, 3}, in,
                            brute_lists(sim, ny, false, r.begin, r.end, in.k),
                            brute_lists(sim, ny, true, r.begin, r.end, in.k))
                .is_ok());
  }
  return knn_shard_path(dir, Shard{1, 3});
}

std::string merge_error(const std::string& dir, std::optional<uint64_t> count = std::nullopt) {
  auto set = KnnShardSet::open(dir, count);
  if (!set) return set.status().message();
  Neighbors f, b;
  return set->merge(f, b).message();
}

TEST_CASE("opening a complete set removes what dead shard tasks left of its files, and only that") {
  TempDir dir;
  const pid_t dead = testing::dead_pid();
  auto tmp = [&](const std::string& name) { return dir.file(name) + ".tmp." + std::to_string(dead); };
  write_job(dir.path(), inputs_for(20, 9, 3));
  // (Created after the shards: writing a shard removes its own file's leftovers.)
  for (const char* name : {"knn.1-of-3.bin", "knn.2-of-3.bin"}) testing::write_file(tmp(name), "partial");
  // While a shard is missing, the set is not complete: its task may be running on another node.
  const std::string last = knn_shard_path(dir.path(), Shard{2, 3});
  std::filesystem::rename(last, last + ".away");
  CHECK_FALSE(KnnShardSet::open(dir.path(), 3).has_value());
  CHECK(testing::exists(tmp("knn.1-of-3.bin")));
  std::filesystem::rename(last + ".away", last);
  // Another shard count's, another job's and this process's own are not this merge's to remove.
  const std::string own = dir.file("knn.0-of-3.bin.tmp." + std::to_string(::getpid()));
  for (const std::string& kept : {tmp("knn.0-of-2.bin"), tmp("mined.tsv"), own}) testing::write_file(kept, "x");
  REQUIRE(KnnShardSet::open(dir.path(), 3).has_value());
  CHECK_FALSE(testing::exists(tmp("knn.1-of-3.bin")));
  CHECK_FALSE(testing::exists(tmp("knn.2-of-3.bin")));
  CHECK(testing::exists(tmp("knn.0-of-2.bin")));
  CHECK(testing::exists(tmp("mined.tsv")));
  CHECK(testing::exists(own));
}

TEST_CASE("damaged, missing and mismatched shard files are errors naming the file") {
  TempDir dir;
  const KnnShardInputs in = inputs_for(20, 9, 3);
  const std::string path = write_job(dir.path(), in);
  const std::string good = testing::read_file(path);
  CHECK(merge_error(dir.path()).empty());

  SUBCASE("truncated") {
    testing::write_file(path, good.substr(0, good.size() - 5));
    CHECK(merge_error(dir.path()) == path + ": truncated: " + std::to_string(good.size() - 5) +
                                         " bytes, the header says " + std::to_string(good.size()));
    testing::write_file(path, good.substr(0, 100));
    CHECK(merge_error(dir.path()) == path + ": truncated: 100 bytes, less than a header");
    auto h = read_knn_shard_header(path);
    CHECK(h.status().code() == StatusCode::kDataError);
  }
  SUBCASE("trailing bytes") {
    testing::write_file(path, good + "x");
    CHECK(merge_error(dir.path()).find(path + ": " + std::to_string(good.size() + 1) + " bytes") == 0);
  }
  SUBCASE("a flipped byte in the lists") {
    std::string bad = good;
    bad[bad.size() - 20] ^= 0x10;
    testing::write_file(path, bad);
    CHECK(KnnShardSet::open(dir.path()).has_value());  // headers are fine
    CHECK(merge_error(dir.path()) ==
          path + ": corrupt neighbour lists (checksum mismatch); recompute the shard with --force");
  }
  SUBCASE("a flipped byte in the header") {
    std::string bad = good;
    bad[40] ^= 0x01;
    testing::write_file(path, bad);
    CHECK(merge_error(dir.path()) == path + ": corrupt header (checksum mismatch)");
  }
  SUBCASE("not a shard file") {
    testing::write_file(path, "hello, this is a text file and not a shard file\n");
    CHECK(merge_error(dir.path()) == path + ": not a bitmill-mine shard file (bad magic)");
  }
  SUBCASE("missing shards are listed as ranges") {
    std::filesystem::remove(path);
    CHECK(merge_error(dir.path()) == path + ": no such file: 1 of 3 shards missing (1); run those first");
    CHECK(merge_error(dir.path(), 5) ==
          dir.file("knn.0-of-5.bin") + ": no such file: 5 of 5 shards missing (0-4); run those first");
  }
  SUBCASE("a shard computed with other options") {
    KnnShardInputs other = in;
    other.k = 2;
    const PositionRange r = shard_positions(20, Shard{2, 3});
    std::vector<float> sim(20 * 9, 0.5f);
    REQUIRE(write_knn_shard(knn_shard_path(dir.path(), Shard{2, 3}), Shard{2, 3}, other,
                            brute_lists(sim, 9, false, r.begin, r.end, 2), brute_lists(sim, 9, true, r.begin, r.end, 2))
                .is_ok());
    CHECK(merge_error(dir.path()) == dir.file("knn.2-of-3.bin") + ": does not match " + dir.file("knn.0-of-3.bin") +
                                         ": computed with -k 2, not 3; recompute it with --force");
  }
  SUBCASE("a renamed shard") {
    std::filesystem::copy_file(path, dir.file("knn.1-of-4.bin"));
    CHECK(merge_error(dir.path()).find("different shard counts (3, 4); pass --shards N") != std::string::npos);
    std::filesystem::copy_file(dir.file("knn.0-of-3.bin"), dir.file("knn.0-of-4.bin"));
    std::filesystem::copy_file(dir.file("knn.2-of-3.bin"), dir.file("knn.2-of-4.bin"));
    std::filesystem::copy_file(dir.file("knn.2-of-3.bin"), dir.file("knn.3-of-4.bin"));
    CHECK(merge_error(dir.path(), 4) == dir.file("knn.0-of-4.bin") + ": holds shard 0/3, not 0/4 (renamed?)");
  }
  SUBCASE("temporary files are not shard files") {
    testing::write_file(path + ".tmp.123", "partial");
    testing::write_file(dir.file("knn.x-of-3.bin"), "other");
    CHECK(find_knn_shard_count(dir.path()).value() == 3);
    CHECK(merge_error(dir.path()).empty());
  }
  SUBCASE("an empty folder") {
    TempDir empty;
    CHECK(merge_error(empty.path()) == empty.path() + ": no shard files (knn.I-of-N.bin) in it; run the shards first");
  }
}

TEST_CASE("knn_shard over every shard count, merged, gives knn_both's lists exactly (both methods, ties, subsets)") {
  TempDir dir;
  std::mt19937 rng(11);
  std::normal_distribution<float> g;
  // No tile of one row except the one-row shards (count > rows): AVX2 sgemm sums a one-row
  // product in another order, so knn_both() itself gives other bits for a row alone in its tile
  // (a --block dependence of the unsharded search, outside this code); knn_shard() guards the
  // one-row shards that sharding creates.
  const size_t nx = 42, ny = 29, d = 12;
  std::vector<float> x(nx * d), y(ny * d);
  for (float& v : x) v = g(rng) * 2.0f;
  for (float& v : y) v = g(rng);
  // Repeated rows make exact ties, which must go to the lower index across shard borders.
  for (size_t r : {7, 19, 20, 33, 41}) std::copy_n(&x[2 * d], d, &x[r * d]);
  for (size_t r : {4, 11}) std::copy_n(&y[0], d, &y[r * d]);
  auto mx = testing::write_npy(dir.file("x.npy"), x, nx, d);
  auto my = testing::write_npy(dir.file("y.npy"), y, ny, d);
  // A subset in an order of its own, as --unify's first occurrences (here every other row).
  std::vector<int64_t> sub;
  for (size_t i = 0; i < nx; i += 2) sub.push_back(static_cast<int64_t>(i));
  for (const auto& [subset, method] : {std::pair{false, KnnMethod::kF32}, std::pair{true, KnnMethod::kF32},
                                       std::pair{false, KnnMethod::kInt8}, std::pair{true, KnnMethod::kInt8}}) {
    const RowSet xs{&mx, subset ? &sub : nullptr}, ys{&my, nullptr};
    for (const size_t k : {1, 4}) {
      KnnOptions ko;
      ko.k = k;
      ko.tile = 8;
      ko.method = method;
      Neighbors want_f, want_b;
      REQUIRE(knn_both(xs, ys, ko, want_f, want_b).is_ok());
      for (uint64_t count : {uint64_t{1}, uint64_t{3}, uint64_t{7}, uint64_t{xs.size() + 5}}) {
        CAPTURE(subset);
        CAPTURE(knn_method_name(method));
        CAPTURE(k);
        CAPTURE(count);
        const std::string w = dir.file(fmt::format("w{}{}{}_{}", subset, knn_method_name(method), k, count));
        std::filesystem::create_directory(w);
        KnnShardInputs in = inputs_for(xs.size(), ny, k);
        in.src_lines = nx;
        in.method = method;
        for (uint64_t i = 0; i < count; ++i) {
          Neighbors f, b;
          REQUIRE(knn_shard(xs, ys, ko, Shard{i, count}, f, b).is_ok());
          REQUIRE(write_knn_shard(knn_shard_path(w, Shard{i, count}), Shard{i, count}, in, f, b).is_ok());
        }
        auto set = KnnShardSet::open(w, count);
        REQUIRE(set.has_value());
        Neighbors fwd, bwd;
        REQUIRE(set->merge(fwd, bwd).is_ok());
        check_same(fwd, want_f);
        check_same(bwd, want_b);
      }
    }
  }
}

TEST_CASE("fingerprints follow the content") {
  TempDir dir;
  std::vector<float> v(300 * 4);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i);
  auto a = testing::write_npy(dir.file("a.npy"), v, 300, 4);
  auto same = testing::write_npy(dir.file("b.npy"), v, 300, 4);  // another file, same content
  CHECK(embedding_fingerprint(a) == embedding_fingerprint(same));
  v[299 * 4] = -1.0f;  // the last row is always sampled
  auto last = testing::write_npy(dir.file("c.npy"), v, 300, 4);
  CHECK(embedding_fingerprint(a) != embedding_fingerprint(last));
  auto shape = testing::write_npy(dir.file("d.npy"), v, 600, 2);
  CHECK(embedding_fingerprint(last) != embedding_fingerprint(shape));

  testing::write_file(dir.file("a.txt"), "x\ny\n");
  testing::write_file(dir.file("b.txt"), "x\ny\n");
  testing::write_file(dir.file("c.txt"), "xy\n");
  auto ta = Sentences::load(dir.file("a.txt")), tb = Sentences::load(dir.file("b.txt")),
       tc = Sentences::load(dir.file("c.txt"));
  REQUIRE((ta && tb && tc));
  CHECK(text_fingerprint(*ta) == text_fingerprint(*tb));
  CHECK(text_fingerprint(*ta) != text_fingerprint(*tc));
}

}  // namespace
}  // namespace bitmill::mine
