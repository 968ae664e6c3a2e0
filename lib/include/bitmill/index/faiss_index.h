// A FAISS index owned by value (RAII), loaded, saved and searched with bitmill's errors and
// conventions.
//
// Metric: every bitmill index measures the inner product of L2-normalised rows, i.e. the cosine,
// as LASER and stopes do (METRIC_INNER_PRODUCT; rows are normalised when added, queries when
// searched). Ids are the global row numbers of the embedding files the index was built from (see
// embedding_set.h).
//
// Errors: FAISS reports errors by throwing faiss::FaissException; every function here catches it
// (and std::bad_alloc) and returns a Status naming the file, in one line. A file that is not a
// FAISS index, or is truncated, gives "FILE: not a valid FAISS index (...)" (a data error); an index
// with another metric (L2) is refused on load.
//
// Search-time parameters: `nprobe` (IVF lists visited) and `efSearch` (HNSW candidate list) are
// stored in the index file (store_params). nprobe may also be given per search (SearchParams,
// passed to FAISS as faiss::SearchParameters, so that searching never modifies the index). efSearch
// may not: FAISS 1.7.3 sizes HNSW's candidate queue from the stored value whatever the parameters
// say, so a per-search efSearch other than the stored one is refused; store it instead (on a
// loaded copy: store_params is cheap).
//
// Thread safety: a FaissIndex is a plain value. Searching (search(), search_knn()) only reads the
// index and may run from several threads at once; FAISS then parallelises each search with
// OpenMP (see set_thread_limit). Mutating members need exclusive access.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "bitmill/base/status.h"
#include "bitmill/vectors/neighbors.h"
#include "bitmill/vectors/row_set.h"

namespace faiss {
struct Index;
}

namespace bitmill::index {

// Search-time parameters; 0 means "the value stored in the index".
struct SearchParams {
  size_t nprobe = 0;     // IVF: inverted lists visited per query (above nlist: nlist)
  size_t ef_search = 0;  // HNSW (whole index or IVF coarse quantiser): candidate list size
};

class FaissIndex {
 public:
  FaissIndex();
  // Takes ownership; `name` (a file or a factory string) is used in error messages.
  explicit FaissIndex(std::unique_ptr<faiss::Index> index, std::string name = "");
  FaissIndex(FaissIndex&&) noexcept;
  FaissIndex& operator=(FaissIndex&&) noexcept;
  FaissIndex(const FaissIndex&) = delete;
  FaissIndex& operator=(const FaissIndex&) = delete;
  ~FaissIndex();

  // An empty index from a FAISS factory string ("Flat", "IVF4096,Flat", "OPQ64,IVF65536,PQ64",
  // "HNSW32", ...) with the inner-product metric. Search defaults are raised from FAISS's
  // (nprobe 1, efSearch 16, far too low for mining) to nprobe = min(128, nlist), as stopes mines
  // with, and efSearch = 128. Error: a string FAISS rejects (invalid argument).
  static Expected<FaissIndex> create(const std::string& factory, size_t dim);
  // Reads an index file. Errors: missing file, not a FAISS index, truncated, not inner product.
  static Expected<FaissIndex> load(const std::string& path);
  // Writes the index atomically: to "PATH.tmp.<pid>", then renamed into place (io/output_stream.h),
  // so a reader never sees half an index and a failed or killed write leaves nothing under PATH.
  // Errors: "-" or an existing PATH that is not a regular file (a device, a FIFO: the rename would
  // replace it), and I/O errors.
  Status save(const std::string& path) const;

  bool empty() const { return index_ == nullptr; }
  size_t dim() const;
  uint64_t size() const;  // vectors held (ntotal)
  bool is_trained() const;
  // An inverted-file index, possibly under a transform (OPQ, PCA) or an id map.
  bool is_ivf() const;
  size_t nlist() const;  // 0 when not IVF
  // The index maps its own positions to ids (faiss::IndexIDMap), as sharded Flat and HNSW ones do.
  bool has_id_map() const;
  // Accepts explicit ids when adding (IVF or id map); otherwise ids are positions 0, 1, ...
  bool takes_ids() const;
  // Lists of an IVF index can be merged (IVF, or an id map around a Flat or other mergeable index).
  bool mergeable() const;

  // The stored search defaults (0 for a parameter the index does not have).
  SearchParams stored_params() const;
  // Stores the non-zero fields of `p`. Error (invalid argument): a parameter the index does not
  // have (--nprobe on a Flat index), or nprobe above nlist.
  Status store_params(const SearchParams& p);

  // The index as a factory-like string for messages: "IVF1024,Flat", "OPQ64,IVF65536,PQ64",
  // "IDMap,HNSW32", "Flat"; the FAISS class for structures it does not know.
  std::string describe() const;
  const std::string& name() const { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }

  faiss::Index* get() { return index_.get(); }
  const faiss::Index* get() const { return index_.get(); }
  // Wraps the index in a faiss::IndexIDMap (which then owns it), so that it takes explicit ids.
  // Requires an empty index that does not take ids.
  Status wrap_id_map();

 private:
  std::unique_ptr<faiss::Index> index_;
  std::string name_;
};

// Searches n query rows x (n x dim f32, already L2-normalised) for their k best vectors:
// sims/ids get n x k entries, each row by decreasing similarity, equal similarities by increasing
// id. Where FAISS finds fewer than k (an IVF search whose probed lists hold fewer vectors, or
// k > size()), the row ends with padding: sim -infinity and id INT64_MAX, as vectors/neighbors.h pads.
// Queries are searched in fixed batches, so results do not depend on n or on the thread count.
// Errors (invalid argument): k == 0, a parameter the index does not have, an ef_search other than
// the stored one, an untrained index.
Status search(const FaissIndex& index, const float* x, size_t n, size_t k, const SearchParams& p, float* sims,
              int64_t* ids);

struct SearchStats {
  uint64_t short_rows = 0;  // query rows that got fewer than k_eff neighbours (padded)
};

// k-NN of `queries` in the index, for the mining tool: queries are read as f32 and normalised as
// rows are on add (an error names a NaN/inf row). `out` gets rows = queries.size() and
// k = k_eff = min(k, index.size()) (as knn_both bounds k by the other side's rows), sim and idx as
// in search(): idx are the index's ids (global rows of the files it was built from).
// Padding (sim -inf, idx INT64_MAX) can remain in a row of an approximate index; mine_pairs()
// expects none, so a caller mining from an index checks stats->short_rows (or raises nprobe).
Status search_knn(const FaissIndex& index, const vectors::RowSet& queries, const SearchParams& p, size_t k,
                  vectors::Neighbors& out, SearchStats* stats = nullptr);

// Limits FAISS's OpenMP threads and OpenBLAS's threads (when FAISS runs on OpenBLAS) for the
// whole process: a tool calls it once with its -t value, as oneTBB's limit is set in cli::run.
void set_thread_limit(size_t threads);

}  // namespace bitmill::index
