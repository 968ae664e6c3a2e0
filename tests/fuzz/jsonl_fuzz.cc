// Web documents: bitmill-filter's (filter/filter_run.h, mono mode), JSONL objects whose "text" is
// judged by every web rule (FineWeb, Gopher, C4) and CLD2 language ID, or plain lines; and
// bitmill-dedup --mode near's (dedup/near.h) on the same file, as JSONL documents with an id field
// or as lines, with a small memory budget so that the bucket join spills. Byte 0 chooses the
// invalid-UTF-8 policy, the format (auto, jsonl, text), all-reasons and --verify; the rest is the
// file. The contract: an error naming the file and line, or counts that add up.
#include <memory>
#include <string>

#include "bitmill/dedup/near.h"
#include "filter_run_util.h"

using namespace bitmill;

namespace {

const filter::FilterJob& job(int format, bool all_reasons) {
  static std::unique_ptr<filter::FilterJob> jobs[6];
  auto& j = jobs[format * 2 + all_reasons];
  if (!j) {
    filter::FilterJobOptions o;
    o.mode = filter::FilterMode::kMono;
    o.lid = "cld2";
    o.lang = format == 1 ? "en" : "";
    o.format = format == 0 ? "auto" : format == 1 ? "jsonl" : "text";
    o.all_reasons = all_reasons;
    j = fuzz::make_filter_job(o);
  }
  return *j;
}

// Near-duplicate removal over `path`: an error naming it, or every record kept or removed.
void run_near_over(const std::string& path, bool jsonl, bool verify, InvalidUtf8Policy policy) {
  InputSetOptions io;
  io.invalid_utf8 = policy;
  io.block_bytes = 256;
  auto inputs = InputSet::open({path}, io);
  FUZZ_CHECK(inputs.has_value());
  auto kept = OutputStream::open(fuzz::scratch_dir() + "/near.kept");
  auto removed = OutputStream::open(fuzz::scratch_dir() + "/near.removed");
  auto clusters = OutputStream::open(fuzz::scratch_dir() + "/near.clusters");
  FUZZ_CHECK(kept.has_value() && removed.has_value() && clusters.has_value());
  dedup::NearOptions o;
  o.jsonl = jsonl;
  o.id_field = jsonl ? "id" : "";
  o.ngram = 2;
  o.bands = 4;
  o.rows = 2;
  o.verify = verify ? 0.5 : 0;
  o.memory_bytes = 4096;  // the bucket join spills after 128 records
  auto stats = dedup::run_near(**inputs, **kept, removed->get(), clusters->get(), o, nullptr);
  if (!stats) {
    FUZZ_CHECK_NAMES(stats.status().message(), path);
    return;
  }
  FUZZ_CHECK(stats->kept + stats->removed == stats->records);
  FUZZ_CHECK(stats->records == (*inputs)->lines_selected());
  FUZZ_CHECK(stats->clustered >= 2 * stats->clusters);
  FUZZ_CHECK(stats->removed <= stats->clustered);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const InvalidUtf8Policy policy = static_cast<InvalidUtf8Policy>(data[0] % 3);
  const int format = (data[0] >> 2) % 3;
  const bool all_reasons = data[0] & 0x10;
  const std::string path = fuzz::write_file("docs.jsonl", fuzz::as_view(data + 1, size - 1));
  fuzz::run_filter_over(path, job(format, all_reasons).options(), policy);
  run_near_over(path, format != 2, data[0] & 0x20, policy);
  return 0;
}
