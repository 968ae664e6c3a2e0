// The output files of bitmill-index (an index, a --stats report, a search TSV): what may be
// written, and when an existing index is kept rather than built again.
//
// Outputs are renamed into place when complete (io/output_stream.h), so an existing index is the
// result of a finished run: a rerun (a requeued Slurm task) keeps it when it holds what this run
// would build, unless forced. The rename would also replace a device such as /dev/null or a FIFO
// with a regular file, so such outputs are refused before any work.
//
// Errors:
//   check_output_file: "PATH: not a regular file; outputs are files (or - for stdout where
//     allowed)" (invalid argument)
//   keep_complete_index: those of FaissIndex::load, and "PATH exists and holds N vectors of
//     dimension D, not the M of dimension E this run builds: remove it or pass --force" (data
//     error; also for an untrained index)
//
// Thread safety: the functions read the file system only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "bitmill/base/status.h"

namespace bitmill::index {

// "-" and paths that do not exist pass.
Status check_output_file(const std::string& path);

bool output_exists(const std::string& path);

// An existing index kept as the output of this run.
struct KeptIndex {
  std::string type;  // FaissIndex::describe()
  uint64_t vectors = 0;
  size_t dim = 0;
};

// The index at `path` when it is there (and not `force`) and holds the `rows` vectors of dimension
// `dim` this run would build, trained; nullopt when there is none to keep (build it).
Expected<std::optional<KeptIndex>> keep_complete_index(const std::string& path, uint64_t rows, size_t dim, bool force);

}  // namespace bitmill::index
