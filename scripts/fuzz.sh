#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/, into build-fuzz/) and runs them.
#
#   scripts/fuzz.sh [--minutes N] [--jobs J] [--merge] [--report FILE] [TARGET...]
#   scripts/fuzz.sh --smoke [TARGET...]
#
# Each target (all of them by default) fuzzes for its share of N minutes (default 10): J targets
# run side by side (default 1), so the whole run takes about N minutes of wall time. A target
# starts from its committed seeds (tests/fuzz/corpus/NAME/, read only) and writes what it finds
# to a working corpus in build-fuzz/fuzz-work/NAME/; --merge then adds the inputs that bring new
# coverage to the committed corpus (libFuzzer's -merge=1). A crash, leak or timeout stops the
# target (the input is saved as crash-*, leak-* or timeout-* in its working folder) and it starts
# again for the rest of its time, at most 3 times.
#
# --smoke (for CI): every target runs its seeds, then 1000 mutations from a fixed libFuzzer seed,
# so the same tree gives the same run (a CI gate must not turn red by chance); exits 1 on a crash.
#
# At the end a table per target goes to stderr: executions, exec/s, coverage (libFuzzer's final
# cov: and ft:), corpus size, crashes; and the same as TSV to FILE (default
# build-fuzz/fuzz-report.tsv).
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=10 jobs=1 merge=0 smoke=0 report=build-fuzz/fuzz-report.tsv
targets=()
usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 1; }
while [ $# -gt 0 ]; do
  case $1 in
    --minutes) minutes=${2:?}; shift 2 ;;
    --jobs) jobs=${2:?}; shift 2 ;;
    --merge) merge=1; shift ;;
    --smoke) smoke=1; shift ;;
    --report) report=${2:?}; shift 2 ;;
    -h | --help) usage ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; usage ;;
    *) targets+=("$1"); shift ;;
  esac
done
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(ls tests/fuzz/*_fuzz.cc | sed 's|.*/||; s|_fuzz\.cc$||')
fi
for t in "${targets[@]}"; do
  [ -f "tests/fuzz/${t}_fuzz.cc" ] || { echo "fuzz.sh: no target '$t' (tests/fuzz/${t}_fuzz.cc)" >&2; exit 1; }
done

# The longest input each target mutates: a little above its largest seed.
max_len() {
  case $1 in
    option_values) echo 256 ;;
    tokenizer_json | sentencepiece_model) echo 16384 ;;
    jsonl | vocab | faiss_index | filter_config_yaml) echo 8192 ;;
    *) echo 4096 ;;
  esac
}

if [ ! -f build-fuzz/CMakeCache.txt ]; then
  CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBITMILL_FUZZ=ON \
    -DBITMILL_BUILD_TESTS=OFF -DBITMILL_BUILD_MAN=OFF >&2
fi
cmake --build build-fuzz -j "${BITMILL_JOBS:-$(nproc)}" --target "${targets[@]/%/_fuzz}" >&2

if [ $smoke = 1 ]; then
  seconds=20
else
  # Wall time per target: the minutes shared among the targets, J at a time.
  seconds=$(((minutes * 60 * jobs + ${#targets[@]} - 1) / ${#targets[@]}))
fi
work=build-fuzz/fuzz-work
mkdir -p "$work"

count_crashes() { find "$1/artifacts" -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' | wc -l; }

# run_target NAME: fuzzes NAME for $seconds; writes $work/NAME/summary (one TSV row).
run_target() {
  local t=$1 dir=$work/$1 bin=build-fuzz/fuzz/$1_fuzz
  rm -rf "$dir/tmp" "$dir/log"
  mkdir -p "$dir/corpus" "$dir/artifacts" "$dir/tmp" "$dir/log"
  # Absolute paths: a target may change its working directory while it runs an input (near_work
  # does), and a crash there must still land in artifacts/.
  local opts=(-timeout=10 -rss_limit_mb=2048 -max_len="$(max_len "$t")"
              -print_final_stats=1 -artifact_prefix="$PWD/$dir/artifacts/")
  [ -f "tests/fuzz/$t.dict" ] && opts+=(-dict="$PWD/tests/fuzz/$t.dict")
  local start end left runs=0 crashed=0 crashes_before
  crashes_before=$(count_crashes "$dir")
  start=$(date +%s)
  end=$((start + seconds))
  while :; do
    left=$((end - $(date +%s)))
    [ $left -gt 0 ] && [ $crashed -le 3 ] || break
    runs=$((runs + 1))
    # TMPDIR: the targets' scratch files (fuzz_util.h), removed with the run.
    local budget=(-max_total_time=$left)
    [ $smoke = 1 ] && budget=(-seed=1 -runs=1000)
    # FAISS 1.7.3 leaks what it has read when it rejects a file (tests/fuzz/README.md): about
    # 300 KB a run on average, which over a long campaign adds up past libFuzzer's limit. So
    # faiss_index runs in processes of 5000 runs each, one after another, for its time.
    [ $smoke = 0 ] && [ "$t" = faiss_index ] && budget+=(-runs=5000)
    TMPDIR=$PWD/$dir/tmp "$bin" "${opts[@]}" "${budget[@]}" "$PWD/$dir/corpus" "$PWD/tests/fuzz/corpus/$t" \
      >"$dir/log/run$runs.log" 2>&1 || true
    [ $smoke = 1 ] && break
    # Stop at a clean end (faiss_index: go on in a fresh process); after a crash, go on for the
    # rest of the time, at most 3 times.
    # A sanitizer report or a deadly signal is a crash even if its input could not be written.
    if grep -q -E 'Test unit written|ERROR: [A-Za-z]+Sanitizer|deadly signal|runtime error:' "$dir/log/run$runs.log"; then
      crashed=$((crashed + 1))
    elif [ "$t" != faiss_index ]; then
      break
    fi
  done
  local execs=0 cov=0 ft=0 corp=0 f last
  for f in "$dir"/log/run*.log; do
    execs=$((execs + $(sed -n 's/^stat::number_of_executed_units: *//p' "$f" | tail -1 | grep . || echo 0)))
    last=$(grep -o 'cov: [0-9]* ft: [0-9]* corp: [0-9]*' "$f" | tail -1 || true)
    if [ -n "$last" ]; then
      read -r _ cov _ ft _ corp <<<"$last"
    fi
  done
  local elapsed=$(($(date +%s) - start))
  local crashes=$(($(count_crashes "$dir") - crashes_before)) logged
  # Runs that reported a crash, in case its input could not be saved.
  logged=$({ grep -l -E 'Test unit written|ERROR: [A-Za-z]+Sanitizer|deadly signal|runtime error:' "$dir"/log/run*.log ||
    true; } | wc -l)
  [ "$logged" -gt "$crashes" ] && crashes=$logged
  [ $elapsed -gt 0 ] || elapsed=1
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$elapsed" "$execs" "$((execs / elapsed))" "$cov" "$ft" "$corp" \
    "$crashes" >"$dir/summary"
  if [ $merge = 1 ] && [ $smoke = 0 ]; then
    TMPDIR=$PWD/$dir/tmp "$bin" -merge=1 -max_len="$(max_len "$t")" "tests/fuzz/corpus/$t" "$dir/corpus" \
      >"$dir/log/merge.log" 2>&1
  fi
  rm -rf "$dir/tmp"
  echo "fuzz.sh: $t done ($execs runs, $crashes crashes)" >&2
}

echo "fuzz.sh: ${#targets[@]} targets, ${seconds} s each, $jobs at a time" >&2
running=0
for t in "${targets[@]}"; do
  run_target "$t" &
  running=$((running + 1))
  if [ $running -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait

mkdir -p "$(dirname "$report")"
{
  printf 'target\tseconds\texecutions\texec_per_s\tcov\tft\tcorpus\tcrashes\n'
  for t in "${targets[@]}"; do cat "$work/$t/summary"; done
} >"$report"
column -t -s $'\t' "$report" >&2
echo "fuzz.sh: report in $report; crash inputs in $work/*/artifacts/" >&2
total=$(awk -F'\t' 'NR > 1 { s += $8 } END { print s + 0 }' "$report")
[ "$total" -eq 0 ]
