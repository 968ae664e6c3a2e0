#include "index/allocation_cap.h"

#include <cstdlib>
#include <limits>
#include <new>

namespace bitmill::index {
namespace {

constexpr size_t kUncapped = std::numeric_limits<size_t>::max();

// What operator new may still hand out on this thread; kUncapped outside any cap. Constant
// initialised, so reading it in operator new needs no thread-local constructor.
thread_local size_t t_allowance = kUncapped;

void* allocate(size_t n) {
  if (t_allowance != kUncapped) {
    if (n > t_allowance) throw std::bad_alloc();
    t_allowance -= n;
  }
  if (n == 0) n = 1;
  for (;;) {
    if (void* p = std::malloc(n)) return p;
    std::new_handler handler = std::get_new_handler();
    if (handler == nullptr) throw std::bad_alloc();
    handler();
  }
}

void* allocate_or_null(size_t n) noexcept {
  try {
    return allocate(n);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}

}  // namespace

AllocationCap::AllocationCap(size_t bytes) : outer_(t_allowance) {
  own_start_ = bytes < outer_ ? bytes : outer_;
  t_allowance = own_start_;
}

AllocationCap::~AllocationCap() {
  const size_t charged = own_start_ - t_allowance;
  t_allowance = outer_ == kUncapped ? kUncapped : outer_ - charged;
}

size_t AllocationCap::remaining() { return t_allowance; }

}  // namespace bitmill::index

// The replacements ([replacement.functions]). Every unaligned form is replaced, nothrow ones
// included, so that no memory from another allocator's operator new (a sanitizer's) reaches the
// free() below; the aligned forms keep the standard library's, new and delete alike.
void* operator new(size_t n) { return bitmill::index::allocate(n); }
void* operator new[](size_t n) { return bitmill::index::allocate(n); }
void* operator new(size_t n, const std::nothrow_t&) noexcept { return bitmill::index::allocate_or_null(n); }
void* operator new[](size_t n, const std::nothrow_t&) noexcept { return bitmill::index::allocate_or_null(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
