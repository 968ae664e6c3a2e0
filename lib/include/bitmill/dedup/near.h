// Near-duplicate removal with MinHash LSH (bitmill-dedup --mode near), in one process.
//
// 1. Signatures: every record's text (a line, a TSV key, or a JSONL document's text field) is
//    normalised and cut into shingles of `ngram` words (dedup/shingles.h); its MinHash signature
//    of bands x rows values gives one bucket key per band (dedup/minhash.h). Records are
//    spooled, as read, to an anonymous temporary file. Parallel; in input order.
// 2. Bucket join: (band, key, ordinal) records are sorted in bounded memory (util/external_sort.h,
//    spilling sorted runs to disk beyond the budget). Records that share a band key are
//    candidates. Without verification each joins the first record of the bucket; with `verify`
//    each is compared with the bucket's earlier records, nearest first, at most 8, until one has
//    an exact shingle Jaccard similarity of at least `verify` (or is already in its cluster),
//    and joins only that one: clusters cannot chain through false matches.
// 3. Clusters by union-find over ordinals; a cluster's kept record is its first, or with
//    keep_longest its longest text (the first of equals). The spool is replayed in input order:
//    kept records to `kept`, the others to `removed`, with the id of the kept record they
//    duplicate, and every record of a cluster of two or more to `clusters`.
// Every step is a function of the input order only, so outputs are byte-identical for any
// thread count and memory budget.
//
// Ids: "INPUT:LINE" (the input's name as given, 1-based line), or with `id_field` the JSONL
// field's value (a string, or a number as written).
//
// Thread safety: run_near() is re-entrant; it uses the calling thread's TBB arena.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "bitmill/base/progress.h"
#include "bitmill/base/status.h"
#include "bitmill/dedup/key.h"
#include "bitmill/io/input_set.h"
#include "bitmill/io/output_stream.h"

namespace bitmill::dedup {

struct NearOptions {
  // What a record's text is: lines (`key` of each TSV line) or JSONL documents.
  KeyField key = KeyField::kLine;
  bool jsonl = false;
  std::string text_field = "text";
  std::string id_field;  // JSONL: the field that names a record in --removed and --clusters
  // Shingles and signatures.
  size_t ngram = 5;  // 1..64
  bool char_units = false;
  uint64_t seed = 1;
  size_t bands = 14, rows = 8;  // bands 1..255, bands x rows at most 1024
  double verify = 0;            // exact Jaccard threshold for candidate pairs; 0: off
  bool keep_longest = false;
  // --index DIR: records kept by earlier runs (their segments in DIR) count as coming before the
  // inputs, so an input record like one of them is removed (its duplicate_of the old record's id);
  // this run's kept records become a new segment (dedup/near_index.h).
  std::string index_dir;
  uint64_t memory_bytes = uint64_t{1} << 30;
  std::string tmp_dir;
  size_t threads = 1;
};

// This run's new --index segment, complete under a temporary name; commit() renames it into
// place. A tool commits it after its outputs, so that a failed run adds nothing to the index.
class NearIndexSegment {
 public:
  virtual ~NearIndexSegment() = default;
  virtual Status commit() = 0;
};

struct NearStats {
  uint64_t records = 0, kept = 0, removed = 0;
  uint64_t bytes = 0;                 // decompressed bytes of the records, newlines included
  uint64_t without_shingles = 0;      // records with no unit (empty): never duplicates
  uint64_t candidate_pairs = 0;       // bucket pairs not yet in one cluster: compared (verify) or joined
  uint64_t dropped_pairs = 0;         // candidate pairs below `verify`
  uint64_t clusters = 0;              // clusters of two or more records
  uint64_t clustered = 0;             // records in them
  uint64_t bucket_records = 0;        // (band, key, ordinal) records sorted
  bool spilled = false;               // the bucket sort went to disk
  double state_bytes_per_record = 0;  // memory held per record through clustering
  // --index
  uint64_t index_records = 0;                 // records of earlier runs matched against
  size_t index_segments = 0;                  // their segments
  uint64_t index_matched = 0;                 // input records removed as duplicates of them
  std::string index_segment_path;             // where this run's kept records go
  std::shared_ptr<NearIndexSegment> segment;  // to commit after the outputs
};

// The probability that two records of Jaccard similarity j become candidates with bands x rows:
// 1 - (1 - j^rows)^bands.
double candidate_probability(double j, size_t bands, size_t rows);

// Sets o.bands and o.rows (at most `values` MinHash values) to the banding whose S-curve best
// separates similarities above `threshold` (0 < threshold < 1) from those below: the least
// false-positive plus false-negative area (dedup/minhash.h, choose_banding).
Status choose_banding_for(double threshold, size_t values, NearOptions& o);

// Validates the options (one-line errors naming the option).
Status check_near_options(const NearOptions& o);

// Reads `inputs` and writes kept records to `kept`; when given, removed records (each with the
// id of the record it duplicates: a last TSV column, or a JSONL "duplicate_of" field) to
// `removed`, and "ID<TAB>CLUSTER<TAB>SIZE" lines for every record of a cluster of two or more to
// `clusters` (CLUSTER is the kept record's id), all in input order. Does not commit the outputs.
// Errors: I/O and data errors of the inputs, "FILE:LINE: not a JSON object", "FILE:LINE: no string
// field \"text\"", "FILE:LINE: --key tgt needs a second tab-separated column", spill I/O errors.
Expected<NearStats> run_near(InputSet& inputs, OutputStream& kept, OutputStream* removed, OutputStream* clusters,
                             const NearOptions& opts, Progress* progress);

}  // namespace bitmill::dedup
