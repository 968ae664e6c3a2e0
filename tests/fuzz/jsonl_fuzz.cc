// bitmill-filter's web documents (filter/filter_run.h, mono mode): JSONL objects whose "text" is
// judged by every web rule (FineWeb, Gopher, C4) and CLD2 language ID, or plain lines. Byte 0
// chooses the invalid-UTF-8 policy, the format (auto, jsonl, text) and all-reasons; the rest is
// the file. The contract: an error naming the file and line, or counts that add up.
#include <memory>
#include <string>

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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const InvalidUtf8Policy policy = static_cast<InvalidUtf8Policy>(data[0] % 3);
  const int format = (data[0] >> 2) % 3;
  const bool all_reasons = data[0] & 0x10;
  const std::string path = fuzz::write_file("docs.jsonl", fuzz::as_view(data + 1, size - 1));
  fuzz::run_filter_over(path, job(format, all_reasons).options(), policy);
  return 0;
}
