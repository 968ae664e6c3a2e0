// The VNNI micro-tiles (int8, and bf16 where the CPU has AVX512-BF16). The int8 one is shared by
// the two int8 products of AVX-512 VNNI: the exact product of the
// k-NN search (s8gemm_avx512vnni.cc) and the encoder's quantised Linear layers
// (qgemm_avx512vnni.cc). Both multiply rows of signed bytes by a B packed as pack_s8 lays it out
// (kernels_impl.h: 32-column strips of 4-byte groups, each byte offset by +128 to make it
// unsigned), and take 128 * (sum of the A row) off each raw sum afterwards.
// For *_avx512vnni.cc files only.
#pragma once

#include <cstddef>
#include <cstdint>

namespace bitmill::kernels::avx512vnni {

constexpr size_t kNr = 32;              // columns per strip: two 16-lane vectors
constexpr size_t kMr = 12;              // rows per micro-tile
constexpr size_t kStripsPerBlock = 8;   // strips of B per pass over the rows of A
constexpr size_t kGroupBytes = 2 * 64;  // one group of 4 k indices of a strip

inline size_t groups(size_t k) { return (k + 3) / 4; }

// 128 * sum modulo 2^32, as the tile's int32 lanes wrap: the raw sums and this correction may
// each pass 2^31 at the largest k although their difference, the exact product, does not (a
// signed multiplication would overflow, which C++ leaves undefined).
inline int32_t times128(int32_t sum) { return static_cast<int32_t>(static_cast<uint32_t>(sum) * 128u); }

// One micro-tile: 12 rows of A (row r at a + r * lda, 4 * ng bytes each, all readable) by one
// strip of ng groups; the raw sums (A times the offset B) go to out[12 x 32] (64-byte aligned).
// The 24 accumulators stay in registers for the whole k.
void micro_tile(const int8_t* a, size_t lda, size_t ng, const uint8_t* strip, int32_t* out);

// The same tile with vdpbf16ps (AVX512-BF16; the caller checks the CPU has it): 12 rows of A in
// bf16 pairs (row r at a + r * lda bytes, ng pairs each) by one strip of ng pairs of 32 bf16
// columns (two 64-byte vectors per pair, lane c holding column c's two values), summed in f32
// into out[12 x 32] (64-byte aligned). Each pair's two products are exact in f32 and added one
// at a time, rounded to nearest even, with bf16 subnormals read as 0 and f32 subnormal results
// flushed to 0.
void micro_tile_bf16(const uint16_t* a, size_t lda, size_t ng, const uint16_t* strip, float* out);

}  // namespace bitmill::kernels::avx512vnni
