#include "bitmill/mine/job_shards.h"

#include <filesystem>
#include <system_error>

#include "bitmill/io/stale_temps.h"

namespace bitmill::mine {

KnnShardInputs knn_settings(const KnnOptions& knn, bool unify) {
  KnnShardInputs in;
  in.k = knn.k;
  in.unify = unify;
  in.normalize = knn.normalize;
  in.method = resolve(knn.method);
  return in;
}

KnnShardInputs knn_inputs(const Job& job, KnnShardInputs base) {
  base.src_text = text_fingerprint(job.src.text);
  base.tgt_text = text_fingerprint(job.tgt.text);
  base.src_lines = job.src.text.size();
  base.tgt_lines = job.tgt.text.size();
  base.src_positions = job.src.positions();
  base.tgt_positions = job.tgt.positions();
  // Without embeddings (a merge not given them), what `base` says of them is taken on trust.
  if (job.src.emb) {
    base.src_emb = embedding_fingerprint(*job.src.emb);
    base.dim = job.src.emb->dim();
  }
  if (job.tgt.emb) {
    base.tgt_emb = embedding_fingerprint(*job.tgt.emb);
    base.dim = job.tgt.emb->dim();
  }
  return base;
}

Status check_work_dir(const std::string& dir) {
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) return Status::ok();
  if (std::filesystem::exists(dir, ec)) return invalid_argument(dir + ": not a directory (--work)");
  return not_found(dir + ": no such directory (--work); create it first");
}

Expected<bool> shard_done(const std::string& path, const KnnShardInputs& now, bool force) {
  std::error_code ec;
  if (force || !std::filesystem::exists(path, ec)) return false;
  auto h = read_knn_shard_header(path);
  if (!h) return Status(h.status().code(), h.status().message() + "; --force recomputes the shard");
  const std::string diff = describe_difference(h->inputs, now);
  if (!diff.empty()) {
    return data_error(path + ": does not match this run: computed " + diff + "; --force recomputes the shard");
  }
  return true;
}

Expected<ShardRun> run_knn_shard(const Job& job, const KnnOptions& knn, bool unify, const Shard& shard,
                                 const std::string& work, bool force) {
  ShardRun r;
  r.inputs = knn_inputs(job, knn_settings(knn, unify));
  r.path = knn_shard_path(work, shard);
  BITMILL_ASSIGN_OR_RETURN(r.reused, shard_done(r.path, r.inputs, force));
  if (r.reused) {
    // A computed shard's writer removes them itself (OutputStream::open); a kept one's does not.
    (void)remove_stale_temp_outputs(r.path);
    return r;
  }
  Neighbors fwd, bwd;
  BITMILL_RETURN_IF_ERROR(knn_shard(job.src.set(), job.tgt.set(), knn, shard, fwd, bwd));
  BITMILL_RETURN_IF_ERROR(write_knn_shard(r.path, shard, r.inputs, fwd, bwd));
  r.rows = fwd.rows;
  return r;
}

Status check_merge(const KnnShardSet& shards, const KnnShardInputs& now) {
  const std::string diff = describe_difference(shards.inputs(), now);
  if (!diff.empty()) return data_error(shards.path(0) + ": does not match this merge: computed " + diff);
  return Status::ok();
}

}  // namespace bitmill::mine
