// bitmill's loops and sorts on oneTBB, with the hand-offs oneTBB makes stated for ThreadSanitizer
// (happens_before.h): the caller's writes before the call are visible to every task, and every
// task's writes to the caller after it. Tasks are not ordered among themselves: two tasks that
// touch the same data without synchronisation are still a race, and still reported.
//
//   parallel_loop(tbb::blocked_range<size_t>(0, n, grain), [&](const auto& r) { ... });
//   parallel_loop(first, last, [&](size_t i) { ... });
//   sort_parallel(v.begin(), v.end(), less);
//
// Outside a -fsanitize=thread build these are tbb::parallel_for and tbb::parallel_sort. In one,
// sort_parallel is std::sort: oneTBB sorts in tasks whose last writes no annotation can reach,
// and the order of equal elements is unspecified by both.
//
// Thread safety: as the oneTBB calls; run under the calling arena's thread limit.
#pragma once

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>

#include <algorithm>

#include "bitmill/util/happens_before.h"

namespace bitmill {

// The addresses the hand-offs are stated on, one pair per call site (Body type): the caller
// releases the first and the tasks acquire it; the tasks release the second and the caller
// acquires it. Statics, because a task must not read the caller's memory (the closure) before
// its acquire; nothing is ever stored in them.
template <typename Body>
struct LoopSync {
  static inline char start = 0, end = 0;
};

template <typename Range, typename Body>
void parallel_loop(const Range& range, const Body& body) {
  char* const start = &LoopSync<Body>::start;
  char* const end = &LoopSync<Body>::end;
  happens_before(start);
  tbb::parallel_for(range, [&](const Range& r) {
    happens_after(&LoopSync<Body>::start);
    body(r);
    happens_before(&LoopSync<Body>::end);
  });
  happens_after(end);
}

// One index at a time, as tbb::parallel_for(first, last, body) runs it (grain 1, auto
// partitioner), through the range form: that form copies the loop into oneTBB's task, where the
// index form would have every task read the caller's stack before any acquire.
template <typename Index, typename Body>
void parallel_loop(Index first, Index last, const Body& body) {
  parallel_loop(tbb::blocked_range<Index>(first, last, 1), [&body](const tbb::blocked_range<Index>& r) {
    for (Index i = r.begin(); i != r.end(); ++i) body(i);
  });
}

template <typename It, typename Less>
void sort_parallel(It first, It last, const Less& less) {
#if defined(__SANITIZE_THREAD__)
  std::sort(first, last, less);
#else
  tbb::parallel_sort(first, last, less);
#endif
}

}  // namespace bitmill
