// The index of kept records of near dedup (--index DIR), so that the next crawl is deduplicated
// against what earlier runs kept. Private to lib/src/dedup.
//
// DIR holds segments "segment.K.bin", K = 0, 1, ...: each a sign file (near_sign_file.h) of one
// run's kept records, as one pseudo input: band keys, shingle sets (with --verify), ids (always:
// INPUT:LINE of that run, or its --id-field value) and text lengths; its kSignNamesHash field is
// the run's fingerprint (run_fingerprint). A run reads every segment made with its options, its
// records first in the record order (so they are every cluster's least, and kept), and writes a
// segment of the records it kept. A segment with the run's own fingerprint is a rerun's earlier
// result: it is left out and replaced, so that a rerun gives the same outputs again.
//
// Thread safety: a NearIndex is immutable once opened; SegmentBuilder is one thread's.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bitmill/base/status.h"
#include "dedup/near_sign_file.h"
#include "dedup/work_file.h"

namespace bitmill::dedup::detail {

// XXH3 of the inputs' names, sizes, modification times and inode numbers; 0 (never equal to a
// segment's) when an input is standard input.
uint64_t run_fingerprint(const std::vector<std::string>& names);

class NearIndex {
 public:
  // Opens the segments of `dir` (which is created if missing). Errors: a segment made with other
  // options (named), a damaged one (named).
  static Expected<NearIndex> open(const std::string& dir, uint64_t options, uint64_t run);

  uint64_t records() const { return bases_.back(); }
  size_t segments() const { return segs_.size(); }
  bool bucketed(uint64_t o, size_t& seg, uint64_t& r) const;
  uint64_t key(size_t seg, uint64_t r, size_t band) const { return segs_[seg].key(r, band); }
  const uint32_t* shingles(uint64_t o, size_t& n) const;
  std::string_view id(uint64_t o) const;
  // Where this run's segment goes.
  const std::string& new_segment_path() const { return new_path_; }

 private:
  const SignFile& locate(uint64_t o, uint64_t& r) const;
  std::vector<SignFile> segs_;
  std::vector<uint64_t> bases_{0};
  std::string new_path_;
};

// The segment of this run's kept records, added in order.
class SegmentBuilder {
 public:
  static Expected<std::unique_ptr<SegmentBuilder>> create(const std::string& tmp_dir, size_t bands, bool sets);

  // `keys`: the record's band keys (bands values; ignored when not `bucketed`).
  Status add(const uint64_t* keys, bool bucketed, const std::vector<uint32_t>& set, std::string_view id,
             uint32_t text_bytes);
  // Writes the segment to `path`, finished but under a temporary name until the writer's commit().
  Expected<std::unique_ptr<WorkFileWriter>> write(const std::string& path, uint64_t options, uint64_t run) const;
  uint64_t records() const { return text_bytes_.size(); }

 private:
  SegmentBuilder(size_t bands, bool sets) : bands_(bands), sets_(sets) {}
  size_t bands_;
  bool sets_;
  TempFile keys_, set_values_, ids_;
  std::vector<uint64_t> set_ends_, id_ends_;
  std::vector<uint32_t> text_bytes_;
  std::vector<uint8_t> bucketed_;
  uint64_t set_count_ = 0, id_bytes_ = 0;
};

}  // namespace bitmill::dedup::detail
