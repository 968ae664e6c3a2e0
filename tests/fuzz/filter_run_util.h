// run_filter() (filter/filter_run.h) over one file, for the TSV and JSONL targets: the job is built
// once per process (rule objects and CLD2 are read-only after that), the inputs and outputs are
// files in the scratch directory, and the outputs are never committed (their temporary files go
// when the streams are destroyed).
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "bitmill/filter/filter_job.h"
#include "bitmill/filter/filter_run.h"
#include "bitmill/io/input_set.h"
#include "bitmill/io/output_stream.h"
#include "fuzz_util.h"

namespace bitmill::fuzz {

inline std::unique_ptr<filter::FilterJob> make_filter_job(const filter::FilterJobOptions& o) {
  static Log log("fuzz", LogLevel::kError, stderr);
  auto config = filter::build_filter_config(o);
  FUZZ_CHECK(config.has_value());
  auto job = filter::FilterJob::create(o, std::move(config).value(), log);
  if (!job) std::fprintf(stderr, "%s\n", job.status().message().c_str());
  FUZZ_CHECK(job.has_value());
  return std::move(job).value();
}

// Runs the job over `path`; on success the counts must add up.
inline void run_filter_over(const std::string& path, const filter::FilterOptions& opts, InvalidUtf8Policy policy) {
  InputSetOptions io;
  io.invalid_utf8 = policy;
  io.block_bytes = 256;  // several blocks even for small inputs
  auto inputs = InputSet::open({path}, io);
  FUZZ_CHECK(inputs.has_value());
  auto kept = OutputStream::open(scratch_dir() + "/kept.out");
  auto rejected = OutputStream::open(scratch_dir() + "/rejected.out");
  FUZZ_CHECK(kept.has_value() && rejected.has_value());
  auto stats = filter::run_filter(**inputs, **kept, rejected->get(), opts, nullptr);
  if (!stats) {
    FUZZ_CHECK_NAMES(stats.status().message(), path);
    return;
  }
  FUZZ_CHECK(stats->kept <= stats->rows);
  FUZZ_CHECK(stats->rows == (*inputs)->lines_selected());
  uint64_t first = 0;
  for (uint64_t n : stats->first) first += n;
  FUZZ_CHECK(first + stats->kept == stats->rows);
}

}  // namespace bitmill::fuzz
