#include "bitmill/index/faiss_index.h"

#include <dlfcn.h>
#include <omp.h>
#include <sys/stat.h>

#include <faiss/IVFlib.h>
#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexIDMap.h>
#include <faiss/IndexIVF.h>
#include <faiss/IndexIVFFlat.h>
#include <faiss/IndexIVFPQ.h>
#include <faiss/IndexPQ.h>
#include <faiss/IndexPreTransform.h>
#include <faiss/IndexRefine.h>
#include <faiss/IndexScalarQuantizer.h>
#include <faiss/VectorTransform.h>
#include <faiss/impl/FaissException.h>
#include <faiss/impl/io.h>
#include <faiss/index_factory.h>
#include <faiss/index_io.h>
#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <new>
#include <vector>

#include "bitmill/io/output_stream.h"
#include "bitmill/kernels/l2_norm.h"
#include "bitmill/util/parallel.h"
#include "index/allocation_cap.h"
#include "index/faiss_util.h"
#include "index/index_types.h"
#include "index/sigfpe_guard.h"

namespace bitmill::index {
namespace {

using vectors::kNoIdx;
using vectors::kNoSim;
// The queries whose rows are checked before the search parameters (search_knn's old batch).
constexpr size_t kSearchBatch = 4096;
// Queries per FAISS call within search(). FAISS's matrix products run on OpenBLAS, whose results
// differ in the last bits with its own thread count on some CPUs (seen on AMD Zen 5), so every call
// runs on one thread over a fixed slice of the queries, and the slices run in parallel: the bits of
// a similarity then depend on the queries, never on the thread count.
constexpr size_t kSearchSlice = 1024;
// Search defaults raised from FAISS's at creation; 128 probes is what stopes mines with
// (stopes/pipelines/bitext/conf/mine_indexes/base.yaml, num_probe: 128).
constexpr size_t kDefaultNprobe = 128;
constexpr int kDefaultEfSearch = 128;

// OpenBLAS's own thread control (process-wide; its pool ignores OpenMP's limit), looked up at run
// time: the reference BLAS has no such functions, and then both are null.
struct OpenBlasThreads {
  using Get = int (*)();
  using Set = void (*)(int);
  Get get = reinterpret_cast<Get>(::dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
  Set set = reinterpret_cast<Set>(::dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
};

// OpenBLAS's thread count, set to one for the lifetime of the guard.
class SingleThreadedBlas {
 public:
  SingleThreadedBlas() {
    if (api_.get != nullptr && api_.set != nullptr) {
      saved_ = api_.get();
      api_.set(1);
    }
  }
  ~SingleThreadedBlas() {
    if (api_.get != nullptr && api_.set != nullptr) api_.set(saved_);
  }
  SingleThreadedBlas(const SingleThreadedBlas&) = delete;
  SingleThreadedBlas& operator=(const SingleThreadedBlas&) = delete;

 private:
  OpenBlasThreads api_;
  int saved_ = 1;
};

// OpenMP's thread count for the calling thread, set to one for the lifetime of the guard.
class SingleThreadedOmp {
 public:
  SingleThreadedOmp() : saved_(omp_get_max_threads()) { omp_set_num_threads(1); }
  ~SingleThreadedOmp() { omp_set_num_threads(saved_); }
  SingleThreadedOmp(const SingleThreadedOmp&) = delete;
  SingleThreadedOmp& operator=(const SingleThreadedOmp&) = delete;

 private:
  int saved_;
};

const faiss::IndexIDMap* as_id_map(const faiss::Index* ix) { return dynamic_cast<const faiss::IndexIDMap*>(ix); }

// The index under id maps and transforms: an IVF, an HNSW, a Flat, ...
const faiss::Index* core(const faiss::Index* ix) {
  for (;;) {
    if (const auto* m = as_id_map(ix)) {
      ix = m->index;
    } else if (const auto* t = dynamic_cast<const faiss::IndexPreTransform*>(ix)) {
      ix = t->index;
    } else {
      return ix;
    }
  }
}
faiss::Index* core(faiss::Index* ix) { return const_cast<faiss::Index*>(core(static_cast<const faiss::Index*>(ix))); }

// The HNSW graph whose efSearch applies: the index itself, or an IVF's coarse quantiser.
faiss::HNSW* hnsw_of(faiss::Index* ix) {
  faiss::Index* c = core(ix);
  if (auto* ivf = dynamic_cast<faiss::IndexIVF*>(c)) c = ivf->quantizer;
  auto* h = dynamic_cast<faiss::IndexHNSW*>(c);
  return h != nullptr ? &h->hnsw : nullptr;
}
const faiss::HNSW* hnsw_of(const faiss::Index* ix) { return hnsw_of(const_cast<faiss::Index*>(ix)); }

std::string sq_name(const faiss::ScalarQuantizer& sq) {
  // FAISS fills qtype from the file unchecked: read as the integer it is (see load()).
  int qtype = 0;
  static_assert(sizeof qtype == sizeof sq.qtype);
  std::memcpy(&qtype, &sq.qtype, sizeof qtype);
  if (qtype == faiss::ScalarQuantizer::QT_8bit) return "SQ8";
  if (qtype == faiss::ScalarQuantizer::QT_4bit) return "SQ4";
  if (qtype == faiss::ScalarQuantizer::QT_6bit) return "SQ6";
  if (qtype == faiss::ScalarQuantizer::QT_fp16) return "SQfp16";
  return "SQ";
}

std::string pq_name(const faiss::ProductQuantizer& pq) {
  return pq.nbits == 8 ? fmt::format("PQ{}", pq.M) : fmt::format("PQ{}x{}", pq.M, pq.nbits);
}

std::string hnsw_name(const faiss::IndexHNSW& h) { return fmt::format("HNSW{}", h.hnsw.nb_neighbors(1)); }

std::string describe_index(const faiss::Index* ix) {
  if (const auto* m = as_id_map(ix)) {
    const bool two = dynamic_cast<const faiss::IndexIDMap2*>(ix) != nullptr;
    return (two ? "IDMap2," : "IDMap,") + describe_index(m->index);
  }
  if (const auto* t = dynamic_cast<const faiss::IndexPreTransform*>(ix)) {
    std::string s;
    for (const faiss::VectorTransform* vt : t->chain) {
      if (const auto* opq = dynamic_cast<const faiss::OPQMatrix*>(vt)) {
        s += fmt::format("OPQ{}", opq->M);
        if (opq->d_out != opq->d_in) s += fmt::format("_{}", opq->d_out);
      } else if (dynamic_cast<const faiss::PCAMatrix*>(vt) != nullptr) {
        s += fmt::format("PCA{}", vt->d_out);
      } else if (dynamic_cast<const faiss::RandomRotationMatrix*>(vt) != nullptr) {
        s += fmt::format("RR{}", vt->d_out);
      } else if (dynamic_cast<const faiss::NormalizationTransform*>(vt) != nullptr) {
        s += "L2norm";
      } else {
        s += "Transform";
      }
      s += ",";
    }
    return s + describe_index(t->index);
  }
  if (const auto* ivf = dynamic_cast<const faiss::IndexIVF*>(ix)) {
    std::string s = fmt::format("IVF{}", ivf->nlist);
    if (const auto* hq = dynamic_cast<const faiss::IndexHNSW*>(ivf->quantizer)) s += fmt::format("_{}", hnsw_name(*hq));
    if (dynamic_cast<const faiss::IndexIVFFlat*>(ix) != nullptr) return s + ",Flat";
    if (const auto* pq = dynamic_cast<const faiss::IndexIVFPQ*>(ix)) return fmt::format("{},{}", s, pq_name(pq->pq));
    if (const auto* sq = dynamic_cast<const faiss::IndexIVFScalarQuantizer*>(ix))
      return fmt::format("{},{}", s, sq_name(sq->sq));
    return s + ",?";
  }
  if (const auto* h = dynamic_cast<const faiss::IndexHNSW*>(ix)) {
    if (dynamic_cast<const faiss::IndexHNSWFlat*>(ix) != nullptr) return hnsw_name(*h);
    if (const auto* pq = dynamic_cast<const faiss::IndexPQ*>(h->storage))
      return fmt::format("{}_{}", hnsw_name(*h), pq_name(pq->pq));
    if (const auto* sq = dynamic_cast<const faiss::IndexScalarQuantizer*>(h->storage)) {
      return fmt::format("{}_{}", hnsw_name(*h), sq_name(sq->sq));
    }
    return hnsw_name(*h) + "_?";
  }
  if (dynamic_cast<const faiss::IndexFlat*>(ix) != nullptr) return "Flat";
  if (const auto* pq = dynamic_cast<const faiss::IndexPQ*>(ix)) return pq_name(pq->pq);
  if (const auto* sq = dynamic_cast<const faiss::IndexScalarQuantizer*>(ix)) return sq_name(sq->sq);
  if (dynamic_cast<const faiss::IndexRefine*>(ix) != nullptr) return "Refine(...)";
  return "an index of another kind";
}

// The faiss::SearchParameters tree for `p` under `ix` (id maps excluded: search() unwraps the top
// one itself, because FAISS 1.7.3's IndexIDMap refuses parameters). Stored values fill the fields
// `p` leaves at 0, since a SearchParametersIVF's own defaults (nprobe 1) would replace them.
struct ParamTree {
  std::vector<std::unique_ptr<faiss::SearchParameters>> owned;

  Expected<faiss::SearchParameters*> build(const faiss::Index* ix, const SearchParams& p) {
    if (as_id_map(ix) != nullptr) {
      return unavailable("search parameters do not reach an index under an inner id map");
    }
    if (const auto* t = dynamic_cast<const faiss::IndexPreTransform*>(ix)) {
      BITMILL_ASSIGN_OR_RETURN(faiss::SearchParameters * inner, build(t->index, p));
      if (inner == nullptr) return static_cast<faiss::SearchParameters*>(nullptr);
      auto sp = std::make_unique<faiss::SearchParametersPreTransform>();
      sp->index_params = inner;
      return keep(std::move(sp));
    }
    if (const auto* ivf = dynamic_cast<const faiss::IndexIVF*>(ix)) {
      BITMILL_ASSIGN_OR_RETURN(faiss::SearchParameters * q, build(ivf->quantizer, p));
      auto sp = std::make_unique<faiss::SearchParametersIVF>();
      sp->nprobe = p.nprobe > 0 ? std::min(p.nprobe, ivf->nlist) : ivf->nprobe;
      sp->max_codes = ivf->max_codes;
      sp->quantizer_params = q;
      return keep(std::move(sp));
    }
    // No SearchParametersHNSW: FAISS 1.7.3 sizes HNSW's candidate queue from the stored efSearch
    // whatever the parameters say, so search() only accepts the stored value (see the header).
    return static_cast<faiss::SearchParameters*>(nullptr);
  }

 private:
  faiss::SearchParameters* keep(std::unique_ptr<faiss::SearchParameters> sp) {
    owned.push_back(std::move(sp));
    return owned.back().get();
  }
};

Status check_params_apply(const FaissIndex& index, const SearchParams& p) {
  if (p.nprobe > 0 && !index.is_ivf()) {
    return invalid_argument("nprobe applies to IVF indexes, and " + index.name() + " is " + index.describe());
  }
  if (p.ef_search > 0 && hnsw_of(index.get()) == nullptr) {
    return invalid_argument("efSearch applies to HNSW indexes (or IVF ones with an HNSW quantiser), and " +
                            index.name() + " is " + index.describe());
  }
  return Status::ok();
}

// Writes FAISS's serialisation into an OutputStream, keeping the first error.
struct StreamWriter : faiss::IOWriter {
  OutputStream* out = nullptr;
  Status status;
  size_t operator()(const void* ptr, size_t size, size_t nitems) override {
    if (!status.is_ok()) return 0;
    status = out->write(std::string_view(static_cast<const char*>(ptr), size * nitems));
    return status.is_ok() ? nitems : 0;
  }
};

// What reading an index file of `file_bytes` may allocate (allocation_cap.h): an index in memory
// is its file's contents plus small headers, and FAISS copies some parts once while reading; the
// constant covers the headers and FAISS's own bookkeeping on tiny files.
size_t read_allowance(uint64_t file_bytes) {
  constexpr uint64_t kSlack = uint64_t{4} << 20;
  constexpr uint64_t kMax = std::numeric_limits<size_t>::max() / 8;
  return static_cast<size_t>(std::min(kMax, 4 * std::min(file_bytes, kMax / 8) + kSlack));
}

// Reads through a FILE* we opened ourselves, so that open errors are reported as errno.
struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

}  // namespace

FaissIndex::FaissIndex() = default;
FaissIndex::FaissIndex(std::unique_ptr<faiss::Index> index, std::string name)
    : index_(std::move(index)), name_(std::move(name)) {}
FaissIndex::FaissIndex(FaissIndex&&) noexcept = default;
FaissIndex& FaissIndex::operator=(FaissIndex&&) noexcept = default;
FaissIndex::~FaissIndex() = default;

Expected<FaissIndex> FaissIndex::create(const std::string& factory, size_t dim) {
  if (dim == 0 || dim > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return invalid_argument("invalid dimension " + std::to_string(dim));
  }
  std::unique_ptr<faiss::Index> ix;
  try {
    ix.reset(faiss::index_factory(static_cast<int>(dim), factory.c_str(), faiss::METRIC_INNER_PRODUCT));
  } catch (const std::exception& e) {
    return invalid_argument("invalid factory string '" + factory + "' for dimension " + std::to_string(dim) + ": " +
                            faiss_message(e));
  }
  // An index bitmill could write but not read back (index_types.h) is refused up front: its
  // types are those of its file, written while it is still empty (cheap).
  faiss::VectorIOWriter empty;
  try {
    faiss::write_index(ix.get(), &empty);
  } catch (const std::exception&) {
    empty.data.clear();  // not writable yet: FAISS reports that when the index is saved
  }
  const std::string_view head(reinterpret_cast<const char*>(empty.data.data()),
                              std::min<size_t>(empty.data.size(), 4096));
  if (Status t = detail::check_index_types(head); !head.empty() && !t.is_ok()) {
    return invalid_argument("factory string '" + factory + "': " + t.message() +
                            " (FAISS 1.7.3 cannot read such files safely)");
  }
  if (auto* ivf = faiss::ivflib::try_extract_index_ivf(ix.get())) ivf->nprobe = std::min(kDefaultNprobe, ivf->nlist);
  if (faiss::HNSW* h = hnsw_of(ix.get())) h->efSearch = std::max(h->efSearch, kDefaultEfSearch);
  return FaissIndex(std::move(ix), factory);
}

Expected<FaissIndex> FaissIndex::load(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return errno_status(path, errno);
  if (S_ISDIR(st.st_mode)) return io_error(path + ": is a directory");
  std::unique_ptr<std::FILE, FileCloser> f(std::fopen(path.c_str(), "rb"));
  if (!f) return errno_status(path, errno);
  // FAISS's readers crash on some forged types: check the types before it reads (index_types.h).
  if (Status types = detail::check_index_types(f.get()); !types.is_ok()) {
    return data_error(path + ": not a valid FAISS index (" + types.message() + ")");
  }
  if (std::fseek(f.get(), 0, SEEK_SET) != 0) return errno_status(path, errno);
  std::unique_ptr<faiss::Index> ix;
  try {
    bool read = false;
    {
      // Outside the guarded call: a SIGFPE jumps out of it without running its destructors.
      const AllocationCap cap(read_allowance(static_cast<uint64_t>(st.st_size)));
      read = call_catching_sigfpe([&] { ix.reset(faiss::read_index(f.get())); });
    }
    if (!read) return data_error(path + ": not a valid FAISS index (a count in it is zero where FAISS divides by it)");
  } catch (const std::bad_alloc&) {
    return data_error(path + ": not a valid FAISS index (it declares more data than its " + std::to_string(st.st_size) +
                      " bytes hold)");
  } catch (const std::exception& e) {
    std::string why = faiss_message(e);
    // FAISS's read errors quote errno, which fread does not set: meaningless, and machine-dependent.
    if (why.find("read error") != std::string::npos) why = "the file ends before the index does: truncated?";
    return data_error(path + ": not a valid FAISS index (" + why + ")");
  }
  // FAISS stores the file's metric code in the enum, and its trained flag in the bool, unchecked;
  // loading an enum or a bool with a value outside it is undefined, so the bytes are read as the
  // integers they are.
  unsigned char trained = 0;
  static_assert(sizeof trained == sizeof ix->is_trained);
  std::memcpy(&trained, &ix->is_trained, sizeof trained);
  if (trained > 1) {
    return data_error(path + ": not a valid FAISS index (its trained flag is " + std::to_string(trained) +
                      ", not 0 or 1)");
  }
  int metric = 0;
  static_assert(sizeof metric == sizeof ix->metric_type);
  std::memcpy(&metric, &ix->metric_type, sizeof metric);
  if (metric != faiss::METRIC_INNER_PRODUCT) {
    return data_error(path + ": the index measures " +
                      (metric == faiss::METRIC_L2 ? std::string("L2 distances") : std::string("another metric")) +
                      "; bitmill indexes use the inner product of L2-normalised rows (cosine)");
  }
  return FaissIndex(std::move(ix), path);
}

Status FaissIndex::save(const std::string& path) const {
  if (path == "-") return invalid_argument("an index is written to a file, not to stdout");
  // The write renames a temporary file over PATH: that would replace a device (/dev/null) or a FIFO.
  if (struct stat st{}; ::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    return invalid_argument(path + ": not a regular file; an index is written to a file");
  }
  OutputOptions oo;
  oo.compression = Compression::kNone;  // FAISS reads plain files only, whatever the extension
  BITMILL_ASSIGN_OR_RETURN(auto out, OutputStream::open(path, oo));
  StreamWriter w;
  w.out = out.get();
  w.name = path;
  try {
    faiss::write_index(index_.get(), &w);
  } catch (const std::exception& e) {
    if (!w.status.is_ok()) return w.status;
    return io_error(path + ": " + faiss_message(e));
  }
  BITMILL_RETURN_IF_ERROR(w.status);
  return out->commit();
}

size_t FaissIndex::dim() const { return static_cast<size_t>(index_->d); }
uint64_t FaissIndex::size() const { return static_cast<uint64_t>(index_->ntotal); }
bool FaissIndex::is_trained() const { return index_->is_trained; }

bool FaissIndex::is_ivf() const { return dynamic_cast<const faiss::IndexIVF*>(core(index_.get())) != nullptr; }

size_t FaissIndex::nlist() const {
  const auto* ivf = dynamic_cast<const faiss::IndexIVF*>(core(index_.get()));
  return ivf != nullptr ? ivf->nlist : 0;
}

bool FaissIndex::has_id_map() const { return as_id_map(index_.get()) != nullptr; }

bool FaissIndex::takes_ids() const {
  if (has_id_map()) return true;
  // IVF indexes store ids in their lists, also under a transform (OPQ, PCA); an IndexRefine does not.
  return dynamic_cast<const faiss::IndexIVF*>(core(index_.get())) != nullptr;
}

bool FaissIndex::mergeable() const {
  if (const auto* m = as_id_map(index_.get())) {
    const faiss::Index* c = core(m->index);
    return dynamic_cast<const faiss::IndexIVF*>(c) != nullptr ||
           dynamic_cast<const faiss::IndexFlatCodes*>(c) != nullptr;
  }
  return is_ivf();
}

SearchParams FaissIndex::stored_params() const {
  SearchParams p;
  if (const auto* ivf = dynamic_cast<const faiss::IndexIVF*>(core(index_.get()))) p.nprobe = ivf->nprobe;
  if (const faiss::HNSW* h = hnsw_of(index_.get())) p.ef_search = static_cast<size_t>(h->efSearch);
  return p;
}

Status FaissIndex::store_params(const SearchParams& p) {
  BITMILL_RETURN_IF_ERROR(check_params_apply(*this, p));
  if (auto* ivf = dynamic_cast<faiss::IndexIVF*>(core(index_.get())); ivf != nullptr && p.nprobe > 0) {
    ivf->nprobe = std::min(p.nprobe, ivf->nlist);
  }
  if (faiss::HNSW* h = hnsw_of(index_.get()); h != nullptr && p.ef_search > 0) {
    h->efSearch = static_cast<int>(std::min<size_t>(p.ef_search, static_cast<size_t>(std::numeric_limits<int>::max())));
  }
  return Status::ok();
}

std::string FaissIndex::describe() const { return index_ ? describe_index(index_.get()) : "no index"; }

Status FaissIndex::wrap_id_map() {
  if (takes_ids()) return internal_error(name_ + ": the index takes ids already");
  if (size() != 0) return internal_error(name_ + ": an id map can only wrap an empty index");
  auto m = std::make_unique<faiss::IndexIDMap>(index_.get());
  m->own_fields = true;
  index_.release();
  index_ = std::move(m);
  return Status::ok();
}

namespace {

// One index prepared for searching with given parameters (validated once), and the search of one
// slice of queries: FAISS on one thread, then ids mapped and the ties ordered as the contract says.
class SliceSearch {
 public:
  Status prepare(const FaissIndex& index, size_t k, const SearchParams& p) {
    if (k == 0) return invalid_argument("k must be at least 1");
    if (!index.is_trained()) return invalid_argument(index.name() + ": the index is not trained");
    BITMILL_RETURN_IF_ERROR(check_params_apply(index, p));
    if (const size_t ef = index.stored_params().ef_search; p.ef_search > 0 && p.ef_search != ef) {
      return invalid_argument(fmt::format(
          "{}: efSearch {} differs from the index's {}: with FAISS 1.7.3 efSearch applies only when stored in the "
          "index (FaissIndex::store_params)",
          index.name(), p.ef_search, ef));
    }
    index_ = &index;
    k_ = k;
    top_ = index.get();
    if (p.nprobe > 0) {
      id_map_ = as_id_map(top_);
      if (id_map_ != nullptr) top_ = id_map_->index;
      BITMILL_ASSIGN_OR_RETURN(params_, tree_.build(top_, p));
    }
    return Status::ok();
  }

  // m queries x (m x dim, normalised) into sims and ids (m x k).
  Status run(const float* x, size_t m, float* sims, int64_t* ids) const {
    try {
      top_->search(static_cast<faiss::Index::idx_t>(m), x, static_cast<faiss::Index::idx_t>(k_), sims, ids, params_);
    } catch (const std::exception& e) {
      return internal_error(index_->name() + ": search failed: " + faiss_message(e));
    }
    std::vector<std::pair<float, int64_t>> row(k_);
    for (size_t i = 0; i < m; ++i) {
      float* s = sims + i * k_;
      int64_t* d = ids + i * k_;
      for (size_t t = 0; t < k_; ++t) {
        int64_t id = d[t];
        if (id >= 0 && id_map_ != nullptr) id = id_map_->id_map[static_cast<size_t>(id)];
        row[t] = id < 0 ? std::pair{kNoSim, kNoIdx} : std::pair{s[t], id};
      }
      // FAISS's order among equal similarities depends on the index's internal layout (list order,
      // heap state); sorting makes it the contract's: similarity decreasing, then id increasing.
      std::sort(row.begin(), row.end(), [](const auto& a, const auto& c) {
        return a.first != c.first ? a.first > c.first : a.second < c.second;
      });
      for (size_t t = 0; t < k_; ++t) {
        s[t] = row[t].first;
        d[t] = row[t].second;
      }
    }
    return Status::ok();
  }

 private:
  const FaissIndex* index_ = nullptr;
  size_t k_ = 0;
  const faiss::Index* top_ = nullptr;
  const faiss::IndexIDMap* id_map_ = nullptr;  // unwrapped here: FAISS 1.7.3's refuses parameters
  ParamTree tree_;
  const faiss::SearchParameters* params_ = nullptr;
};

// Runs slice(sl, b, m) for every slice [b, b + m) of n queries (kSearchSlice each), the slices in
// parallel and FAISS and OpenBLAS single-threaded inside each; the first failing slice's error.
template <typename Slice>
Status for_each_slice(size_t n, Slice&& slice) {
  const size_t slices = (n + kSearchSlice - 1) / kSearchSlice;
  std::vector<Status> errors(slices);
  SingleThreadedBlas blas;
  parallel_loop(tbb::blocked_range<size_t>(0, slices, 1), [&](const tbb::blocked_range<size_t>& r) {
    SingleThreadedOmp omp;
    for (size_t sl = r.begin(); sl != r.end(); ++sl) {
      const size_t b = sl * kSearchSlice;
      errors[sl] = slice(b, std::min(kSearchSlice, n - b));
    }
  });
  for (Status& e : errors) {
    if (!e.is_ok()) return std::move(e);
  }
  return Status::ok();
}

}  // namespace

Status search(const FaissIndex& index, const float* x, size_t n, size_t k, const SearchParams& p, float* sims,
              int64_t* ids) {
  SliceSearch search;
  BITMILL_RETURN_IF_ERROR(search.prepare(index, k, p));
  return for_each_slice(
      n, [&](size_t b, size_t m) { return search.run(x + b * index.dim(), m, sims + b * k, ids + b * k); });
}

namespace {

// Row `src` of m as f32 into x, normalised; the error names the row when it is not finite.
Status normalized_query(const EmbeddingMatrix& m, size_t src, float* x) {
  m.row_f32(src, x);
  if (kernels::l2_normalize(x, m.dim())) return Status::ok();
  return data_error(m.path() + ": row " + std::to_string(src) + " (0-based) holds a NaN or an infinity, or overflows");
}

}  // namespace

Status search_knn(const FaissIndex& index, const vectors::RowSet& queries, const SearchParams& p, size_t k,
                  vectors::Neighbors& out, SearchStats* stats) {
  if (k == 0) return invalid_argument("k must be at least 1");
  const EmbeddingMatrix& m = *queries.matrix;
  if (m.dim() != index.dim()) {
    return data_error(m.path() + " has dimension " + std::to_string(m.dim()) + " but the index " + index.name() +
                      " has " + std::to_string(index.dim()));
  }
  const size_t n = queries.size(), d = m.dim();
  const auto k_eff = static_cast<size_t>(std::min<uint64_t>(k, index.size()));
  out.rows = n;
  out.k = k_eff;
  out.sim.assign(n * k_eff, kNoSim);
  out.idx.assign(n * k_eff, kNoIdx);
  if (stats != nullptr) *stats = SearchStats{};
  if (k_eff == 0) return Status::ok();
  SliceSearch search;
  if (Status s = search.prepare(index, k_eff, p); !s.is_ok()) {
    // The rows of the first batch were checked before the parameters until now, and a bad row
    // there still wins: only on this error path are they read.
    std::vector<float> x(d);
    for (size_t i = 0; i < std::min(kSearchBatch, n); ++i) {
      BITMILL_RETURN_IF_ERROR(normalized_query(m, queries.source_row(i), x.data()));
    }
    return s;
  }
  tbb::enumerable_thread_specific<std::vector<float>> buffers;
  const Status searched = for_each_slice(n, [&](size_t b, size_t rows) -> Status {
    std::vector<float>& x = buffers.local();
    x.resize(rows * d);
    for (size_t i = 0; i < rows; ++i) {
      BITMILL_RETURN_IF_ERROR(normalized_query(m, queries.source_row(b + i), &x[i * d]));
    }
    return search.run(x.data(), rows, &out.sim[b * k_eff], &out.idx[b * k_eff]);
  });
  if (!searched.is_ok()) return searched;
  if (stats != nullptr) {
    for (size_t i = 0; i < n; ++i) {
      if (out.idx[i * k_eff + k_eff - 1] == kNoIdx) ++stats->short_rows;
    }
  }
  return Status::ok();
}

void set_thread_limit(size_t threads) {
#if defined(__SANITIZE_THREAD__)
  // FAISS's OpenMP team and OpenBLAS's threads live in uninstrumented libraries: ThreadSanitizer
  // would see their reads of bitmill's buffers but not the hand-off to them. Their threading is
  // theirs to test; under TSan they run on the calling thread (bitmill's own tasks still do not).
  threads = 1;
#endif
  const int t = static_cast<int>(std::clamp<size_t>(threads, 1, 4096));
  omp_set_num_threads(t);
  // FAISS's matrix products (training, adding) run on the system BLAS, usually OpenBLAS.
  if (const OpenBlasThreads api; api.set != nullptr) api.set(t);
}

}  // namespace bitmill::index
