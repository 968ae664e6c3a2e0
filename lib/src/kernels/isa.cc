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
    // The AVX-512 kernels (*_avx512.cc) are compiled with F, BW, VL, DQ and VNNI on top of AVX2;
    // AMD Zen 4 and Intel Ice Lake onwards have them all.
    case Isa::kAvx512:
      return cpu_supports(Isa::kAvx2) && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
             __builtin_cpu_supports("avx512vnni");
  }
  return false;
}

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::kScalar: return "scalar";
    case Isa::kAvx2: return "avx2";
    case Isa::kAvx512: return "avx512";
  }
  return "unknown";
}

Isa parse_isa_env(const char* value, Isa detected) {
  if (value == nullptr) return detected;
  // Isa is ordered by capability, so "at most what the CPU has" is a min.
  auto at_most_detected = [detected](Isa want) { return want < detected ? want : detected; };
  if (std::strcmp(value, "scalar") == 0) return at_most_detected(Isa::kScalar);
  if (std::strcmp(value, "avx2") == 0) return at_most_detected(Isa::kAvx2);
  if (std::strcmp(value, "avx512") == 0) return at_most_detected(Isa::kAvx512);
  return detected;
}

Isa active_isa() {
  // Computed once: the dispatchers call this on every kernel call, and a process must not switch
  // kernels (and so rounding) halfway through. A function-local static is initialised thread-safely
  // and never changes afterwards, so it is not mutable global state.
  static const Isa isa = parse_isa_env(std::getenv("BITMILL_ISA"), cpu_supports(Isa::kAvx512) ? Isa::kAvx512
                                                                   : cpu_supports(Isa::kAvx2) ? Isa::kAvx2
                                                                                              : Isa::kScalar);
  return isa;
}

}  // namespace bitmill::kernels
