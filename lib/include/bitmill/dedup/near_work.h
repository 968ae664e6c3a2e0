// Near-duplicate removal in phases over a work directory, for Slurm array jobs (bitmill-dedup
// --mode near --work DIR --phase P). The outputs of the N apply tasks, concatenated in task order,
// are byte-identical to one run_near() over the same inputs with the same options (dedup/near.h):
// the phases compute the same records, bucket keys, shingle sets, link rule (near_link.h) and
// clusters, only in pieces.
//
// Every task is given the same inputs, in the same order. Shard I of N of the inputs is the
// contiguous range of files [floor(I*F/N), floor((I+1)*F/N)) of the F inputs, so that record
// order (input order) is shard order: a shard is never split inside a file.
//
//  1. sign (one task per input shard I/N): reads the shard's records, writes DIR/sign.I-of-N.bin:
//     per record its line number, text length, band keys, and with --verify its shingle set
//     (4 bytes per distinct shingle), with --id-field its id.
//  2. join (one task per band shard J/M, M at most the number of bands): the bands b with
//     b mod M == J of every sign file, sorted in bounded memory (spilling as run_near() does) and
//     linked bucket by bucket; writes DIR/join.J-of-M.bin, a spanning forest of its edges (each
//     linked record with the least record of its component).
//  3. cluster (one task): the union of the M forests; writes DIR/clusters.bin: for every record
//     of a cluster of two or more, the record kept for it and the cluster's size, and the id of
//     every kept record.
//  4. apply (one task per input shard I/N, the N of sign): reads the shard's records again and
//     writes the kept records, and --removed and --clusters as run_near() does.
// Each phase's file is written atomically; a task whose file is already there, complete and made
// from the same inputs and options, is skipped unless `force`. A later phase checks that the
// files it reads agree with one another (shard counts, options, input list) and that the shard's
// records are the ones signed (their count per file).
//
// Thread safety: the functions are re-entrant; they use the calling thread's TBB arena.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bitmill/base/progress.h"
#include "bitmill/base/status.h"
#include "bitmill/dedup/near.h"
#include "bitmill/io/input_set.h"
#include "bitmill/io/output_stream.h"
#include "bitmill/util/shard.h"

namespace bitmill::dedup {

enum class NearPhase { kSign, kJoin, kCluster, kApply };

// "sign", "join", "cluster", "apply".
Expected<NearPhase> parse_near_phase(std::string_view s);

// What a phase did, for the summary.
struct NearPhaseStats {
  bool skipped = false;            // its file was there already
  std::string file;                // the file written (or found)
  uint64_t records = 0;            // sign, apply: the shard's records; join, cluster: all records
  uint64_t bytes = 0;              // sign, apply: bytes of the records read
  uint64_t edges = 0;              // join: forest edges written; cluster: edges read
  uint64_t compared = 0;           // join: pairs whose similarity was computed (--verify)
  uint64_t dropped = 0;            // join: of those, below --verify
  uint64_t clusters = 0;           // cluster: clusters of two or more records
  uint64_t clustered = 0;          // cluster: records in them
  uint64_t kept = 0, removed = 0;  // apply
  uint64_t without_shingles = 0;   // sign
  bool spilled = false;            // join: the bucket sort went to disk
};

// DIR/sign.I-of-N.bin, DIR/join.J-of-M.bin, DIR/clusters.bin.
std::string near_sign_path(const std::string& dir, const Shard& s);
std::string near_join_path(const std::string& dir, const Shard& s);
std::string near_clusters_path(const std::string& dir);

// The input files [floor(I*F/N), floor((I+1)*F/N)) of shard `s` among `f` inputs.
std::pair<size_t, size_t> near_shard_files(size_t f, const Shard& s);

// Phase 1. `paths` are all the inputs (not "-": a work directory needs files it can read twice);
// `io.shard` must be whole (the shard is `s`).
Expected<NearPhaseStats> near_sign(const std::vector<std::string>& paths, const InputSetOptions& io, const Shard& s,
                                   const std::string& dir, const NearOptions& o, bool force, Progress* progress);

// Phase 2: band shard `s` (J/M) of the sign files in `dir`.
// `o` and `io` must be those the sign phase had (checked).
Expected<NearPhaseStats> near_join(const std::string& dir, const Shard& s, const NearOptions& o,
                                   const InputSetOptions& io, bool force);

// Phase 3.
Expected<NearPhaseStats> near_cluster(const std::string& dir, const NearOptions& o, const InputSetOptions& io,
                                      bool force);

// Phase 4: writes shard `s`'s kept records to `kept` (and `removed`, `clusters` when given),
// without committing them.
Expected<NearPhaseStats> near_apply(const std::vector<std::string>& paths, const InputSetOptions& io, const Shard& s,
                                    const std::string& dir, OutputStream& kept, OutputStream* removed,
                                    OutputStream* clusters, const NearOptions& o, Progress* progress);

}  // namespace bitmill::dedup
