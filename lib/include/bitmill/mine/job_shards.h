// Sharded mining of one job (see knn_shard.h for the files): what the job's neighbour lists depend
// on, the --work folder, and the checks that keep a rerun or a merge from using lists computed
// from something else.
//
// knn_inputs() is the one description of a job's lists, for a shard run and for a merge alike: the
// sides' text (fingerprints, lines, positions searched) always, and a side's embeddings
// (fingerprint, dimension) when they are open; every other field comes from `base` (the search
// settings of knn_settings(), or what the shard files recorded, for a merge that checks only what
// it was given).
//
// run_knn_shard() is one array task's work: the shard's lists computed and written, or the
// complete file of an earlier run of the same task kept. Either way, the temporary files of the
// shard's file that killed runs left are removed (io/stale_temps.h).
//
// Errors (messages for bitmill-mine, naming its options and files):
//   check_work_dir: "DIR: no such directory (--work); create it first" (not found), "DIR: not a
//     directory (--work)" (invalid argument)
//   shard_done: the errors of read_knn_shard_header, or "PATH: does not match this run: computed
//     with -k 8, not 4" (data error), each followed by "; --force recomputes the shard"
//   check_merge: "SHARD0: does not match this merge: computed from other sentences in --src" (data
//     error)
//
// Thread safety: pure functions over immutable jobs; the checks read the file system.
#pragma once

#include <string>

#include "bitmill/base/status.h"
#include "bitmill/mine/job.h"
#include "bitmill/mine/knn.h"
#include "bitmill/mine/knn_shard.h"

namespace bitmill::mine {

// The settings part of the inputs: k, --unify, normalisation and the search method, resolved.
KnnShardInputs knn_settings(const KnnOptions& knn, bool unify);

KnnShardInputs knn_inputs(const Job& job, KnnShardInputs base);

Status check_work_dir(const std::string& dir);

// Whether `path` holds the complete lists this run would compute (`now`): false when there is no
// such file, or with `force`.
Expected<bool> shard_done(const std::string& path, const KnnShardInputs& now, bool force);

struct ShardRun {
  std::string path;       // WORK/knn.I-of-N.bin
  KnnShardInputs inputs;  // of this run
  bool reused = false;    // the file held this run's lists already: nothing was computed
  uint64_t rows = 0;      // source positions of the shard (when computed)
};

// Shard `shard` of `job`'s exact search (knn_shard), written to its file in `work`, unless
// shard_done() finds it there already. Errors: those of shard_done, knn_shard, write_knn_shard.
Expected<ShardRun> run_knn_shard(const Job& job, const KnnOptions& knn, bool unify, const Shard& shard,
                                 const std::string& work, bool force);

// Error unless `shards` were computed from what `now` describes.
Status check_merge(const KnnShardSet& shards, const KnnShardInputs& now);

}  // namespace bitmill::mine
