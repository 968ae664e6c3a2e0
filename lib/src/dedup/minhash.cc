#include "dedup/minhash.h"

#include <xxhash.h>

#include "bitmill/kernels/kernels.h"
#include "dedup/minhash_kernels.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace bitmill::dedup::detail {
namespace {

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// The integral over [lo, hi] of f, by the midpoint rule with `steps` steps.
template <typename F>
double integrate(F f, double lo, double hi, int steps) {
  const double h = (hi - lo) / steps;
  double sum = 0;
  for (int i = 0; i < steps; ++i) sum += f(lo + (i + 0.5) * h);
  return sum * h;
}

}  // namespace

MinHasher::MinHasher(size_t size, uint64_t seed)
    : a_(size),
      b_(size),
      // The ISA is chosen once (kernels::active_isa(): the CPU's best, or BITMILL_ISA).
      update_(kernels::active_isa() >= kernels::Isa::kAvx512 ? avx512::minhash_update
              : kernels::active_isa() == kernels::Isa::kAvx2 ? avx2::minhash_update
                                                             : scalar::minhash_update) {
  uint64_t state = seed;
  for (size_t i = 0; i < size; ++i) {
    a_[i] = splitmix64(state) | 1;
    b_[i] = splitmix64(state);
  }
}

namespace scalar {

void minhash_update(const uint64_t* a, const uint64_t* b, size_t k, const uint64_t* shingles, size_t n, uint32_t* sig) {
  for (size_t j = 0; j < n; ++j) {
    const uint64_t s = shingles[j];
    for (size_t i = 0; i < k; ++i) sig[i] = std::min(sig[i], static_cast<uint32_t>((a[i] * s + b[i]) >> 32));
  }
}

}  // namespace scalar

void MinHasher::signature(const std::vector<uint64_t>& shingles, uint32_t* sig) const {
  const size_t k = a_.size();
  std::fill(sig, sig + k, std::numeric_limits<uint32_t>::max());
  update_(a_.data(), b_.data(), k, shingles.data(), shingles.size(), sig);
}

uint64_t band_key(const uint32_t* sig, size_t band, size_t rows, uint64_t seed) {
  const uint32_t* v = sig + band * rows;
  if constexpr (std::endian::native == std::endian::little) {
    return XXH3_64bits_withSeed(v, rows * sizeof(uint32_t), seed + 2 + band);
  } else {
    std::vector<unsigned char> buf(rows * 4);
    for (size_t i = 0; i < rows; ++i) {
      for (int b = 0; b < 4; ++b) buf[i * 4 + static_cast<size_t>(b)] = static_cast<unsigned char>(v[i] >> (8 * b));
    }
    return XXH3_64bits_withSeed(buf.data(), buf.size(), seed + 2 + band);
  }
}

double s_curve(double j, size_t bands, size_t rows) {
  return 1.0 - std::pow(1.0 - std::pow(j, static_cast<double>(rows)), static_cast<double>(bands));
}

Banding choose_banding(double threshold, size_t max_values) {
  Banding best;
  double best_error = std::numeric_limits<double>::infinity();
  for (size_t b = 1; b <= max_values; ++b) {
    for (size_t r = 1; b * r <= max_values; ++r) {
      const double fp = integrate([&](double j) { return s_curve(j, b, r); }, 0.0, threshold, 1000);
      const double fn = integrate([&](double j) { return 1.0 - s_curve(j, b, r); }, threshold, 1.0, 1000);
      if (fp + fn < best_error) {
        best_error = fp + fn;
        best = {b, r};
      }
    }
  }
  return best;
}

double estimated_jaccard(const uint32_t* a, const uint32_t* b, size_t size) {
  size_t same = 0;
  for (size_t i = 0; i < size; ++i) same += a[i] == b[i];
  return size == 0 ? 0.0 : static_cast<double>(same) / static_cast<double>(size);
}

void make_set(std::vector<uint64_t>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

double exact_jaccard_sets(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b) {
  if (a.empty() && b.empty()) return 1.0;
  size_t common = 0;
  for (size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    if (a[i] == b[j]) {
      ++common;
      ++i;
      ++j;
    } else if (a[i] < b[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return static_cast<double>(common) / static_cast<double>(a.size() + b.size() - common);
}

void make_set32(const std::vector<uint64_t>& shingles, std::vector<uint32_t>& out) {
  out.resize(shingles.size());
  for (size_t i = 0; i < shingles.size(); ++i) out[i] = static_cast<uint32_t>(shingles[i] >> 32);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

double exact_jaccard_sets(const uint32_t* a, size_t na, const uint32_t* b, size_t nb) {
  if (na == 0 && nb == 0) return 1.0;
  size_t common = 0;
  for (size_t i = 0, j = 0; i < na && j < nb;) {
    const uint32_t x = a[i], y = b[j];
    common += x == y;
    i += x <= y;
    j += y <= x;
  }
  return static_cast<double>(common) / static_cast<double>(na + nb - common);
}

double exact_jaccard(std::vector<uint64_t>& a, std::vector<uint64_t>& b) {
  make_set(a);
  make_set(b);
  return exact_jaccard_sets(a, b);
}

}  // namespace bitmill::dedup::detail
