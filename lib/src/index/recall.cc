#include "bitmill/index/recall.h"

#include <faiss/utils/distances.h>

#include <algorithm>
#include <limits>

#include "bitmill/vectors/neighbors.h"
#include "index/faiss_util.h"

namespace bitmill::index {
namespace {

using vectors::better;
using vectors::kNoIdx;
using vectors::kNoSim;

}  // namespace

Status exact_knn(const EmbeddingSet& emb, const RowSelection& sel, const float* queries, size_t nq, size_t k,
                 std::vector<float>& sims, std::vector<int64_t>& ids, size_t batch_rows) {
  if (k == 0) return invalid_argument("k must be at least 1");
  sims.assign(nq * k, kNoSim);
  ids.assign(nq * k, kNoIdx);
  if (nq == 0) return Status::ok();
  std::vector<float> bs;
  std::vector<int64_t> bi;
  return emb.for_each_batch(sel, batch_rows, [&](std::span<const int64_t> rows, const float* x) -> Status {
    const size_t kb = std::min(k, rows.size());
    bs.resize(nq * kb);
    bi.resize(nq * kb);
    try {
      faiss::knn_inner_product(queries, x, emb.dim(), nq, rows.size(), kb, bs.data(), bi.data());
    } catch (const std::exception& e) {
      return internal_error("exact search failed: " + faiss_message(e));
    }
    // Merge the block's best into the running lists, kept sorted by (similarity desc, id asc).
    for (size_t q = 0; q < nq; ++q) {
      float* s = &sims[q * k];
      int64_t* d = &ids[q * k];
      for (size_t t = 0; t < kb; ++t) {
        if (bi[q * kb + t] < 0) continue;
        const float v = bs[q * kb + t];
        const int64_t id = rows[static_cast<size_t>(bi[q * kb + t])];
        if (better(v, id, s[k - 1], d[k - 1])) vectors::insert(s, d, k, v, id);
      }
    }
    return Status::ok();
  });
}

Expected<RecallReport> check_recall(const FaissIndex& index, const EmbeddingSet& emb, const RowSelection& sel,
                                    size_t sample, size_t k, const SearchParams& p, uint64_t seed) {
  if (k == 0) return invalid_argument("k must be at least 1");
  RecallReport r;
  r.rows = emb.count(sel);
  r.k = r.rows > 0 ? static_cast<size_t>(std::min<uint64_t>(k, r.rows - 1)) : 0;
  const std::vector<int64_t> picks = sample_rows(r.rows, sample, seed);
  r.queries = picks.size();
  if (r.queries == 0 || r.k == 0) {
    r.recall = 1.0;
    return r;
  }
  std::vector<int64_t> qrows(picks.size());
  for (size_t i = 0; i < picks.size(); ++i) qrows[i] = emb.selected_row(sel, static_cast<uint64_t>(picks[i]));
  std::vector<float> q(qrows.size() * emb.dim());
  BITMILL_RETURN_IF_ERROR(emb.read_normalized(qrows, q.data()));

  // One more than k, to leave the query's own row out of both lists.
  const size_t kk = r.k + 1;
  std::vector<float> es, as(r.queries * kk);
  std::vector<int64_t> ei, ai(r.queries * kk);
  BITMILL_RETURN_IF_ERROR(exact_knn(emb, sel, q.data(), r.queries, kk, es, ei));
  BITMILL_RETURN_IF_ERROR(search(index, q.data(), r.queries, kk, p, as.data(), ai.data()));
  const auto others = [&](const int64_t* list, int64_t self) {
    std::vector<int64_t> out;
    for (size_t t = 0; t < kk && out.size() < r.k; ++t) {
      if (list[t] != self && list[t] != kNoIdx) out.push_back(list[t]);
    }
    return out;
  };
  for (size_t i = 0; i < r.queries; ++i) {
    const std::vector<int64_t> e = others(&ei[i * kk], qrows[i]), a = others(&ai[i * kk], qrows[i]);
    for (const int64_t id : e) r.hits += static_cast<uint64_t>(std::count(a.begin(), a.end(), id));
  }
  r.recall = static_cast<double>(r.hits) / static_cast<double>(r.queries * r.k);
  return r;
}

}  // namespace bitmill::index
