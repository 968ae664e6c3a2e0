// A bound on what one thread may allocate with operator new while a call runs.
//
// FAISS 1.7.3 reads a vector's size from an index file and resizes (and zero-fills) the vector
// before it reads the contents, so a small forged or damaged file can make it allocate and touch
// gigabytes before the read fails. An index needs about as much memory as its file holds, so
// FaissIndex::load() reads under an AllocationCap derived from the file's size: an allocation
// that would pass it throws std::bad_alloc, which load() reports as a damaged file.
//
// The cap counts every operator new on the constructing thread, frees not subtracted (a read
// that allocates and frees repeatedly is charged each time), until the cap is destroyed. Other
// threads, malloc, and FAISS's aligned tables (posix_memalign, left untouched by a failed read)
// are not counted. Nested caps: the inner one is min(outer remainder, its own bound), and what it
// charges is charged to the outer one too.
//
// This file's object replaces the global operator new and delete (malloc and free underneath)
// in every program that links it; without an active cap on the thread the replacement costs one
// thread-local load.
#pragma once

#include <cstddef>

namespace bitmill::index {

class AllocationCap {
 public:
  explicit AllocationCap(size_t bytes);
  ~AllocationCap();
  AllocationCap(const AllocationCap&) = delete;
  AllocationCap& operator=(const AllocationCap&) = delete;

  // Bytes still allowed on this thread under the innermost cap.
  static size_t remaining();

 private:
  size_t outer_;      // the remainder of the enclosing cap (or "none") when this one began
  size_t own_start_;  // this cap's allowance when it began
};

}  // namespace bitmill::index
