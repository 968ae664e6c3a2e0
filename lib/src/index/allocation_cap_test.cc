#include "index/allocation_cap.h"

#include <doctest/doctest.h>

#include <limits>
#include <memory>
#include <new>
#include <thread>
#include <vector>

namespace bitmill::index {
namespace {

constexpr size_t kUncapped = std::numeric_limits<size_t>::max();

// Whether `f` throws std::bad_alloc. The checks below run outside the caps: doctest's own
// allocations must not be charged to them.
// Allocates n bytes and frees them, in a way the compiler may not elide.
void allocate_and_free(size_t n) {
  auto p = std::make_unique<char[]>(n);
  asm volatile("" : : "g"(p.get()) : "memory");
}

template <typename F>
bool throws_bad_alloc(F f) {
  try {
    f();
  } catch (const std::bad_alloc&) {
    return true;
  }
  return false;
}

TEST_CASE("allocation cap: operator new past the bound throws, and only while the cap lives") {
  const size_t before = AllocationCap::remaining();
  size_t at_start = 0, after_small = 0;
  bool big_throws = false, fourth_throws = false;
  char* nothrow = reinterpret_cast<char*>(1);
  {
    const AllocationCap cap(1 << 20);
    at_start = AllocationCap::remaining();
    allocate_and_free(1000);
    after_small = AllocationCap::remaining();
    big_throws = throws_bad_alloc([] { std::vector<char> v(2 << 20); });
    // Allocations are charged, frees are not: the sum is what is bounded.
    for (int i = 0; i < 3; ++i) allocate_and_free(300 << 10);
    fourth_throws = throws_bad_alloc([] { allocate_and_free(300 << 10); });
    nothrow = new (std::nothrow) char[300 << 10];
  }
  CHECK(before == kUncapped);
  CHECK(at_start == 1 << 20);
  CHECK(after_small == (1 << 20) - 1000);
  CHECK(big_throws);
  CHECK(fourth_throws);
  CHECK(nothrow == nullptr);
  CHECK(AllocationCap::remaining() == kUncapped);
  CHECK(!throws_bad_alloc([] { std::vector<char> v(2 << 20); }));  // no cap: allowed again
}

TEST_CASE("allocation cap: nested caps charge the outer one, and other threads are free") {
  size_t inner_start = 0, after_inner = 0, on_thread = 0;
  bool thread_throws = true;
  {
    const AllocationCap outer(10000);
    {
      const AllocationCap inner(100000);  // bounded by what the outer one has left
      inner_start = AllocationCap::remaining();
      std::vector<char> v(4000);
    }
    after_inner = AllocationCap::remaining();
    std::thread([&] {
      on_thread = AllocationCap::remaining();
      thread_throws = throws_bad_alloc([] { std::vector<char> v(1 << 20); });
    }).join();
  }
  CHECK(inner_start == 10000);
  CHECK(after_inner == 6000);
  CHECK(on_thread == kUncapped);
  CHECK(!thread_throws);
}

}  // namespace
}  // namespace bitmill::index
