// AVX2 twin of scalar::minhash_update (minhash_kernels.h). AVX2 has no 64-bit multiply, so
// a * s mod 2^64 is built from 32 x 32 -> 64-bit products: lo(a) lo(s) + ((hi(a) lo(s) +
// lo(a) hi(s)) << 32). Each 64-bit lane's minimum lives in its low 32 bits (the high ones stay 0,
// so a 32-bit unsigned min is the lane's min).
#include <immintrin.h>

#include <algorithm>

#include "dedup/minhash_kernels.h"

namespace bitmill::dedup::detail::avx2 {
namespace {

inline __m256i hash4(__m256i a, __m256i a_hi, __m256i b, __m256i s, __m256i s_hi) {
  const __m256i lo = _mm256_mul_epu32(a, s);
  const __m256i cross = _mm256_add_epi64(_mm256_mul_epu32(a_hi, s), _mm256_mul_epu32(a, s_hi));
  const __m256i r = _mm256_add_epi64(_mm256_add_epi64(lo, b), _mm256_slli_epi64(cross, 32));
  return _mm256_srli_epi64(r, 32);
}

inline __m256i load_sig4(const uint32_t* sig) {
  return _mm256_cvtepu32_epi64(_mm_loadu_si128(reinterpret_cast<const __m128i*>(sig)));
}

inline void store_sig4(uint32_t* sig, __m256i v) {
  // The low 32 bits of each lane, in order.
  const __m256i packed = _mm256_permutevar8x32_epi32(v, _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(sig), _mm256_castsi256_si128(packed));
}

inline __m256i load4(const uint64_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }

}  // namespace

void minhash_update(const uint64_t* a, const uint64_t* b, size_t k, const uint64_t* shingles, size_t n, uint32_t* sig) {
  size_t i = 0;
  for (; i + 8 <= k; i += 8) {  // two groups of 4 values per pass over the shingles
    const __m256i a0 = load4(a + i), a1 = load4(a + i + 4);
    const __m256i a0_hi = _mm256_srli_epi64(a0, 32), a1_hi = _mm256_srli_epi64(a1, 32);
    const __m256i b0 = load4(b + i), b1 = load4(b + i + 4);
    __m256i m0 = load_sig4(sig + i), m1 = load_sig4(sig + i + 4);
    for (size_t j = 0; j < n; ++j) {
      const __m256i s = _mm256_set1_epi64x(static_cast<long long>(shingles[j]));
      const __m256i s_hi = _mm256_srli_epi64(s, 32);
      m0 = _mm256_min_epu32(m0, hash4(a0, a0_hi, b0, s, s_hi));
      m1 = _mm256_min_epu32(m1, hash4(a1, a1_hi, b1, s, s_hi));
    }
    store_sig4(sig + i, m0);
    store_sig4(sig + i + 4, m1);
  }
  for (; i < k; ++i) {
    for (size_t j = 0; j < n; ++j) {
      sig[i] = std::min(sig[i], static_cast<uint32_t>((a[i] * shingles[j] + b[i]) >> 32));
    }
  }
}

}  // namespace bitmill::dedup::detail::avx2
