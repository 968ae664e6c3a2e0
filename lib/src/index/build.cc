#include "bitmill/index/build.h"

#include <faiss/IVFlib.h>
#include <faiss/IndexIDMap.h>
#include <faiss/IndexIVF.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <random>
#include <unordered_set>

#include "index/faiss_util.h"
#include "index/stderr_capture.h"

namespace bitmill::index {
namespace {

constexpr uint64_t kFlatBelow = 20000;
constexpr uint64_t kPqFrom = 1000000;
constexpr uint64_t kMinPointsPerList = 39;  // FAISS's ClusteringParameters::min_points_per_centroid
constexpr uint64_t kTrainPerList = 64;
constexpr uint64_t kMinTrain = 65536;  // FAISS trains PQ/OPQ codebooks on up to 256 x 256 points

std::string dims_mismatch(const EmbeddingSet& emb, const FaissIndex& index) {
  return emb.file(0).path() + " has dimension " + std::to_string(emb.dim()) + " but the index " + index.name() +
         " has " + std::to_string(index.dim());
}

}  // namespace

size_t default_nlist(uint64_t n) {
  if (n < kFlatBelow) return 0;
  const double target = 8.0 * std::sqrt(static_cast<double>(n));
  const auto by_sqrt = uint64_t{1} << static_cast<int>(std::lround(std::log2(target)));
  const uint64_t cap = std::bit_floor(n / kMinPointsPerList);
  return static_cast<size_t>(std::min(by_sqrt, cap));
}

std::string default_factory(uint64_t n, size_t dim) {
  if (n < kFlatBelow) return "Flat";
  const std::string ivf = "IVF" + std::to_string(default_nlist(n));
  if (n < kPqFrom) return ivf + ",Flat";
  size_t m = std::min<size_t>(64, dim);
  while (dim % m != 0) --m;
  const std::string pq = std::to_string(m);
  // "np": no polysemous training. FAISS's IVF-PQ otherwise also trains its codes for Hamming
  // filtering, which mining never uses and which costs minutes (4 min for 50k rows on 2 cores).
  return "OPQ" + pq + "," + ivf + ",PQ" + pq + "np";
}

uint64_t default_train_size(const FaissIndex& index, uint64_t n) {
  if (index.is_trained()) return 0;
  return std::min<uint64_t>(n, std::max<uint64_t>(kTrainPerList * index.nlist(), kMinTrain));
}

std::vector<int64_t> sample_rows(uint64_t n, uint64_t m, uint64_t seed) {
  std::vector<int64_t> out;
  if (m >= n) {
    out.resize(static_cast<size_t>(n));
    for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<int64_t>(i);
    return out;
  }
  // Floyd: m draws, each from a range one larger, give a uniform m-subset. The modulo's bias is
  // below 2^-40 for any n we index; std::uniform_int_distribution is avoided because its output
  // differs between standard libraries.
  std::mt19937_64 rng(seed);
  std::unordered_set<uint64_t> chosen;
  chosen.reserve(static_cast<size_t>(m));
  for (uint64_t j = n - m; j < n; ++j) {
    const uint64_t t = rng() % (j + 1);
    chosen.insert(chosen.count(t) != 0 ? j : t);
  }
  out.assign(chosen.begin(), chosen.end());
  std::sort(out.begin(), out.end());
  return out;
}

Status train_index(FaissIndex& index, const EmbeddingSet& emb, uint64_t train_size, uint64_t seed,
                   std::vector<std::string>* notes) {
  if (index.is_trained()) return Status::ok();
  if (emb.dim() != index.dim()) return data_error(dims_mismatch(emb, index));
  const uint64_t m = std::min(train_size, emb.rows());
  if (m == 0) return invalid_argument(index.name() + " needs training, and there are no rows to train on");
  if (index.is_ivf() && m < index.nlist()) {
    return invalid_argument(index.describe() + " needs at least " + std::to_string(index.nlist()) +
                            " training vectors (one per list), and there are only " + std::to_string(m) +
                            ": use fewer lists, or a Flat index");
  }
  const std::vector<int64_t> ids = sample_rows(emb.rows(), m, seed);
  std::vector<float> x(ids.size() * emb.dim());
  BITMILL_RETURN_IF_ERROR(emb.read_normalized(ids, x.data()));
  StderrCapture faiss_says;
  try {
    index.get()->train(static_cast<faiss::Index::idx_t>(ids.size()), x.data());
    std::vector<std::string> said = faiss_says.finish();
    if (notes != nullptr) *notes = std::move(said);
  } catch (const std::bad_alloc&) {
    return io_error("training " + index.describe() + ": out of memory");
  } catch (const std::exception& e) {
    return data_error("training " + index.describe() + " failed: " + faiss_message(e));
  }
  return Status::ok();
}

Expected<uint64_t> add_rows(FaissIndex& index, const EmbeddingSet& emb, const RowSelection& sel, size_t batch_rows,
                            const std::function<void(uint64_t)>& progress) {
  if (!index.is_trained()) return invalid_argument(index.name() + ": the index is not trained");
  if (emb.dim() != index.dim()) return data_error(dims_mismatch(emb, index));
  if (!index.takes_ids()) {
    // Positions are ids only for all the rows, in order, from an empty index.
    if (index.size() != 0 || !sel.shard.is_whole()) {
      if (index.size() != 0) {
        return invalid_argument(
            index.name() + " already holds vectors numbered from 0 and has no id map: " + "add rows to an empty index");
      }
      BITMILL_RETURN_IF_ERROR(index.wrap_id_map());
    }
  }
  const bool with_ids = index.takes_ids();
  uint64_t added = 0;
  BITMILL_RETURN_IF_ERROR(emb.for_each_batch(sel, batch_rows, [&](std::span<const int64_t> ids, const float* x) {
    const auto n = static_cast<faiss::Index::idx_t>(ids.size());
    try {
      if (with_ids) {
        index.get()->add_with_ids(n, x, ids.data());
      } else {
        index.get()->add(n, x);
      }
    } catch (const std::bad_alloc&) {
      return io_error("adding to " + index.describe() + ": out of memory");
    } catch (const std::exception& e) {
      return data_error("adding to " + index.describe() + " failed: " + faiss_message(e));
    }
    added += ids.size();
    if (progress) progress(added);
    return Status::ok();
  }));
  return added;
}

Status merge_index(FaissIndex& into, FaissIndex& shard) {
  for (const FaissIndex* ix : {&into, &shard}) {
    if (!ix->mergeable()) {
      return data_error(ix->name() + " is " + ix->describe() +
                        ": only IVF indexes and sharded Flat indexes (with an id map) can be merged; build other "
                        "kinds whole");
    }
  }
  if (into.dim() != shard.dim()) {
    return data_error(shard.name() + " has dimension " + std::to_string(shard.dim()) + " but " + into.name() + " has " +
                      std::to_string(into.dim()));
  }
  if (into.has_id_map() != shard.has_id_map() || into.describe() != shard.describe()) {
    return data_error(shard.name() + " is " + shard.describe() + " but " + into.name() + " is " + into.describe() +
                      ": shards merge only when built from one trained index");
  }
  try {
    if (into.has_id_map()) {
      auto* a = dynamic_cast<faiss::IndexIDMap*>(into.get());
      a->merge_from(*shard.get(), 0);
    } else {
      faiss::ivflib::merge_into(into.get(), shard.get(), false);
    }
  } catch (const std::bad_alloc&) {
    return io_error("merging " + shard.name() + ": out of memory");
  } catch (const std::exception& e) {
    return data_error(shard.name() + " cannot be merged into " + into.name() +
                      " (not built from the same trained index?): " + faiss_message(e));
  }
  return Status::ok();
}

}  // namespace bitmill::index
