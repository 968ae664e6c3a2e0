#!/usr/bin/env bash
# Installs what is missing, builds with warnings as errors, and runs the tests. Prints ctest's
# summary.
#
# Usage: scripts/test.sh [--sanitize address|thread] [extra ctest arguments]
#   (default)            builds build/ and runs every test: unit, CLI golden tests, style.
#   --sanitize address   builds build-asan/ with AddressSanitizer and UndefinedBehaviorSanitizer
#                        (BITMILL_SANITIZE=address,undefined) and runs every test; a memory error,
#                        a leak or undefined behaviour in any process of a test fails that test.
#   --sanitize thread    builds build-tsan/ with ThreadSanitizer and runs every test but the style
#                        checks (which run no bitmill code); a data race or a lock-order inversion
#                        fails the test. Every tool runs its pipeline on all cores by default, so
#                        each CLI test is a threaded test, and the unit tests that start threads
#                        (ordered pipeline, dedup, k-NN, index, tokenizers, language ID...) are
#                        most of the unit tests' time anyway.
# The sanitizer runs read their suppressions from tests/sanitize/ (third-party libraries only, each
# entry justified there). Only bitmill's own code is instrumented: the Python references that some
# CLI tests run are Debian's plain /usr/bin/python3, which ignores the *SAN_OPTIONS variables.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
sanitize=""
if [ "${1:-}" = "--sanitize" ]; then
  sanitize=${2:?usage: scripts/test.sh [--sanitize address|thread] [ctest arguments]}
  shift 2
fi
ctest_args=()
case "$sanitize" in
  "")
    dir=build
    cmake_args=() ;;
  address)
    dir=build-asan
    cmake_args=(-DBITMILL_SANITIZE=address,undefined -DBITMILL_BUILD_MAN=OFF)
    # abort_on_error=0: a report exits with status 1 (a test failure) instead of dumping core.
    export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1:check_initialization_order=1:strict_init_order=1:detect_stack_use_after_return=1"
    export LSAN_OPTIONS="suppressions=$root/tests/sanitize/lsan.supp:print_suppressions=0"
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
    ;;
  thread)
    dir=build-tsan
    cmake_args=(-DBITMILL_SANITIZE=thread -DBITMILL_BUILD_MAN=OFF)
    export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:history_size=7:suppressions=$root/tests/sanitize/tsan.supp:print_suppressions=0"
    # FAISS's OpenMP and OpenBLAS's threads are uninstrumented: one thread each (index's
    # set_thread_limit does the same in a TSan build), so TSan checks bitmill's own threads.
    export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
    ctest_args=(-E '^style/') ;;
  *)
    echo "test.sh: --sanitize takes address or thread, not '$sanitize'" >&2
    exit 1 ;;
esac
scripts/install-deps.sh
BITMILL_BUILD_DIR=$dir scripts/build.sh -DBITMILL_WERROR=ON -DBITMILL_BUILD_TESTS=ON "${cmake_args[@]}"
cd "$dir"
ctest --output-on-failure -j "${BITMILL_JOBS:-$(nproc)}" "${ctest_args[@]}" "$@"
