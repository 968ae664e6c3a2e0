// The files of a tool that streams rows from its inputs to an output and, optionally, a second
// output (bitmill-dedup's --removed, bitmill-filter's --rejected), opened in that order so that a
// missing input fails before any output exists. Outputs are OutputStreams: nothing appears under
// their names until commit (io/output_stream.h).
//
// Errors: those of InputSet::open and OutputStream::open, each naming the file.
// Thread safety: single-threaded use.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "bitmill/base/log.h"
#include "bitmill/base/status.h"
#include "bitmill/io/input_set.h"
#include "bitmill/io/output_stream.h"

namespace bitmill::cli {

struct Streams {
  std::unique_ptr<InputSet> inputs;
  std::unique_ptr<OutputStream> out;
  std::unique_ptr<OutputStream> second;  // null when not asked for
};

// Opens `inputs` with `io` (logging "shard I/N by BY" when it takes a shard), then `out` and, when
// not empty, `second`. `shard_by` is the --shard-by word, for the log line.
Expected<Streams> open_streams(const std::vector<std::string>& inputs, const InputSetOptions& io,
                               const std::string& shard_by, const std::string& out, const std::string& second,
                               Log& log);

}  // namespace bitmill::cli
