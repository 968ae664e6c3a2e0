#!/usr/bin/env bash
# Configures and builds bitmill into build/ (binaries in build/bin/). Extra arguments go to cmake.
# BITMILL_JOBS sets the parallel jobs (default: number of cores); BITMILL_BUILD_DIR another build
# directory (scripts/test.sh --sanitize builds into build-asan/ and build-tsan/).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${BITMILL_BUILD_DIR:-build}
generator=()
command -v ninja >/dev/null && [ ! -f "$dir/Makefile" ] && generator=(-G Ninja)
cmake -S . -B "$dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release "$@" >&2
cmake --build "$dir" -j "${BITMILL_JOBS:-$(nproc)}" >&2
