// What one bitmill-index build is asked to do, and the combinations that cannot work.
//
// check_build_request() refuses, as invalid arguments and in this order: no output ("-o INDEX is
// required"), no input, --factory or --train-size with --trained (the trained index fixes the type
// and is trained already), --train-only with --trained, an output that is not a regular file (see
// output_files.h), the stats file likewise, an input that is also the output, the trained index as
// the output (each shard needs its own file), --check-recall with --train-only (no vectors to
// check), and --shard with --train-only (training samples every row). The messages name the
// options, as the tool's user gave them.
//
// Thread safety: a pure function (it reads the file system for the output checks).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "bitmill/base/status.h"

namespace bitmill::index {

struct BuildRequest {
  std::vector<std::string> inputs;  // embedding files
  std::string output;
  std::string factory;       // empty: by size (default_factory)
  uint64_t train_size = 0;   // 0: default_train_size
  bool train_only = false;   // write the empty trained index
  std::string trained;       // add to a copy of this trained index
  size_t recall_sample = 0;  // 0: no recall check
  std::string stats;         // the JSON report's file; empty: none
};

// `shard_given`: whether --shard was given.
Status check_build_request(const BuildRequest& r, bool shard_given);

}  // namespace bitmill::index
