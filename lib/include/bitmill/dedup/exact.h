// Exact deduplication: keep the first occurrence of every key, in input order.
//
// Lines flow read -> key+hash (parallel) -> decide+write (in order) through a oneTBB pipeline, so
// the output is the same for any thread count. Decisions use a table of key hashes. When that
// table would outgrow `memory_bytes`, the run switches to an external algorithm: the table is
// written out as a sorted run, the rest of the input is spooled to an anonymous temporary file
// with a (hash, ordinal) record per line, the records are sorted in runs and merged to find each
// key's first ordinal, and the spooled lines are replayed in order. Lines decided before the
// switch were first occurrences already, so they are written at once; the output is identical
// to the in-memory result either way.
//
// Thread safety: run_exact() is re-entrant; it uses the calling thread's TBB arena.
#pragma once

#include <cstdint>
#include <string>

#include "bitmill/base/progress.h"
#include "bitmill/base/status.h"
#include "bitmill/dedup/key.h"
#include "bitmill/io/input_set.h"
#include "bitmill/io/output_stream.h"

namespace bitmill::dedup {

enum class HashBits { k64, k128 };

struct ExactOptions {
  KeyField key = KeyField::kLine;
  NormalizeOptions normalize;
  HashBits hash_bits = HashBits::k64;
  uint64_t memory_bytes = uint64_t{1} << 30;  // for the hash table and the spill buffers
  std::string tmp_dir;                        // spill directory; empty = $TMPDIR or /tmp
  size_t threads = 1;                         // blocks in flight scale with it
};

struct ExactStats {
  uint64_t lines = 0;  // lines considered (after sharding and invalid-UTF-8 skipping)
  uint64_t kept = 0;
  uint64_t removed = 0;
  uint64_t bytes = 0;  // decompressed bytes of the lines considered, newlines included
  bool spilled = false;
  uint64_t spill_runs = 0;
  uint64_t spilled_lines = 0;
};

// Reads `inputs`, writes kept lines to `kept` and, when given, removed lines to `removed`, both in
// input order. Does not commit the outputs. Errors: I/O and data errors of the inputs, "FILE:LINE:
// --key tgt needs a second tab-separated column", spill I/O errors.
Expected<ExactStats> run_exact(InputSet& inputs, OutputStream& kept, OutputStream* removed, const ExactOptions& opts,
                               Progress* progress);

}  // namespace bitmill::dedup
