#!/usr/bin/env bash
# Runs one CLI golden test: tests/cli/run.sh tests/cli/NAME.sh BIN_DIR
#
# NAME.sh runs in a fresh empty directory with the tools on PATH ($BIN is their directory, $CASES
# this folder). Its stdout and stderr are compared with NAME.stdout and NAME.stderr when those
# files exist; timings in summaries ("[0.2 s, 81.0 MB/s]") are replaced by "[TIME]" first.
# The script must exit 0; it checks exit codes itself (usually by printing them to stdout). Exit 77
# skips the test (ctest's SKIP_RETURN_CODE), for a check that a build cannot make; the script prints
# why. In a sanitizer build (BITMILL_SANITIZE set), every process's sanitizer report goes to a file
# in the work directory (log_path) and fails the test, also where the script does not look at the
# tool's exit status or stderr.
# BITMILL_UPDATE_GOLDEN=1 rewrites the expected files from this run (review the diff!).
set -u
script=$(realpath "$1")
bin=$(realpath "$2")
cases=$(dirname "$script")
name=$(basename "$script" .sh)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export BIN=$bin CASES=$cases PATH="$bin:$PATH" LC_ALL=C.UTF-8 TZ=UTC
unset SLURM_ARRAY_TASK_ID SLURM_ARRAY_TASK_COUNT SLURM_ARRAY_TASK_MIN BITMILL_MODEL
mkdir "$work/run"
if [ -n "${BITMILL_SANITIZE:-}" ]; then
  for v in ASAN_OPTIONS UBSAN_OPTIONS TSAN_OPTIONS; do
    export "$v=${!v:-}${!v:+:}log_path=$work/sanitizer"
  done
fi
(cd "$work/run" && bash "$script") >"$work/stdout" 2>"$work/stderr" </dev/null
rc=$?
if [ $rc -eq 77 ]; then
  cat "$work/stdout" "$work/stderr"
  exit 77
fi
normalize() {
  sed -E 's/ \[[0-9.]+ (s|min [0-9]+ s|h [0-9]+ min), [0-9.]+ [kMGT]?B\/s\]$/ [TIME]/' "$1"
}
fail=0
if [ $rc -ne 0 ]; then
  echo "$name: the script exited with $rc"
  fail=1
fi
for s in stdout stderr; do
  expected="$cases/$name.$s"
  if [ "${BITMILL_UPDATE_GOLDEN:-0}" = 1 ]; then
    normalize "$work/$s" >"$expected"
  elif [ -f "$expected" ]; then
    if ! normalize "$work/$s" | diff -u "$expected" -; then
      echo "$name: $s differs from $expected"
      fail=1
    fi
  fi
done
for report in "$work"/sanitizer.*; do
  [ -e "$report" ] || continue
  echo "$name: sanitizer report ($(basename "$report")):"
  cat "$report"
  fail=1
done
if [ $fail -ne 0 ]; then
  echo "--- stdout ---"
  cat "$work/stdout"
  echo "--- stderr ---"
  cat "$work/stderr"
fi
exit $fail
