// Building FAISS indexes from embedding files: the default index type for a number of vectors,
// training on a deterministic sample, adding rows in batches with their global row numbers as ids,
// and merging shard indexes.
//
// Default index type (default_factory), for n vectors of dimension d. stopes chooses IVF lists
// that grow with n (stopes/utils/mining_utils.py, determine_faiss_index_type: Flat up to 10k
// sentences, then OPQ64,IVF{1024 ... 262144},PQ64 by thresholds); bitmill follows the same curve
// with a formula, and keeps exact vectors while they fit in memory:
//   n < 20,000              Flat                      (exact; clustering so few points helps little)
//   20,000 <= n < 1,000,000 IVF{nlist},Flat           (n x d x 4 bytes: 1 GB at 250k x 1024)
//   n >= 1,000,000          OPQ{m},IVF{nlist},PQ{m}   (m bytes per vector)
// where nlist = 8 sqrt(n) rounded to the nearest power of two (on a log scale), and at most the
// largest power of two <= n / 39 (FAISS's k-means wants 39 points per list). That gives 512 lists
// at 20k vectors, 2048 at 100k, 8192 at 1M, 32768 at 10M, 65536 at 100M and 262144 at 1B, each
// within a factor of two of stopes' table. m = 64 (stopes' choice) when 64 divides d, else the
// largest divisor of d below 64.
//
// Training (train_index) uses `train_size` rows drawn without replacement from all the rows of
// the inputs, by a fixed-seed generator (std::mt19937_64, whose sequence the C++ standard fixes),
// read in increasing row order. The default (default_train_size) is 64 x nlist for IVF (FAISS's
// k-means uses at most 256 and wants at least 39 per list), at least 65,536 (the sample FAISS
// trains PQ and OPQ codebooks on), at most n. The sample is held in memory as f32: train_size x
// d x 4 bytes.
//
// Determinism: the sample is fixed; FAISS's k-means and PQ training use fixed seeds (1234). Given
// the same sample, the trained index is the same for any thread count as far as the BLAS products
// inside k-means are (OpenBLAS's are, in our tests: see index_basic.sh). Adding is deterministic
// for Flat, IVF and PQ indexes (each list gets its rows in add order), so the same input gives the
// same index bytes. HNSW graphs are built in parallel and depend on the thread count; build them
// with -t 1 when bytes must repeat.
//
// Ids: an IVF index stores the global row numbers it is given. Other indexes (Flat, HNSW, PQ)
// number their vectors 0, 1, ...: when the rows added are not all the rows, in order, from an
// empty index (a shard), the index is wrapped in a faiss::IndexIDMap first.
//
// Thread safety: functions may run concurrently on different indexes; each uses oneTBB and
// FAISS's OpenMP threads under the process limits.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "bitmill/base/status.h"
#include "bitmill/index/embedding_set.h"
#include "bitmill/index/faiss_index.h"

namespace bitmill::index {

inline constexpr uint64_t kDefaultSeed = 1234;

// The default number of IVF lists for n vectors (see above); 0 for n below the IVF threshold.
size_t default_nlist(uint64_t n);
// The default factory string for n vectors of dimension dim (see above).
std::string default_factory(uint64_t n, size_t dim);
// Rows to train `index` on when n are available: 0 when it needs no training.
uint64_t default_train_size(const FaissIndex& index, uint64_t n);

// `m` distinct values of [0, n) drawn with a fixed-seed generator (Floyd's algorithm), sorted
// increasingly; all of [0, n) when m >= n.
std::vector<int64_t> sample_rows(uint64_t n, uint64_t m, uint64_t seed);

// Trains `index` on `train_size` rows sampled from all rows of `emb` (no-op for a trained index).
// Errors: dimension mismatch, fewer training rows than IVF lists, a NaN/inf row, FAISS failing.
// What FAISS prints meanwhile (its k-means warnings about too few training points) goes into
// `notes` when given, each distinct line once ("... (x64)"), and nowhere otherwise: FAISS would
// print it to stderr past the tool's -q. Not thread-safe while training (it redirects fd 2).
Status train_index(FaissIndex& index, const EmbeddingSet& emb, uint64_t train_size, uint64_t seed = kDefaultSeed,
                   std::vector<std::string>* notes = nullptr);

// Adds the rows `sel` selects, with their global row numbers as ids, in batches of `batch_rows`
// (0: default_batch_rows). `progress` (optional) gets the number of rows added so far after each
// batch. Returns the number of rows added. Errors: an untrained index, dimension mismatch, a
// NaN/inf row (nothing of that batch or later is added), ids that the index cannot store.
Expected<uint64_t> add_rows(FaissIndex& index, const EmbeddingSet& emb, const RowSelection& sel, size_t batch_rows = 0,
                            const std::function<void(uint64_t)>& progress = {});

// Moves the vectors of `shard` into `into`, keeping their ids; `shard` is left empty. Both must
// come from the same trained index (FAISS compares the coarse centroids and transforms).
// Mergeable: IVF indexes (also under OPQ/PCA) and id-mapped Flat indexes (sharded Flat builds).
// Errors (data errors, naming the shard): an index of another kind (HNSW), different kinds,
// dimensions or training.
Status merge_index(FaissIndex& into, FaissIndex& shard);

}  // namespace bitmill::index
