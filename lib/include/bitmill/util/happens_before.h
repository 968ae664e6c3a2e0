// oneTBB hands work from thread to thread inside libtbb.so, and Debian's libtbb.so is not built
// with ThreadSanitizer, so TSan sees the accesses on both sides of a hand-off but not the
// synchronisation between them, and reports them as races. These calls state what oneTBB
// guarantees, where bitmill hands work to it: whatever a thread wrote before happens_before(x)
// is visible to a thread after its later happens_after(x) on the same x. They compile to nothing
// outside a -fsanitize=thread build.
//
// Use them only where a library really orders the two sides (a pipeline token passing from one
// stage to the next, a task started after the caller's set-up, the caller resuming after every
// task ended); an annotation anywhere else would hide a real race.
#pragma once

#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
#endif

namespace bitmill {

inline void happens_before([[maybe_unused]] const void* x) {
#if defined(__SANITIZE_THREAD__)
  __tsan_release(const_cast<void*>(x));
#endif
}

inline void happens_after([[maybe_unused]] const void* x) {
#if defined(__SANITIZE_THREAD__)
  __tsan_acquire(const_cast<void*>(x));
#endif
}

}  // namespace bitmill
