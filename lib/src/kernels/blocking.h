// Buffers and block sizes shared by the per-ISA GEMM files (*_avx2.cc, *_avx512.cc,
// *_avx512vnni.cc). Everything here has internal linkage (an anonymous namespace), on purpose:
// each including file is compiled for its own instruction set, and an inline function with
// external linkage would be emitted by each of them under one name, of which the linker keeps
// any one: an AVX-512 copy could then run on a CPU that only has AVX2.
#pragma once

#include <algorithm>
#include <cstddef>
#include <memory>
#include <new>

namespace bitmill::kernels {
namespace {  // NOLINT(google-build-namespaces, cert-dcl59-cpp): see above

// 64-byte aligned, uninitialised arrays for packed blocks.
template <typename T>
struct AlignedDelete {
  void operator()(T* p) const { ::operator delete[](p, std::align_val_t{64}); }
};
template <typename T>
using Buffer = std::unique_ptr<T[], AlignedDelete<T>>;

template <typename T>
Buffer<T> allocate(size_t n) {
  return Buffer<T>(static_cast<T*>(::operator new[](std::max<size_t>(n, 1) * sizeof(T), std::align_val_t{64})));
}

inline size_t ceil_div(size_t a, size_t b) { return (a + b - 1) / b; }
inline size_t round_up(size_t a, size_t b) { return ceil_div(a, b) * b; }

// The block size for a dimension of `total` with at most `max` per block, split into equal
// blocks (a multiple of `unit`): k = 300 with max 256 gives 150 + 150 rather than 256 + 44, whose
// second pass would be mostly overhead.
inline size_t block_size(size_t total, size_t max, size_t unit) {
  const size_t blocks = ceil_div(total, max);
  return std::min(max, round_up(ceil_div(total, blocks), unit));
}

}  // namespace
}  // namespace bitmill::kernels
