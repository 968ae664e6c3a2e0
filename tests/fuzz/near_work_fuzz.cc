// The work files of sharded near dedup (dedup/near_work.h): one file of a valid two-shard job is
// replaced by the input, and the phases that read it run. Byte 0 says which file (bits 1-2: 0 the
// sign file of shard 1, 1 the join file of band shard 1, 2 clusters.bin) and, bit 0, whether the
// target recomputes the file's checksums first, so that mutations reach the checks behind them
// (the fuzzer cannot forge an XXH3). The job (two JSONL inputs with near duplicates) is made once
// per process by the phases themselves, with the scratch directory as the working directory (for
// the call only: libFuzzer's paths are relative to the real one), so that its files (which hold
// the input names) are the same bytes in every process and in the seeds (tests/fuzz/make_seeds.py
// runs the same job with bitmill-dedup). The contract: every phase succeeds or fails with an
// error that names the work directory or one of its files; a successful apply accounts for every record.
#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

#include "bitmill/dedup/near_work.h"
#include "bitmill/io/output_stream.h"
#include "bitmill/util/hash.h"
#include "dedup/work_file.h"
#include "fuzz_util.h"

using namespace bitmill;

namespace {

// Offsets of work_file.h's two checksums.
constexpr size_t kPayloadHashAt = 16 + dedup::detail::kWorkFields * 8 + dedup::detail::kWorkSections * 16;
constexpr size_t kHeaderHashAt = kPayloadHashAt + 8;

void put_u64(std::string& b, size_t at, uint64_t v) { std::memcpy(b.data() + at, &v, 8); }

std::string with_checksums(std::string_view in) {
  std::string b(in);
  if (b.size() < dedup::detail::kWorkHeaderBytes) return b;
  put_u64(b, kPayloadHashAt, hash64(std::string_view(b).substr(dedup::detail::kWorkHeaderBytes)));
  put_u64(b, kHeaderHashAt, hash64(std::string_view(b).substr(0, kHeaderHashAt)));
  return b;
}

// Makes the scratch directory the working directory until destroyed.
class InScratch {
 public:
  InScratch() : fd_(::open(".", O_RDONLY | O_DIRECTORY)) {
    FUZZ_CHECK(fd_ >= 0 && ::chdir(fuzz::scratch_dir().c_str()) == 0);
  }
  ~InScratch() {
    FUZZ_CHECK(::fchdir(fd_) == 0);
    ::close(fd_);
  }
  InScratch(const InScratch&) = delete;
  InScratch& operator=(const InScratch&) = delete;

 private:
  int fd_;
};

struct Job {
  dedup::NearOptions opts;
  InputSetOptions io;
  std::vector<std::string> inputs;
  std::string base, work;
};

const Job& job() {
  static const Job j = [] {
    Job k;
    k.opts.jsonl = true;
    k.opts.id_field = "id";
    k.opts.verify = 0.5;
    k.opts.bands = 4;
    k.opts.rows = 2;
    k.opts.ngram = 2;
    k.opts.threads = 1;
    k.opts.memory_bytes = 1 << 20;
    k.opts.tmp_dir = fuzz::scratch_dir();
    const char* docs[] = {
        R"({"id": "a", "text": "the cat sat on the mat by the door"})",
        R"({"id": 2, "text": "the cat sat on the mat by the window"})",
        R"({"id": "c", "text": ""})",
        R"({"id": "d", "text": "a completely different sentence here"})",
        R"({"id": "e", "text": "the cat sat on the mat by the door"})",
        R"({"id": "f", "text": "another different sentence here today"})",
    };
    for (int f = 0; f < 2; ++f) {
      std::string text;
      for (int i = 0; i < 3; ++i) text += std::string(docs[f * 3 + i]) + "\n";
      const std::string name = "in." + std::to_string(f) + ".jsonl";
      fuzz::write_file(name, text);
      k.inputs.push_back(name);
    }
    k.base = "base";
    k.work = "work";
    fuzz::write_file("base/.keep", "");
    bool ok = true;
    for (uint64_t i = 0; i < 2; ++i)
      ok &= dedup::near_sign(k.inputs, k.io, Shard{i, 2}, k.base, k.opts, true, nullptr).has_value();
    for (uint64_t i = 0; i < 2; ++i) ok &= dedup::near_join(k.base, Shard{i, 2}, k.opts, k.io, true).has_value();
    ok &= dedup::near_cluster(k.base, k.opts, k.io, true).has_value();
    FUZZ_CHECK(ok);
    return k;
  }();
  return j;
}

std::string read_file(const std::string& path) {
  std::string out;
  if (FILE* f = std::fopen(path.c_str(), "rb")) {
    char buf[4096];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) out.append(buf, n);
    std::fclose(f);
  }
  return out;
}

// The phase's error must name the work directory (or one of its files).
#define CHECK_PHASE(expr)                                                   \
  do {                                                                      \
    auto _r = (expr);                                                       \
    if (!_r.has_value()) {                                                  \
      FUZZ_CHECK(_r.status().message().find(j.work) != std::string::npos || \
                 _r.status().message().find("the inputs of shard") == 0);   \
      return 0;                                                             \
    }                                                                       \
  } while (0)

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const InScratch in_scratch;
  const Job& j = job();
  const bool fix = data[0] & 1;
  const int kind = (data[0] >> 1) & 3;
  const char* names[] = {"sign.0-of-2.bin", "sign.1-of-2.bin", "join.0-of-2.bin", "join.1-of-2.bin", "clusters.bin"};
  for (const char* n : names) fuzz::write_file(std::string("work/") + n, read_file(j.base + "/" + n));
  const std::string target = kind == 0 ? "sign.1-of-2.bin" : kind == 1 ? "join.1-of-2.bin" : "clusters.bin";
  const std::string_view bytes = fuzz::as_view(data + 1, size - 1);
  fuzz::write_file("work/" + target, fix ? with_checksums(bytes) : std::string(bytes));
  if (kind == 0) {
    for (uint64_t i = 0; i < 2; ++i) CHECK_PHASE(dedup::near_join(j.work, Shard{i, 2}, j.opts, j.io, true));
  }
  if (kind <= 1) CHECK_PHASE(dedup::near_cluster(j.work, j.opts, j.io, true));
  for (uint64_t i = 0; i < 2; ++i) {
    auto kept = OutputStream::open(fuzz::scratch_dir() + "/kept");
    auto removed = OutputStream::open(fuzz::scratch_dir() + "/removed");
    auto clusters = OutputStream::open(fuzz::scratch_dir() + "/clusters");
    FUZZ_CHECK(kept.has_value() && removed.has_value() && clusters.has_value());
    auto st = dedup::near_apply(j.inputs, j.io, Shard{i, 2}, j.work, **kept, removed->get(), clusters->get(), j.opts,
                                nullptr);
    CHECK_PHASE(st);
    FUZZ_CHECK(st->kept + st->removed == st->records && st->records == 3);
  }
  return 0;
}
