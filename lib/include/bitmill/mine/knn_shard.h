// Sharded exact k-NN for Slurm array jobs: each task searches one range of the source rows
// against every target and writes its neighbour lists to one file; a final step merges the files
// into exactly the lists that knn_both() gives for the whole job.
//
// Shards. Shard I of N holds the source positions [floor(I*n/N), floor((I+1)*n/N)) of the n
// positions searched (every line, or with --unify each distinct line's first occurrence).
// Contiguous ranges rather than util/shard.h's every-N-th line: a task then reads one stretch of
// the memory-mapped source matrix instead of a page per row, and the merge copies forward lists
// in one piece. Shards differ by at most one row; with N > n some are empty, and their files hold
// backward lists of length 0.
//
// Lists. A shard's forward lists (its sources -> every target) are final. Its backward lists
// (every target -> this shard's sources) are partial: the best min(k, rows of the shard) in the
// order of knn.h (similarity decreasing, then index increasing). That order is total and a
// similarity does not depend on the tile it is computed in, so a target's global top k is among
// the union of the shards' top k, and merging those by the same order gives knn_both()'s
// backward lists exactly. Every index in a file is a global position.
//
// File DIR/knn.I-of-N.bin, little-endian:
//   header, kKnnShardHeaderBytes: magic "BMKNNSHD", version, shard I and N, the shard's source
//     range, the two list lengths, the KnnShardInputs, an XXH3 checksum of the payload and one of
//     the header itself
//   forward lists: per source row of the shard, fwd_k f32 similarities then fwd_k i64 targets
//   backward lists: per target position, bwd_k f32 similarities then bwd_k i64 sources
// so the file has header + (rows x fwd_k + targets x bwd_k) x 12 bytes. Files are written under a
// temporary name and renamed when complete (io/output_stream.h).
//
// Errors name the file: not a shard file, another version, a corrupt header, a size that is not
// the one the header implies (truncated), a payload checksum that does not match, a missing
// shard, shards computed from different inputs or options.
//
// Thread safety: plain values and re-entrant functions; KnnShardSet::merge() runs oneTBB tasks.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bitmill/base/status.h"
#include "bitmill/io/embeddings.h"
#include "bitmill/mine/knn.h"
#include "bitmill/mine/sentences.h"
#include "bitmill/util/shard.h"

namespace bitmill::mine {

inline constexpr uint64_t kKnnShardVersion = 1;
inline constexpr size_t kKnnShardHeaderBytes = 176;

// What a shard's lists were computed from. Shard files merge only when these agree, and a rerun
// skips a shard only when they agree with its file. Fingerprints are content-based, so copying
// the inputs (to node-local scratch, say) does not invalidate a shard; threads and --block are
// absent because the lists do not depend on them. The search method is the one that ran: kAuto
// resolves by CPU, and the methods' similarities may differ in the last bits, so shards computed
// on nodes of different CPU kinds must not be merged.
struct KnnShardInputs {
  uint64_t src_text = 0, tgt_text = 0;  // text_fingerprint() of the sentences
  uint64_t src_emb = 0, tgt_emb = 0;    // embedding_fingerprint() of the matrices
  uint64_t src_lines = 0, tgt_lines = 0;
  uint64_t src_positions = 0, tgt_positions = 0;  // rows searched: lines, or distinct lines (--unify)
  uint64_t dim = 0;
  uint64_t k = 0;  // as asked for; the lists hold min(k, rows of the other side)
  bool unify = false;
  bool normalize = true;
  KnnMethod method = KnnMethod::kF32;  // resolved: kF32 or kInt8

  friend bool operator==(const KnnShardInputs&, const KnnShardInputs&) = default;
};

// Empty when equal; else the first difference, from `file`'s point of view, for a message:
// "with -k 8, not 4", "with --unify", "with the int8 search, not f32", "from other sentences in
// --src", "from another --tgt-emb".
std::string describe_difference(const KnnShardInputs& file, const KnnShardInputs& now);

// XXH3 over every line and its newline, in order.
uint64_t text_fingerprint(const Sentences& s);
// XXH3 over the shape, the element type and the raw bytes of 257 evenly spaced rows (the first
// and the last among them): cheap on a 100 GB matrix, and any re-embedding changes it; an edit
// confined to rows between the samples goes unnoticed.
uint64_t embedding_fingerprint(const EmbeddingMatrix& m);

struct PositionRange {
  uint64_t begin = 0, end = 0;
  uint64_t size() const { return end - begin; }
};

// Shard `s`'s source positions among `n`: [floor(I*n/N), floor((I+1)*n/N)).
PositionRange shard_positions(uint64_t n, const Shard& s);

// DIR/knn.I-of-N.bin
std::string knn_shard_path(const std::string& dir, const Shard& s);

// Shard `s` of the search of x against y: fwd has one row per position in
// shard_positions(x.size(), s), with target positions; bwd has a row per position of y, with the
// best min(k, rows of the shard) of the shard's sources as positions in x (global). Errors: those
// of knn_both().
Status knn_shard(const RowSet& x, const RowSet& y, const KnnOptions& opts, const Shard& s, Neighbors& fwd,
                 Neighbors& bwd);

// Writes shard `s`'s lists to `path` atomically. The shapes must be those knn_shard() gives for
// `inputs` (else an internal error, and nothing is written); I/O errors name the file.
Status write_knn_shard(const std::string& path, const Shard& s, const KnnShardInputs& inputs, const Neighbors& fwd,
                       const Neighbors& bwd);

struct KnnShardHeader {
  Shard shard;
  PositionRange rows;             // the shard's source positions
  uint64_t fwd_k = 0, bwd_k = 0;  // list lengths
  KnnShardInputs inputs;
  uint64_t payload_hash = 0;
};

// Reads and checks a shard file's header, and checks the file's size against it (so a truncated
// file is caught here); the lists are not read. Errors: not found, and data errors as above.
Expected<KnnShardHeader> read_knn_shard_header(const std::string& path);

// N from the names of the shard files in `dir` (knn.I-of-N.bin; temporary files are ignored).
// Errors: `dir` unreadable, no shard file, files of more than one N.
Expected<uint64_t> find_knn_shard_count(const std::string& dir);

// The N shard files of one job, their headers checked.
class KnnShardSet {
 public:
  // Opens the headers of shards 0..N-1 in `dir`; N = `count`, else find_knn_shard_count(). Errors:
  // a missing shard (the first missing file named, every missing index listed), a bad header or
  // size, a file that holds another shard than its name says, a file computed from different
  // inputs or options than shard 0's. Once all N are found complete, removes the temporary
  // files of those shards that dead processes left in `dir` (io/stale_temps.h).
  static Expected<KnnShardSet> open(const std::string& dir, std::optional<uint64_t> count = std::nullopt);

  uint64_t count() const { return headers_.size(); }
  const KnnShardInputs& inputs() const { return headers_.front().inputs; }
  const std::string& path(size_t i) const { return paths_[i]; }

  // The whole job's lists, identical to knn_both() over all positions. Reads the files one at a
  // time, front to back, each mapped and released in turn; checks every payload checksum and
  // index. Memory: the merged lists, 12 bytes per row per neighbour on each side.
  Status merge(Neighbors& fwd, Neighbors& bwd) const;

 private:
  std::vector<std::string> paths_;
  std::vector<KnnShardHeader> headers_;
};

}  // namespace bitmill::mine
