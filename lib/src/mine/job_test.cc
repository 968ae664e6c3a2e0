#include "bitmill/mine/job.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "bitmill/mine/job_shards.h"
#include "testing/npy.h"
#include "testing/test_util.h"

namespace bitmill::mine {
namespace {

using testing::TempDir;

EmbeddingOpener npy_opener() {
  return [](const std::string& p) { return EmbeddingMatrix::open(p); };
}

struct Files {
  TempDir dir;
  JobFiles files;
  Files(const std::string& src, const std::string& tgt, size_t src_rows, size_t tgt_rows, size_t d = 2) {
    testing::write_file(dir.file("s.txt"), src);
    testing::write_file(dir.file("t.txt"), tgt);
    testing::write_npy(dir.file("s.npy"), std::vector<float>(src_rows * d, 1.0f), src_rows, d);
    testing::write_npy(dir.file("t.npy"), std::vector<float>(tgt_rows * 2, 0.5f), tgt_rows, 2);
    files = JobFiles{dir.file("s.txt"), dir.file("t.txt"), dir.file("s.npy"), dir.file("t.npy")};
  }
};

TEST_CASE("mine: load_job reads both sides, --unify keeps each distinct line's first row") {
  Files f("a\nb\na\nc\n", "x\nx\ny\n", 4, 3);
  auto job = load_job(f.files, true, InvalidUtf8Policy::kFail, npy_opener());
  REQUIRE(job.has_value());
  CHECK(job->src.rows == std::vector<int64_t>{0, 1, 3});
  CHECK(job->tgt.rows == std::vector<int64_t>{0, 2});
  CHECK(job->src.positions() == 3);
  CHECK(job->src.line_of(2) == 3);
  CHECK(job->src.set().size() == 3);
  auto plain = load_job(f.files, false, InvalidUtf8Policy::kFail, npy_opener());
  REQUIRE(plain.has_value());
  CHECK(plain->src.rows.empty());
  CHECK(plain->src.positions() == 4);
  CHECK(plain->src.line_of(2) == 2);
}

TEST_CASE("mine: load_job names what is missing or does not fit") {
  {
    Files f("a\n", "x\n", 1, 1);
    f.files.tgt_emb.clear();
    auto j = load_job(f.files, false, InvalidUtf8Policy::kFail, npy_opener());
    CHECK(j.status().code() == StatusCode::kInvalidArgument);
    CHECK(j.status().message() == "--tgt and --tgt-emb are required");
  }
  {
    Files f("a\nb\n", "x\n", 3, 1);
    auto j = load_job(f.files, false, InvalidUtf8Policy::kFail, npy_opener());
    CHECK(j.status().code() == StatusCode::kDataError);
    CHECK(j.status().message() ==
          f.files.src_emb + " has 3 rows but " + f.files.src + " has 2 lines: one embedding per line is needed");
  }
  {
    Files f("a\n", "x\n", 1, 1, 4);
    auto j = load_job(f.files, false, InvalidUtf8Policy::kFail, npy_opener());
    CHECK(j.status().code() == StatusCode::kDataError);
    CHECK(j.status().message() == f.files.src_emb + " has dimension 4 but " + f.files.tgt_emb + " has 2");
  }
  {
    // The opener's errors come through as it gives them.
    Files f("a\n", "x\n", 1, 1);
    auto j = load_job(f.files, false, InvalidUtf8Policy::kFail,
                      [](const std::string& p) -> Expected<EmbeddingMatrix> { return invalid_argument(p + ": no"); });
    CHECK(j.status().message() == f.files.src_emb + ": no");
  }
}

TEST_CASE("mine: a merge job opens only the embeddings given") {
  Files f("a\nb\n", "x\n", 2, 1);
  JobFiles files = f.files;
  files.src_emb.clear();
  auto j = load_merge_job(files, false, InvalidUtf8Policy::kFail, npy_opener());
  REQUIRE(j.has_value());
  CHECK(!j->src.emb.has_value());
  REQUIRE(j->tgt.emb.has_value());
  CHECK(j->tgt.emb->rows() == 1);
}

TEST_CASE("mine: knn_inputs describes a job the same way for a shard run and for its merge") {
  Files f("a\nb\na\n", "x\ny\n", 3, 2);
  auto job = load_job(f.files, true, InvalidUtf8Policy::kFail, npy_opener());
  REQUIRE(job.has_value());
  KnnOptions ko;
  ko.k = 3;
  ko.method = KnnMethod::kF32;
  const KnnShardInputs run = knn_inputs(*job, knn_settings(ko, true));
  // Each field against what it must be, computed here from its definition.
  CHECK(run.src_text == text_fingerprint(job->src.text));
  CHECK(run.tgt_text == text_fingerprint(job->tgt.text));
  CHECK(run.src_emb == embedding_fingerprint(*job->src.emb));
  CHECK(run.tgt_emb == embedding_fingerprint(*job->tgt.emb));
  CHECK(run.src_lines == 3);
  CHECK(run.tgt_lines == 2);
  CHECK(run.src_positions == 2);
  CHECK(run.tgt_positions == 2);
  CHECK(run.dim == 2);
  CHECK(run.k == 3);
  CHECK(run.unify);
  CHECK(run.normalize);
  CHECK(run.method == KnnMethod::kF32);

  // A merge given both embeddings describes the same job exactly; given none, it keeps what the
  // shards recorded of them.
  CHECK(knn_inputs(*job, run) == run);
  auto text_only =
      load_merge_job(JobFiles{f.files.src, f.files.tgt, "", ""}, true, InvalidUtf8Policy::kFail, npy_opener());
  REQUIRE(text_only.has_value());
  CHECK(knn_inputs(*text_only, run) == run);
  KnnShardInputs recorded = run;
  recorded.src_emb = 99;
  CHECK(knn_inputs(*text_only, recorded).src_emb == 99);
  CHECK(describe_difference(recorded, knn_inputs(*job, recorded)) != "");
}

TEST_CASE("mine: check_work_dir and shard_done") {
  TempDir dir;
  CHECK(check_work_dir(dir.path()).is_ok());
  CHECK(check_work_dir(dir.file("none")).code() == StatusCode::kNotFound);
  testing::write_file(dir.file("f"), "x");
  CHECK(check_work_dir(dir.file("f")).code() == StatusCode::kInvalidArgument);

  Files f("a\nb\n", "x\ny\n", 2, 2);
  auto job = load_job(f.files, false, InvalidUtf8Policy::kFail, npy_opener());
  REQUIRE(job.has_value());
  KnnOptions ko;
  ko.k = 1;
  const Shard whole;
  auto first = run_knn_shard(*job, ko, false, whole, dir.path(), false);
  REQUIRE(first.has_value());
  CHECK(!first->reused);
  CHECK(first->path == knn_shard_path(dir.path(), whole));
  CHECK(first->rows == 2);
  // A rerun that keeps the file still removes what a killed run of the shard left.
  const std::string left = first->path + ".tmp." + std::to_string(testing::dead_pid());
  testing::write_file(left, "partial");
  auto again = run_knn_shard(*job, ko, false, whole, dir.path(), false);
  REQUIRE(again.has_value());
  CHECK(again->reused);
  CHECK_FALSE(testing::exists(left));
  auto forced = run_knn_shard(*job, ko, false, whole, dir.path(), true);
  REQUIRE(forced.has_value());
  CHECK(!forced->reused);

  ko.k = 2;  // another run: its file is there, but computed otherwise
  auto other = shard_done(first->path, knn_inputs(*job, knn_settings(ko, false)), false);
  CHECK(other.status().code() == StatusCode::kDataError);
  CHECK(other.status().message() ==
        first->path + ": does not match this run: computed with -k 1, not 2" + "; --force recomputes the shard");
  testing::write_file(first->path, "not a shard");
  auto bad = shard_done(first->path, first->inputs, false);
  CHECK(!bad.has_value());
  CHECK(bad.status().message().ends_with("; --force recomputes the shard"));
}

}  // namespace
}  // namespace bitmill::mine
