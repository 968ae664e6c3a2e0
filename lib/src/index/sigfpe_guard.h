// FAISS 1.7.3 divides by counts it reads from an index file before checking them (a product
// quantizer with M = 0 divides d by M in set_derived_values()), so a damaged file kills the
// process with SIGFPE instead of throwing. call_catching_sigfpe() runs a call so that an integer
// division fault on this thread ends the call instead of the process.
//
// The fault jumps (siglongjmp) out of the library's frames: their destructors do not run, so what
// they allocated leaks. That is the price of an error instead of a crash on a file the tool then
// refuses; use it only around a call whose result is dropped when it faults (loading).
//
// Thread safety: any thread; a SIGFPE on a thread outside such a call still ends the process.
#pragma once

#include <functional>

namespace bitmill::index {

// Runs `f`; false if it faulted with SIGFPE. Exceptions from `f` propagate.
bool call_catching_sigfpe(const std::function<void()>& f);

}  // namespace bitmill::index
