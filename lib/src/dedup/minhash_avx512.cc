// AVX-512 twin of scalar::minhash_update (minhash_kernels.h): AVX-512DQ multiplies 64-bit lanes
// directly (vpmullq), eight values at a time, the minimum kept in 32-bit lanes.
#include <immintrin.h>

#include <algorithm>

#include "dedup/minhash_kernels.h"

namespace bitmill::dedup::detail::avx512 {

void minhash_update(const uint64_t* a, const uint64_t* b, size_t k, const uint64_t* shingles, size_t n, uint32_t* sig) {
  size_t i = 0;
  for (; i + 16 <= k; i += 16) {  // two groups of 8 values per pass over the shingles
    const __m512i a0 = _mm512_loadu_si512(a + i), a1 = _mm512_loadu_si512(a + i + 8);
    const __m512i b0 = _mm512_loadu_si512(b + i), b1 = _mm512_loadu_si512(b + i + 8);
    __m256i m0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(sig + i));
    __m256i m1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(sig + i + 8));
    for (size_t j = 0; j < n; ++j) {
      const __m512i s = _mm512_set1_epi64(static_cast<long long>(shingles[j]));
      // maskz forms: GCC 12 warns that the unmasked ones' undefined pass-through may be uninitialised.
      const __m512i h0 = _mm512_maskz_srli_epi64(0xFF, _mm512_add_epi64(_mm512_mullo_epi64(a0, s), b0), 32);
      const __m512i h1 = _mm512_maskz_srli_epi64(0xFF, _mm512_add_epi64(_mm512_mullo_epi64(a1, s), b1), 32);
      m0 = _mm256_min_epu32(m0, _mm512_maskz_cvtepi64_epi32(0xFF, h0));
      m1 = _mm256_min_epu32(m1, _mm512_maskz_cvtepi64_epi32(0xFF, h1));
    }
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(sig + i), m0);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(sig + i + 8), m1);
  }
  for (; i < k; ++i) {
    for (size_t j = 0; j < n; ++j) {
      sig[i] = std::min(sig[i], static_cast<uint32_t>((a[i] * shingles[j] + b[i]) >> 32));
    }
  }
}

}  // namespace bitmill::dedup::detail::avx512
