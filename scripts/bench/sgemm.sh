#!/usr/bin/env bash
# Benchmark of bitmill's SGEMM against OpenBLAS, both on one thread, on the GEMMs of BERT-style
# encoder layers (X[M x K] * W^T with W stored N x K, M = 512..2048 tokens, hidden 384 and 768)
# and on one attention head reading Q, K and V in place from a fused QKV output.
#
# Builds the bitmill_sgemm_bench target (lib/src/kernels/sgemm_bench.cc, built only when OpenBLAS's
# development files are installed: `apt-get install libopenblas-dev`) and runs it with OpenBLAS
# pinned to one thread. Prints GFLOP/s of each and the ratio bitmill / OpenBLAS per shape, and the
# geometric mean of the ratios.
#
# Usage: scripts/bench/sgemm.sh [options] [-- extra arguments for the program]
#   --build DIR      the CMake build tree (default: build/ of this checkout, configured if absent)
#   --isa ISA        run bitmill's kernels for ISA (scalar or avx2; default: what the CPU has)
#   --tokens "M..."  token counts (M values), default "512 1024 2048"
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

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; }
die() { echo "sgemm.sh: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --build) [ $# -ge 2 ] || die "--build needs a directory"; BUILD=$2; shift 2 ;;
    --isa) [ $# -ge 2 ] || die "--isa needs scalar or avx2"; export BITMILL_ISA=$2; shift 2 ;;
    --tokens)
      [ $# -ge 2 ] || die "--tokens needs a list"
      read -r -a tokens <<<"$2"
      args+=(--tokens "${tokens[@]}")
      shift 2 ;;
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
exec "$BUILD/bench/bitmill_sgemm_bench" "${args[@]}"
