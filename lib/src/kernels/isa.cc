// Run-time choice of the kernel ISA.
#include <cpuid.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "bitmill/kernels/kernels.h"

namespace bitmill::kernels {
namespace {

constexpr Isa kLevels[] = {Isa::kScalar, Isa::kAvx2, Isa::kAvx512, Isa::kAvx512Vnni, Isa::kAmx};

uint64_t xcr0() {
  uint32_t lo = 0, hi = 0;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (uint64_t{hi} << 32) | lo;
}

// AMX-TILE, AMX-INT8 and AMX-BF16 in CPUID, the tile state enabled in XCR0, and Linux's permission
// to use it (arch_prctl(ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA)), which a process must ask for
// before its first tile instruction; asking again is harmless.
bool amx_usable() {
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (__get_cpuid_count(7, 0, &a, &b, &c, &d) == 0) return false;
  const bool tiles = (d >> 24 & 1) && (d >> 25 & 1) && (d >> 22 & 1);
  // XGETBV needs OSXSAVE (CPUID 1, ECX bit 27).
  if (!tiles || __get_cpuid(1, &a, &b, &c, &d) == 0 || (c >> 27 & 1) == 0) return false;
  if ((xcr0() & (uint64_t{3} << 17)) != (uint64_t{3} << 17)) return false;
  constexpr long kArchReqXcompPerm = 0x1023, kXfeatureXtiledata = 18;
  return syscall(SYS_arch_prctl, kArchReqXcompPerm, kXfeatureXtiledata) == 0;
}

}  // namespace

bool cpu_supports(Isa isa) {
  // Idempotent, and needed if this runs before libgcc's constructor (from a static initialiser).
  __builtin_cpu_init();
  switch (isa) {
    case Isa::kScalar: return true;
    // The AVX2 kernels are compiled with -mavx2 -mfma: both are needed.
    case Isa::kAvx2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    // *_avx512.cc files are compiled with F, BW, VL and DQ (Intel Skylake-SP, AMD Zen 4 onwards).
    case Isa::kAvx512:
      return cpu_supports(Isa::kAvx2) && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
    // *_avx512vnni.cc add VNNI (Intel Cascade Lake, Ice Lake, AMD Zen 4 onwards).
    case Isa::kAvx512Vnni: return cpu_supports(Isa::kAvx512) && __builtin_cpu_supports("avx512vnni");
    // AMX tiles (Intel Sapphire Rapids onwards), granted by the OS.
    case Isa::kAmx: return cpu_supports(Isa::kAvx512Vnni) && amx_usable();
  }
  return false;
}

bool cpu_has_avx512_bf16() {
  unsigned a = 0, b = 0, c = 0, d = 0;
  // CPUID leaf 7 subleaf 1, EAX bit 5; the zmm state itself is checked by the AVX-512 level.
  return cpu_supports(Isa::kAvx512) && __get_cpuid_count(7, 1, &a, &b, &c, &d) != 0 && (a >> 5 & 1) != 0;
}

bool cpu_has_avx_vnni() {
  unsigned a = 0, b = 0, c = 0, d = 0;
  // CPUID leaf 7 subleaf 1, EAX bit 4; the ymm state is checked by the AVX2 level.
  return cpu_supports(Isa::kAvx2) && __get_cpuid_count(7, 1, &a, &b, &c, &d) != 0 && (a >> 4 & 1) != 0;
}

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::kScalar: return "scalar";
    case Isa::kAvx2: return "avx2";
    case Isa::kAvx512: return "avx512";
    case Isa::kAvx512Vnni: return "avx512vnni";
    case Isa::kAmx: return "amx";
  }
  return "unknown";
}

Isa detected_isa() {
  static const Isa isa = [] {
    Isa best = Isa::kScalar;
    for (Isa l : kLevels) {
      if (cpu_supports(l)) best = l;
    }
    return best;
  }();
  return isa;
}

IsaRequest parse_isa_env(const char* value, Isa detected) {
  if (value == nullptr || *value == '\0') return {detected, ""};
  for (Isa l : kLevels) {
    if (std::strcmp(value, isa_name(l)) != 0) continue;
    if (l <= detected) return {l, ""};
    return {detected,
            std::string("BITMILL_ISA=") + value + ": this CPU (or its OS) offers " + isa_name(detected) + " at most"};
  }
  std::string names;
  for (Isa l : kLevels) names += std::string(names.empty() ? "" : ", ") + isa_name(l);
  return {detected, std::string("BITMILL_ISA=") + value + ": not a level (" + names + ")"};
}

std::string isa_env_error() { return parse_isa_env(std::getenv("BITMILL_ISA"), detected_isa()).error; }

Isa active_isa() {
  // Computed once: the dispatchers call this on every kernel call, and a process must not switch
  // kernels (and so rounding) halfway through. A function-local static is initialised thread-safely
  // and never changes afterwards, so it is not mutable global state. A refused BITMILL_ISA (the
  // tools stop on it before any work, isa_env_error()) leaves the detected level.
  static const Isa isa = parse_isa_env(std::getenv("BITMILL_ISA"), detected_isa()).isa;
  return isa;
}

}  // namespace bitmill::kernels
