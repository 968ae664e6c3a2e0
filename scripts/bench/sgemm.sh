#!/usr/bin/env bash
# Benchmark of bitmill's SGEMM against OpenBLAS, both on one thread, on the GEMMs of BERT-style
# encoder layers (X[M x K] * W^T with W stored N x K, M = 512..2048 tokens, hidden 384 and 768)
# and on one attention head reading Q, K and V in place from a fused QKV output.
#
# Builds the bitmill_sgemm_bench target (lib/src/kernels/sgemm_bench.cc, built only when OpenBLAS's
# development files are installed: `apt-get install libopenblas-dev`) and runs it with OpenBLAS
# pinned to one thread, once per bitmill ISA level that the CPU has (avx2, avx512; the levels above
# run avx512's SGEMM). Prints GFLOP/s of each and the ratio bitmill / OpenBLAS per shape, and the
# geometric mean of the ratios.
#
# The peer is OpenBLAS at its best on this CPU: Debian's OpenBLAS 0.3.21 does not know AMD Zen 5
# and would run its AVX2 (Haswell) kernels there, and some environments pin OPENBLAS_CORETYPE to
# Haswell. So on a CPU with AVX-512 F/BW/VL/DQ the script runs OpenBLAS's SkylakeX kernels (its
# AVX-512 SGEMM) by default, whatever the environment says; --openblas-core chooses otherwise. The
# header line of each table names the OpenBLAS kernels that ran.
#
# Usage: scripts/bench/sgemm.sh [options] [-- extra arguments for the program]
#   --build DIR      the CMake build tree (default: build/ of this checkout, configured if absent)
#   --isa "ISA..."   bitmill levels to run (scalar, avx2, avx512, avx512vnni, amx; default: avx2
#                    and avx512, those the CPU has)
#   --tokens "M..."  token counts (M values), default "512 1024 2048"
#   --openblas-core C  OpenBLAS kernels to run (OPENBLAS_CORETYPE: SkylakeX, Haswell, ...), or
#                    "env" for the environment's choice (default: SkylakeX on AVX-512 CPUs, else env)
#   --full           every N x K combination (N in 384..3072, K in 384..3072), not just the
#                    layers' four GEMMs
#   --min-time S     seconds per shape and library (default 0.3; at least 3 runs each)
#   -h, --help       this text
# The table goes to stdout, the build's output to stderr. The machine should be otherwise idle:
# both libraries are timed alternately and the best run of each is kept, which evens out but does
# not remove the noise of other processes.
set -euo pipefail
export LC_ALL=C

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD="$REPO_ROOT/build"
args=()
levels=()
core=""

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; }
die() { echo "sgemm.sh: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --build) [ $# -ge 2 ] || die "--build needs a directory"; BUILD=$2; shift 2 ;;
    --isa) [ $# -ge 2 ] || die "--isa needs a list of levels"; read -r -a levels <<<"$2"; shift 2 ;;
    --tokens)
      [ $# -ge 2 ] || die "--tokens needs a list"
      read -r -a tokens <<<"$2"
      args+=(--tokens "${tokens[@]}")
      shift 2 ;;
    --openblas-core) [ $# -ge 2 ] || die "--openblas-core needs a name or env"; core=$2; shift 2 ;;
    --full) args+=(--full); shift ;;
    --min-time) [ $# -ge 2 ] || die "--min-time needs seconds"; args+=(--min-time "$2"); shift 2 ;;
    -h|--help) usage; exit 0 ;;
    --) shift; args+=("$@"); break ;;
    *) die "unknown option: $1 (see --help)" ;;
  esac
done

if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  generator=()
  command -v ninja >/dev/null && generator=(-G Ninja)
  cmake -S "$REPO_ROOT" -B "$BUILD" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release >&2
fi
if ! cmake --build "$BUILD" --target help 2>/dev/null | grep -q bitmill_sgemm_bench; then
  # Reconfigure once: OpenBLAS may have been installed since the last configure.
  cmake "$BUILD" >&2
  cmake --build "$BUILD" --target help 2>/dev/null | grep -q bitmill_sgemm_bench ||
    die "no bitmill_sgemm_bench target: install libopenblas-dev (lib/CMakeLists.txt builds it when pkg-config finds openblas)"
fi
cmake --build "$BUILD" -j "${BITMILL_JOBS:-$(nproc)}" --target bitmill_sgemm_bench >&2

# One thread, whichever threading layer this OpenBLAS was built with.
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 GOTO_NUM_THREADS=1
flags=$(grep -m1 '^flags' /proc/cpuinfo || true)
has() { [[ " $flags " == *" $1 "* ]]; }
avx512=0
has avx512f && has avx512bw && has avx512vl && has avx512dq && avx512=1
if [ -z "$core" ] && [ $avx512 = 1 ]; then core=SkylakeX; fi
if [ -n "$core" ] && [ "$core" != env ]; then
  [ -n "${OPENBLAS_CORETYPE:-}" ] && [ "$OPENBLAS_CORETYPE" != "$core" ] &&
    echo "OpenBLAS: OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE in the environment, $core used instead (--openblas-core env keeps it)"
  export OPENBLAS_CORETYPE=$core
fi
echo "CPU: $(grep -m1 '^model name' /proc/cpuinfo | sed 's/.*: //'); AVX-512 F/BW/VL/DQ: $([ $avx512 = 1 ] && echo yes || echo no)"
if [ ${#levels[@]} -eq 0 ]; then
  levels=()
  has avx2 && has fma && levels+=(avx2)
  [ $avx512 = 1 ] && levels+=(avx512)
  [ ${#levels[@]} -gt 0 ] || levels=(scalar)
fi
for level in "${levels[@]}"; do
  echo
  # A level the CPU lacks is refused by the program, with a one-line error.
  BITMILL_ISA=$level "$BUILD/bench/bitmill_sgemm_bench" "${args[@]}"
done
