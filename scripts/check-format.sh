#!/usr/bin/env bash
# Fails when a C++ source differs from what clang-format makes of it (CI runs this through ctest).
# Usage: scripts/check-format.sh [clang-format binary]; scripts/check-format.sh --fix rewrites.
set -euo pipefail
cd "$(dirname "$0")/.."
cf=clang-format
fix=0
for a in "$@"; do
  if [ "$a" = "--fix" ]; then fix=1; else cf=$a; fi
done
mapfile -t files < <(git ls-files -co --exclude-standard -- '*.cc' '*.cpp' '*.h' | grep -v '^build/')
[ ${#files[@]} -gt 0 ] || exit 0
if [ $fix = 1 ]; then exec "$cf" -i "${files[@]}"; fi
exec "$cf" --dry-run --Werror "${files[@]}"
