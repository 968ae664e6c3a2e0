// bitmill's loops and sorts on oneTBB, with the hand-offs oneTBB makes stated for ThreadSanitizer
// (happens_before.h): the caller's writes before the call are visible to every task, and every
// task's writes to the caller after it. Tasks are not ordered among themselves (beyond what
// oneTBB itself orders: a task split from another, a task made in the memory of one that ended):
// two tasks that touch the same data without synchronisation are still a race, and reported.
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

// The addresses the hand-offs to and from the caller are stated on, one pair per call site
// (Body type): the caller releases the first and the tasks acquire it; the tasks release the
// second and the caller acquires it. Statics, because a task must not read the caller's memory
// (the closure) before its acquire; nothing is ever stored in them.
template <typename Body>
struct LoopSync {
  static inline char start = 0, end = 0;
};

// The functor oneTBB copies into every task of a loop: the caller's, then one per split, made by
// whichever thread splits the range, and run by whichever thread takes the task. oneTBB orders
// each copy before the run of its task, and the end of a task before its memory is reused for
// another (in libtbb.so, where TSan cannot see it); the annotations on the copy's own address
// state both, so the task's reads of the functor are ordered after the thread that wrote it.
template <typename Range, typename Body>
class LoopTask {
 public:
  explicit LoopTask(const Body& body) : body_(&body) { happens_before(this); }
  // body_ is written only after the acquires: not in a member initialiser.
  LoopTask(const LoopTask& other) {  // NOLINT(cppcoreguidelines-pro-type-member-init)
    happens_after(&other);
    happens_after(this);
    body_ = other.body_;
    happens_before(this);
  }
  LoopTask& operator=(const LoopTask&) = delete;

  void operator()(const Range& r) const {
    happens_after(&LoopSync<Body>::start);
    happens_after(this);
    (*body_)(r);
    happens_before(this);
    happens_before(&LoopSync<Body>::end);
  }

 private:
  const Body* body_;
};

template <typename Range, typename Body>
void parallel_loop(const Range& range, const Body& body) {
  happens_before(&LoopSync<Body>::start);
  tbb::parallel_for(range, LoopTask<Range, Body>(body));
  happens_after(&LoopSync<Body>::end);
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
