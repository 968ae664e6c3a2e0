// Which records of one LSH bucket are joined (bitmill-dedup --mode near). Private to lib/src/dedup.
//
// The rule is a function of the bucket alone, so the edges of a run do not depend on the order in
// which buckets are visited, nor on how the bands are split between join tasks (near_work.h): a
// one-process run and a sharded one find the same edges, hence the same clusters.
//  - Without verification, every record of the bucket is joined to its first (least ordinal).
//  - With verification (`verify` > 0), record g[k] is compared with the bucket's earlier records,
//    nearest first, at most kVerifyTries of them, and joined to the first whose exact shingle
//    Jaccard similarity (make_set32 sets) is at least `verify`; to none if there is none.
// A pair's similarity is pure, so a PairMemo may remember it between buckets (the same pair meets
// in many bands) without changing the result; forgetting is as correct as remembering.
//
// Thread safety: none; one thread per PairMemo.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "bitmill/base/status.h"

namespace bitmill::dedup::detail {

inline constexpr size_t kVerifyTries = 8;

// A bucket record of the join (one process and sharded): the band key, then the band in the top
// 8 bits and the record's ordinal below. Sorted by band, key, ordinal, so that a bucket's records
// come together, in record order.
struct Bucket {
  uint64_t key;
  uint64_t tag;
  uint64_t band() const { return tag >> 56; }
  uint64_t ordinal() const { return tag & ((uint64_t{1} << 56) - 1); }
};
struct BucketLess {
  bool operator()(const Bucket& a, const Bucket& b) const {
    if (a.band() != b.band()) return a.band() < b.band();
    if (a.key != b.key) return a.key < b.key;
    return a.ordinal() < b.ordinal();
  }
};

// Results of compared pairs, in an open-addressing table of at most `max_slots`; when it would
// pass 70% of that it is emptied and starts again.
class PairMemo {
 public:
  explicit PairMemo(size_t max_bytes) : max_slots_(std::max<size_t>(1024, max_bytes / sizeof(Slot))) {}

  // 1: similar, 0: not, -1: not known.
  int find(uint64_t a, uint64_t b) const {
    if (slots_.empty()) return -1;
    for (size_t i = index(a, b);; i = (i + 1) & (slots_.size() - 1)) {
      const Slot& s = slots_[i];
      if (s.a == 0) return -1;
      if (s.a == a + 1 && (s.b >> 1) == b) return static_cast<int>(s.b & 1);
    }
  }

  void insert(uint64_t a, uint64_t b, bool similar) {
    if ((used_ + 1) * 10 > slots_.size() * 7) grow();
    for (size_t i = index(a, b);; i = (i + 1) & (slots_.size() - 1)) {
      Slot& s = slots_[i];
      if (s.a != 0) continue;
      s = Slot{a + 1, b << 1 | (similar ? 1 : 0)};
      ++used_;
      return;
    }
  }

 private:
  struct Slot {
    uint64_t a, b;  // a + 1 (0: empty); b << 1 | similar (ordinals are below 2^56)
  };
  size_t index(uint64_t a, uint64_t b) const {
    uint64_t h = (a * 0x9E3779B97F4A7C15ull) ^ (b + 0x632BE59BD9B4E019ull);
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ull;
    h ^= h >> 32;
    return h & (slots_.size() - 1);
  }
  void grow() {
    const size_t want = slots_.empty() ? 4096 : slots_.size() * 2;
    if (want > max_slots_ && !slots_.empty()) {
      std::fill(slots_.begin(), slots_.end(), Slot{0, 0});  // full: forget
      used_ = 0;
      return;
    }
    std::vector<Slot> old(want, Slot{0, 0});
    old.swap(slots_);
    used_ = 0;
    for (const Slot& s : old) {
      if (s.a != 0) insert(s.a - 1, s.b >> 1, (s.b & 1) != 0);
    }
  }

  size_t max_slots_;
  std::vector<Slot> slots_;
  size_t used_ = 0;
};

struct LinkCounts {
  uint64_t compared = 0;  // pairs whose similarity was computed (verify)
  uint64_t dropped = 0;   // of those, below `verify`
};

// Applies the rule to bucket `g` (ordinals ascending): edge(a, b) for each join, a < b.
// `similar(a, b)` returns Expected<bool>: whether the pair reaches `verify`.
template <typename Similar, typename Edge>
Status link_bucket(const std::vector<uint64_t>& g, double verify, PairMemo& memo, Similar&& similar, Edge&& edge,
                   LinkCounts& counts) {
  for (size_t k = 1; k < g.size(); ++k) {
    if (verify <= 0) {
      edge(g[0], g[k]);
      continue;
    }
    for (size_t t = k, tries = 0; t-- > 0 && tries < kVerifyTries; ++tries) {
      int known = memo.find(g[t], g[k]);
      if (known < 0) {
        BITMILL_ASSIGN_OR_RETURN(bool same, similar(g[t], g[k]));
        ++counts.compared;
        if (!same) ++counts.dropped;
        memo.insert(g[t], g[k], same);
        known = same ? 1 : 0;
      }
      if (known == 1) {
        edge(g[t], g[k]);
        break;
      }
    }
  }
  return Status::ok();
}

}  // namespace bitmill::dedup::detail
