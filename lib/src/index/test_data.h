// Helpers for the index unit tests only: random rows and an exact search in double precision that
// shares no code with the library.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

#include "bitmill/index/embedding_set.h"
#include "testing/npy.h"
#include "testing/test_util.h"

namespace bitmill::index::testing {

// The project-wide test helpers too, so that a test needs one using-directive.
using bitmill::testing::read_file;
using bitmill::testing::TempDir;
using bitmill::testing::write_file;
using bitmill::testing::write_npy;

// n x d Gaussian rows with norms far from 1 (normalisation matters).
inline std::vector<float> gaussian(size_t n, size_t d, unsigned seed, float scale = 3.0f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> g;
  std::vector<float> v(n * d);
  for (float& x : v) x = g(rng) * scale;
  return v;
}

// Rows clustered around `centers` random directions, so that an IVF index has real structure.
inline std::vector<float> clustered(size_t n, size_t d, size_t centers, unsigned seed) {
  const std::vector<float> c = gaussian(centers, d, seed + 1000, 1.0f);
  std::vector<float> v = gaussian(n, d, seed, 0.3f);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < d; ++j) v[i * d + j] += c[(i % centers) * d + j];
  }
  return v;
}

// Cosine of row i of a and row j of b, in double.
inline double cosine(const float* a, const float* b, size_t d) {
  double ab = 0, aa = 0, bb = 0;
  for (size_t c = 0; c < d; ++c) {
    ab += double(a[c]) * double(b[c]);
    aa += double(a[c]) * double(a[c]);
    bb += double(b[c]) * double(b[c]);
  }
  return aa > 0 && bb > 0 ? ab / std::sqrt(aa * bb) : 0.0;
}

struct Ranked {
  std::vector<std::vector<std::pair<double, int64_t>>> lists;  // per query: (cosine, id), best first
  // The reference cosine of query q and row `id`.
  std::vector<std::vector<double>> all;
};

// Brute force: every query against every row (ids = row positions), sorted by cosine decreasing,
// then id increasing; keeps the k best, and every cosine for tolerance checks.
inline Ranked brute_force(const std::vector<float>& rows, const std::vector<float>& queries, size_t d, size_t k) {
  const size_t n = rows.size() / d, nq = queries.size() / d;
  Ranked r;
  r.lists.resize(nq);
  r.all.resize(nq);
  for (size_t q = 0; q < nq; ++q) {
    std::vector<std::pair<double, int64_t>> v;
    for (size_t j = 0; j < n; ++j) {
      const double s = cosine(&queries[q * d], &rows[j * d], d);
      v.push_back({s, static_cast<int64_t>(j)});
      r.all[q].push_back(s);
    }
    std::sort(v.begin(), v.end(),
              [](auto& a, auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
    v.resize(std::min(k, n));
    r.lists[q] = v;
  }
  return r;
}

// Checks a search result (nq x k sims and ids) against the reference: the same id at every rank,
// except where rounding may swap two neighbours (their reference cosines within `tol`), and every
// similarity within `tol` of the reference cosine of the id returned.
inline void check_exact(const Ranked& ref, const float* sims, const int64_t* ids, size_t k, double tol = 1e-5) {
  for (size_t q = 0; q < ref.lists.size(); ++q) {
    const auto& want = ref.lists[q];
    REQUIRE(want.size() <= k);
    for (size_t t = 0; t < want.size(); ++t) {
      const int64_t got = ids[q * k + t];
      REQUIRE(got >= 0);
      REQUIRE(static_cast<size_t>(got) < ref.all[q].size());
      const double got_ref = ref.all[q][static_cast<size_t>(got)];
      INFO("query " << q << " rank " << t << ": want " << want[t].second << " got " << got);
      CHECK((got == want[t].second || std::abs(got_ref - want[t].first) < tol));
      CHECK(std::abs(double(sims[q * k + t]) - got_ref) < tol);
    }
  }
}

// n rows of d clustered around `centers` directions (clustered()), written to DIR/r.npy and
// opened: the embeddings most index tests build from.
struct RowsOnDisk {
  std::vector<float> rows;
  EmbeddingSet set;
};
inline RowsOnDisk clustered_on_disk(const TempDir& dir, size_t n, size_t d, size_t centers, unsigned seed) {
  RowsOnDisk r{clustered(n, d, centers, seed), {}};
  write_npy(dir.file("r.npy"), r.rows, n, d);
  auto set = EmbeddingSet::open({dir.file("r.npy")});
  REQUIRE(set.has_value());
  r.set = std::move(*set);
  return r;
}

}  // namespace bitmill::index::testing
