// The MinHash inner loop per ISA (minhash.cc dispatches once per MinHasher; tests compare them).
// Private to lib/src/dedup.
//
// update(): for every shingle hash s of shingles[0, n) and every i < k,
//   sig[i] = min(sig[i], (uint32_t)((a[i] * s + b[i]) >> 32))   (64-bit wrap-around arithmetic).
// Integer arithmetic: every ISA gives the same bits. The avx2:: and avx512:: twins are compiled
// with their ISA's flags (minhash_avx2.cc, minhash_avx512.cc: AVX-512 F, DQ, VL) and must only run
// where kernels::cpu_supports() says so for Isa::kAvx2 or Isa::kAvx512.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>

namespace bitmill::dedup::detail {

namespace scalar {
void minhash_update(const uint64_t* a, const uint64_t* b, size_t k, const uint64_t* shingles, size_t n, uint32_t* sig);
}  // namespace scalar

namespace avx2 {
void minhash_update(const uint64_t* a, const uint64_t* b, size_t k, const uint64_t* shingles, size_t n, uint32_t* sig);
}  // namespace avx2

namespace avx512 {
void minhash_update(const uint64_t* a, const uint64_t* b, size_t k, const uint64_t* shingles, size_t n, uint32_t* sig);
}  // namespace avx512

}  // namespace bitmill::dedup::detail
