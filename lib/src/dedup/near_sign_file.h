// The sign files of sharded near dedup (near_work.h): what phase 1 writes and phases 2 to 4 read.
// Private to lib/src/dedup.
//
// DIR/sign.I-of-N.bin is a work file (work_file.h), magic "BMNEARSG", whose fields are
// SignField and whose sections are SignSection:
//   kFileRecords  u64 per input file of the shard: its records
//   kLines        u64 per record: its 1-based line number in its file
//   kTextBytes    u32 per record: the bytes of its text (for --keep longest)
//   kBucketed     u8 per record: 1 when it has shingles (and so band keys)
//   kKeys         u64 per record and band: the band keys (0 for records without shingles)
//   kShingleEnds  u64 per record (with --verify): end of its shingle set in kShingles, in values
//   kShingles     u32 values: the make_set32 sets, one after another
//   kIds          (with --id-field) u64 per record: end of its id in the bytes that follow
//                 the table, then the ids' bytes
//
// Thread safety: a SignFile is immutable once opened.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bitmill/base/status.h"
#include "bitmill/dedup/near.h"
#include "bitmill/io/input_set.h"
#include "bitmill/util/shard.h"
#include "dedup/work_file.h"

namespace bitmill::dedup::detail {

inline constexpr char kSignMagic[] = "BMNEARSG";
inline constexpr char kJoinMagic[] = "BMNEARJN";
inline constexpr char kClustersMagic[] = "BMNEARCL";
inline constexpr uint64_t kNearWorkVersion = 1;

enum SignField : size_t {
  kSignShard,
  kSignShards,
  kSignFileBegin,
  kSignFileEnd,
  kSignInputs,     // F, all inputs
  kSignNamesHash,  // inputs_fingerprint()
  kSignOptions,    // options_fingerprint()
  kSignRecords,
  kSignBands,
  kSignFlags,  // 1: shingle sets, 2: ids
};
enum SignSection : size_t { kFileRecords, kLines, kTextBytes, kBucketed, kKeys, kShingleEnds, kShingles, kIds };

// XXH3 of everything in the options that changes records, keys, sets or links (not threads,
// memory, or --keep, which only the cluster phase reads and records).
uint64_t options_fingerprint(const NearOptions& o, const InputSetOptions& io);
// XXH3 of the input names, in order, each with a NUL.
uint64_t inputs_fingerprint(const std::vector<std::string>& paths);

// A sign file, opened and checked (sections of the sizes the fields imply, sets inside kShingles).
class SignFile {
 public:
  static Expected<SignFile> open(const std::string& path);

  uint64_t field(SignField f) const { return file_.field(f); }
  Shard shard() const { return Shard{field(kSignShard), field(kSignShards)}; }
  uint64_t records() const { return field(kSignRecords); }
  size_t bands() const { return field(kSignBands); }
  uint64_t file_records(size_t i) const { return file_.array<uint64_t>(kFileRecords)[i]; }
  uint64_t line(uint64_t r) const { return file_.array<uint64_t>(kLines)[r]; }
  uint32_t text_bytes(uint64_t r) const { return file_.array<uint32_t>(kTextBytes)[r]; }
  bool bucketed(uint64_t r) const { return file_.array<uint8_t>(kBucketed)[r] != 0; }
  uint64_t key(uint64_t r, size_t band) const { return file_.array<uint64_t>(kKeys)[r * bands() + band]; }
  // Record r's shingle set (with --verify).
  const uint32_t* shingles(uint64_t r, size_t& n) const;
  // Record r's id (with --id-field).
  std::string_view id(uint64_t r) const;
  const std::string& path() const { return file_.path(); }

 private:
  WorkFile file_;
  std::string_view id_bytes_;
};

// Checks that sign files 0..N-1 (opened in order) are of one job: shard I of the same N, the same
// options and inputs as `want_options` / `want_inputs` (when not 0), and file ranges that tile the
// inputs. Errors name the first file that does not fit.
Status check_sign_set(const std::vector<SignFile>& files, uint64_t want_options, uint64_t want_inputs);

// Opens DIR/sign.I-of-N.bin for I = 0..N-1, N from the names in `dir` (files of one N only).
// Errors: no sign file, a missing shard (named), files of two job sizes.
Expected<std::vector<SignFile>> open_sign_set(const std::string& dir, uint64_t want_options);

// N from the files "PREFIX.I-of-N.bin" in `dir`; errors name `dir` and what is wrong.
Expected<uint64_t> find_shard_count(const std::string& dir, std::string_view prefix, std::string_view phase);

enum JoinField : size_t { kJoinShard, kJoinShards, kJoinSignShards, kJoinOptions, kJoinNames, kJoinRecords };

// The global ordinal of each sign shard's first record: bases[i], with bases[N] the total.
std::vector<uint64_t> record_bases(const std::vector<SignFile>& files);

// The spanning forest of `edges` (emptied): every vertex but its component's least, with that
// least, ordered by vertex.
std::vector<std::pair<uint64_t, uint64_t>> spanning_forest(std::vector<std::pair<uint64_t, uint64_t>>& edges);

// Collects edges in bounded memory: past `max_edges` (and twice the last forest) they are reduced
// to their spanning forest, which links the same components with at most one edge per vertex.
class ForestBuilder {
 public:
  explicit ForestBuilder(size_t max_edges) : max_(max_edges) {}
  void add(uint64_t a, uint64_t b) {
    edges_.emplace_back(a, b);
    if (edges_.size() >= std::max(max_, 2 * forest_)) {
      edges_ = spanning_forest(edges_);
      forest_ = edges_.size();
    }
  }
  // The spanning forest of every edge added (spanning_forest's order).
  std::vector<std::pair<uint64_t, uint64_t>> take() { return spanning_forest(edges_); }

 private:
  size_t max_, forest_ = 0;
  std::vector<std::pair<uint64_t, uint64_t>> edges_;
};

// True when the first `n` fields of `f` are `want`'s.
bool same_fields(const WorkFile& f, const WorkFields& want, size_t n);

// Appends a removed record's `line` with the id of the record it duplicates: a TSV column, or a
// JSONL "duplicate_of" field (as run_near() writes it).
void append_removed(std::string_view line, std::string_view dup, bool jsonl, std::string& out);

}  // namespace bitmill::dedup::detail
