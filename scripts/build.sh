#!/usr/bin/env bash
# Configures and builds bitmill into build/ (binaries in build/bin/). Extra arguments go to cmake.
# BITMILL_JOBS sets the parallel jobs (default: number of cores).
set -euo pipefail
cd "$(dirname "$0")/.."
generator=()
command -v ninja >/dev/null && [ ! -f build/Makefile ] && generator=(-G Ninja)
cmake -S . -B build "${generator[@]}" -DCMAKE_BUILD_TYPE=Release "$@" >&2
cmake --build build -j "${BITMILL_JOBS:-$(nproc)}" >&2
