// MinHash signatures and LSH banding for near-duplicate detection (bitmill-dedup --mode near).
// Private to lib/src/dedup.
//
// A signature has K = bands x rows 32-bit values. Value i of a document is the least, over its
// shingle hashes s (shingles.h), of h_i(s) = (a_i * s + b_i) mod 2^64, shifted right by 32: a
// multiply-add-shift family (Dietzfelbinger) with a_i odd; a_i and b_i are drawn by SplitMix64
// from the seed, so signatures are the same on every machine. A document without shingles has
// every value 0xFFFFFFFF and is never bucketed. Band j's key is XXH3-64 (seed + 2 + j) of the
// values j*rows .. j*rows + rows - 1 as 4-byte little-endian words; two documents are candidates
// when a band key is equal. The chance that documents of Jaccard similarity J become candidates is
// 1 - (1 - J^rows)^bands (s_curve).
//
// Thread safety: a MinHasher is immutable; the functions are pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace bitmill::dedup::detail {

class MinHasher {
 public:
  MinHasher(size_t size, uint64_t seed);

  // Writes the size() values of the signature of `shingles` to `sig`.
  void signature(const std::vector<uint64_t>& shingles, uint32_t* sig) const;

  size_t size() const { return a_.size(); }

 private:
  using Update = void (*)(const uint64_t*, const uint64_t*, size_t, const uint64_t*, size_t, uint32_t*);
  std::vector<uint64_t> a_, b_;
  Update update_;  // minhash_kernels.h, per ISA
};

// The key of band `band` (rows values from sig + band * rows).
uint64_t band_key(const uint32_t* sig, size_t band, size_t rows, uint64_t seed);

// The probability that two documents of Jaccard similarity j share a band key.
double s_curve(double j, size_t bands, size_t rows);

struct Banding {
  size_t bands = 14, rows = 8;
};

// The bands x rows (at most `max_values` values) whose S-curve best separates similarities
// above `threshold` from those below: least false-positive area (the curve below the threshold)
// plus false-negative area (1 - the curve above it), integrated with 1000 steps each; the first
// best in order of bands, then rows. As text-dedup's optimal_param with equal weights.
Banding choose_banding(double threshold, size_t max_values);

// The share of equal values of two signatures of `size` values: an estimate of the Jaccard
// similarity with standard error sqrt(J (1 - J) / size).
double estimated_jaccard(const uint32_t* a, const uint32_t* b, size_t size);

// Sorts and deduplicates a shingle hash list in place: the set exact_jaccard_sets reads.
void make_set(std::vector<uint64_t>& v);

// |A n B| / |A u B| of two sets (make_set); 1 when both are empty.
double exact_jaccard_sets(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b);

// The same for two shingle hash lists, made sets in place.
double exact_jaccard(std::vector<uint64_t>& a, std::vector<uint64_t>& b);

// The set --verify compares: the high 32 bits of each shingle hash, sorted and deduplicated.
// 32 bits halve what sharded runs store per shingle (near_sign_file.h); two shingles of a pair
// of 1000-shingle documents merge with probability about 2^-12, far below any threshold's step.
void make_set32(const std::vector<uint64_t>& shingles, std::vector<uint32_t>& out);

// |A n B| / |A u B| of two make_set32 sets of na and nb values; 1 when both are empty.
double exact_jaccard_sets(const uint32_t* a, size_t na, const uint32_t* b, size_t nb);

}  // namespace bitmill::dedup::detail
