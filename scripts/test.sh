#!/usr/bin/env bash
# Installs what is missing, builds with warnings as errors, and runs every test (unit, CLI golden
# tests, style). Prints ctest's summary. Usage: scripts/test.sh [extra ctest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh -DBITMILL_WERROR=ON -DBITMILL_BUILD_TESTS=ON
cd build
ctest --output-on-failure -j "${BITMILL_JOBS:-$(nproc)}" "$@"
