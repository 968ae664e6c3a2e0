// Run-time choice of the kernel ISA.
#include <cstdlib>
#include <cstring>

#include "bitmill/kernels/kernels.h"

namespace bitmill::kernels {

bool cpu_supports(Isa isa) {
  switch (isa) {
    case Isa::kScalar: return true;
    // The AVX2 kernels are compiled with -mavx2 -mfma: both are needed.
    case Isa::kAvx2:
      // Idempotent, and needed if this runs before libgcc's constructor (from a static initialiser).
      __builtin_cpu_init();
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  }
  return false;
}

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::kScalar: return "scalar";
    case Isa::kAvx2: return "avx2";
  }
  return "unknown";
}

Isa parse_isa_env(const char* value, Isa detected) {
  if (value == nullptr) return detected;
  // Isa is ordered by capability, so "at most what the CPU has" is a min.
  auto at_most_detected = [detected](Isa want) { return want < detected ? want : detected; };
  if (std::strcmp(value, "scalar") == 0) return at_most_detected(Isa::kScalar);
  if (std::strcmp(value, "avx2") == 0) return at_most_detected(Isa::kAvx2);
  return detected;
}

Isa active_isa() {
  // Computed once: the dispatchers call this on every kernel call, and a process must not switch
  // kernels (and so rounding) halfway through. A function-local static is initialised thread-safely
  // and never changes afterwards, so it is not mutable global state.
  static const Isa isa =
      parse_isa_env(std::getenv("BITMILL_ISA"), cpu_supports(Isa::kAvx2) ? Isa::kAvx2 : Isa::kScalar);
  return isa;
}

}  // namespace bitmill::kernels
