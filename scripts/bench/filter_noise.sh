#!/usr/bin/env bash
# Benchmark of bitmill-filter's bitext rules on labelled noise: clean German-English pairs with
# injected noise of known types, filtered by bitmill-filter. Reported: per label, the share of
# clean pairs kept (target >= 95%) and the share of each noise type rejected (target >= 90% for
# the types the rules address) with the rules that fire on each; the throughput (MB/s of input,
# language ID on) on --threads threads and on 1 thread; per rule, its false rejections of the
# clean set against the noisy rows it catches (for tuning the default thresholds), with examples;
# the noisy rows kept, by type and variant (which language, code point, URL form... slips
# through), with examples; and, with the same binary, the share of clean pairs rejected in every
# language with parallel data and of close languages offered for each other
# (scripts/bench/filter_clean.py, --lang-pairs).
#
# Data: DATA/deu-eng.tsv.zst (German first), shuffled with --seed. The first N pairs are the
# clean set, taken as they are: not filtered in any way (some are loose, caption-like
# translations, and the clean set keeps them). N noisy rows are made from other pairs of the same
# file (none of the clean N; pairs are reused from the clean set only when --n exceeds half the
# file), N/13 per type, each row with its type as label. Recipes (side = German or English, chosen
# at random among the sides that qualify):
#   swap            the two sides exchanged.
#   copy            target := source (odd rows of the type), source := target (even rows).
#   truncate        one side with >= 6 words cut to its first round(U(0.15, 0.35) x words) words
#                   (at least 1); pairs with such a side only.
#   wrong-lang-src  German side := a sentence of >= 4 words in another language: the non-English
#   wrong-lang-tgt  side of <lang>-eng for lang in fra ita nld spa por pol ces swe tur rus (round
#                   robin over the languages, the sentence at random); -tgt: the English side so.
#   wrong-lang-short  a side (German and English in turn) := a sentence of 4 to 6 words in
#                   another language, the same languages round robin: short text language ID must
#                   still catch.
#   shuffle         English side := the English side of another pair (one used by no other row).
#                   Only a semantic score catches it: it has no target without --model.
#   url             a URL or e-mail address in one side only: http://, https://, www. without a
#                   scheme, or user@host; appended (+ "", ".", "!", ";"), in parentheses at the
#                   end, in front (+ " ", ": ", " - ") or between two words (+ "", ",").
#   mojibake        one side with non-ASCII characters (pairs with one only) encoded as UTF-8 and
#                   decoded as cp1252, the 5 bytes cp1252 leaves undefined as Latin-1 (C1 controls):
#                   "für" -> "fÃ¼r".
#   numbers         (extra) a digit run found on both sides changed on one side (one digit
#                   replaced, no new leading zero, every occurrence on that side; the new number
#                   occurs on neither side): "1973" -> "6973". Pairs with a shared number only.
#   empty           (extra) one side "", " ", "   " or U+00A0.
#   control         (extra) one control or invisible character inserted strictly inside one side:
#                   U+0001 0002 0007 0008 000B 000C 001B 007F 0090 200B-200F 202E 2060 FEFF.
#   repeat          (extra) a word of one side (an alphabetic one of >= 2 letters where there is
#                   one) repeated: it stands 5 times in a row.
# All 2N rows are shuffled together into INPUT.tsv: deu<TAB>eng<TAB>label (the label column
# passes through the filter untouched). Each row's variant (the side, language, code point, URL
# form and place...) is kept beside it in variants.txt for the last table.
#
# Runs (the binary is copied first, so a rebuild during the run does not change it):
#   quality     bitmill-filter --src-lang deu --tgt-lang eng --all-reasons --rejected R --stats S
#               -t THREADS -o KEPT INPUT.tsv [--model DIR --min-score X]; the tables come from
#               KEPT, R (the input row + the failed rules, comma-separated) and S.
#   throughput  the same without --all-reasons and without --model, on the two text columns of
#               INPUT.tsv repeated to >= --tp-mb MB, with -t THREADS and with -t 1; best wall time
#               of --runs runs. Language ID is on: when `--explain` shows lang-id off, every run
#               gets `--set lang-id=on`. Each thread count runs twice: language ID by bitmill's
#               fastText predictor (the default), then by libfasttext's own prediction
#               (BITMILL_FASTTEXT=library, the peer: same model, same answers), and the ratio is
#               printed; a last run on 1 thread has language ID off (--lid none), the floor.
#
# Usage: scripts/bench/filter_noise.sh [options]
#   --data DIR         the train dir with deu-eng.tsv.zst and the <lang>-eng files
#                      (default: ../shared/data/train beside this checkout)
#   --n N              clean pairs, and noisy rows (default 20000)
#   --seed N           sample and noise seed (default 1)
#   --model DIR        also score pairs semantically (quality run only): --model DIR --min-score X
#   --min-score X      the threshold passed with --model (both or neither)
#   --threads N        threads of the quality run and of the first throughput run (default 2)
#   --tp-mb MB         size of the throughput input in MB (10^6 bytes; default 32)
#   --runs N           runs per throughput setting, the best counts (default 3)
#   --examples K       rows shown per rule (clean rows it rejected) and per noise type (noisy rows
#                      kept); default 2, 0: none
#   --lang-pairs N     clean pairs per language in the last tables (filter_clean.py: every language
#                      with 100 pairs with English in DATA, the 46 of DATA/../dev/ntrex, and close
#                      languages offered for each other); default 1000, 0: no such tables
#   --bin PATH         bitmill-filter to test (default: build/bin/bitmill-filter of this checkout)
#   --work DIR         work dir; data made there earlier is reused (default: a mktemp dir under
#                      ${TMPDIR:-/tmp}, removed at exit)
#   --keep             keep the work dir (or, with --work, this run's outputs)
#   -h, --help         this text
#
# Needs /usr/bin/python3 (standard library only) and zstd; peak RSS comes from GNU time
# (/usr/bin/time) when it is installed. The tables (Markdown) go to stdout, progress to stderr.
# Exit status: 0 it ran (whether or not the targets are met), 1 bitmill-filter failed or its
# outputs do not account for every input row once, 2 usage error.
set -euo pipefail
export LC_ALL=C.UTF-8

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HELPER="$REPO_ROOT/scripts/bench/filter_noise.py"
PY=/usr/bin/python3
DATA="$REPO_ROOT/../shared/data/train"
N=20000
SEED=1
MODEL=""
MIN_SCORE=""
THREADS=2
TP_MB=32
RUNS=3
EXAMPLES=2
LANG_PAIRS=1000
BIN="$REPO_ROOT/build/bin/bitmill-filter"
WORK=""
KEEP=0
GEN_VERSION=3  # bump when filter_noise.py's make-data changes, so cached data is not reused

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; }
die() { echo "filter_noise.sh: $*" >&2; exit 2; }
log() { echo "[bench] $*" >&2; }

while (($#)); do
  case $1 in
    --data) DATA=${2:?--data needs a directory}; shift 2 ;;
    --lang-pairs) LANG_PAIRS=${2:?--lang-pairs needs a number}; shift 2 ;;
    --n) N=${2:?--n needs a value}; shift 2 ;;
    --seed) SEED=${2:?--seed needs a value}; shift 2 ;;
    --model) MODEL=${2:?--model needs a directory}; shift 2 ;;
    --min-score) MIN_SCORE=${2:?--min-score needs a value}; shift 2 ;;
    --threads) THREADS=${2:?--threads needs a value}; shift 2 ;;
    --tp-mb) TP_MB=${2:?--tp-mb needs a value}; shift 2 ;;
    --runs) RUNS=${2:?--runs needs a value}; shift 2 ;;
    --examples) EXAMPLES=${2:?--examples needs a value}; shift 2 ;;
    --bin) BIN=${2:?--bin needs a path}; shift 2 ;;
    --work) WORK=${2:?--work needs a directory}; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done
for v in N THREADS TP_MB RUNS; do
  [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "--$(tr 'A-Z_' 'a-z-' <<<"$v") must be a positive integer"
done
[[ $SEED =~ ^[0-9]+$ ]] || die "--seed must be a non-negative integer"
[[ $EXAMPLES =~ ^[0-9]+$ ]] || die "--examples must be a non-negative integer"
[[ $LANG_PAIRS =~ ^[0-9]+$ ]] || die "--lang-pairs must be a non-negative integer"
if [[ -n $MODEL || -n $MIN_SCORE ]]; then
  [[ -n $MODEL && -n $MIN_SCORE ]] || die "--model and --min-score go together"
  [[ -d $MODEL ]] || die "--model: not a directory: $MODEL"
  [[ $MIN_SCORE =~ ^-?[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?$ ]] || die "--min-score must be a number"
fi
[[ -f $DATA/deu-eng.tsv.zst ]] || die "no deu-eng.tsv.zst in $DATA (pass --data DIR)"
[[ -x $BIN ]] || die "bitmill-filter not found or not executable: $BIN (build it first, or pass --bin)"
[[ -x $PY ]] || die "$PY is needed"
command -v zstd >/dev/null || die "zstd is needed (apt-get install zstd)"
DATA=$(cd "$DATA" && pwd)
HAVE_TIME=0
/usr/bin/time -f '%M' -o /dev/null true 2>/dev/null && HAVE_TIME=1

OWN_WORK=0
if [[ -z $WORK ]]; then
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/bitmill-filter-bench.XXXXXX")
  OWN_WORK=1
else
  mkdir -p "$WORK"
  WORK=$(cd "$WORK" && pwd)
fi
RUN="$WORK/run.$$"
mkdir -p "$RUN"
cleanup() {
  if ((KEEP)); then log "kept: $WORK"; elif ((OWN_WORK)); then rm -rf "$WORK"; else rm -rf "$RUN"; fi
}
trap cleanup EXIT

# Snapshot the binary: the build tree may be rebuilt while the benchmark runs. It finds fastText's
# language ID model at ../share/bitmill/lid.176.ftz from itself: the snapshot keeps that layout.
mkdir -p "$RUN/bin"
BF="$RUN/bin/bitmill-filter"
cp "$BIN" "$BF"
LID_MODEL="$(dirname "$BIN")/../share/bitmill/lid.176.ftz"
if [[ -n ${BITMILL_LID_MODEL:-} ]]; then
  LID_MODEL=$BITMILL_LID_MODEL
elif [[ -f $LID_MODEL ]]; then
  mkdir -p "$RUN/share/bitmill"
  cp "$LID_MODEL" "$RUN/share/bitmill/"
  LID_MODEL=$(cd "$(dirname "$LID_MODEL")" && pwd)/lid.176.ftz
else
  LID_MODEL=""
fi
BF_VERSION=$("$BF" --version 2>&1 | head -n 1) || die "$BIN --version failed"
export PYTHONDONTWRITEBYTECODE=1

# --- data -------------------------------------------------------------------------------------
SET="$WORK/data-v$GEN_VERSION-n$N-seed$SEED-tp$TP_MB"
if [[ -f $SET/meta.json ]]; then
  log "reusing $SET"
else
  log "making $N clean + $N noisy rows and a ${TP_MB} MB throughput input -> $SET"
  rm -rf "$SET.partial"
  mkdir -p "$SET.partial"
  $PY "$HELPER" make-data --data "$DATA" --n "$N" --seed "$SEED" --out "$SET.partial/input.tsv" \
    --variants-out "$SET.partial/variants.txt" --tp-out "$SET.partial/tp.tsv" --tp-mb "$TP_MB" >"$SET.partial/meta.json" || die "making the data failed"
  mv "$SET.partial" "$SET"
fi
INPUT="$SET/input.tsv"
TP="$SET/tp.tsv"
meta() { $PY -c 'import json, sys; m = json.load(open(sys.argv[1])); print(eval(sys.argv[2], {}, m))' "$SET/meta.json" "$1"; }
TP_BYTES=$(meta tp_bytes)
TP_ROWS=$(meta tp_rows)
IN_BYTES=$(stat -c %s "$INPUT")
IN_ROWS=$(meta rows)

# --- language ID on ---------------------------------------------------------------------------
LID_STATE=$("$BF" --src-lang deu --tgt-lang eng --explain 2>/dev/null | $PY "$HELPER" langid-state) || LID_STATE=unknown
COMMON=(--src-lang deu --tgt-lang eng)
case $LID_STATE in
  on) LID_NOTE="on (default)" ;;
  off) LID_NOTE="on (--set lang-id=on: off by default)"; COMMON+=(--set lang-id=on) ;;
  *) LID_NOTE="as by default (\`--explain\` did not show the lang-id rule)" ;;
esac
MODEL_ARGS=()
[[ -n $MODEL ]] && MODEL_ARGS=(--model "$MODEL" --min-score "$MIN_SCORE")

# --- measuring --------------------------------------------------------------------------------
# measure LABEL CMD...: sets WALL (s), RSS_MB ("-" without GNU time) and RC; stderr goes to
# $RUN/LABEL.err.
measure() {
  local label=$1 t0 t1 kb
  shift
  log "running $label"
  t0=$EPOCHREALTIME
  set +e
  if ((HAVE_TIME)); then
    /usr/bin/time -f '%M' -o "$RUN/$label.time" "$@" 2>"$RUN/$label.err"
  else
    "$@" 2>"$RUN/$label.err"
  fi
  RC=$?
  set -e
  t1=$EPOCHREALTIME
  WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
  RSS_MB="-"
  if ((HAVE_TIME)); then
    kb=$(tail -n 1 "$RUN/$label.time")
    [[ $kb =~ ^[0-9]+$ ]] && RSS_MB=$(awk -v k="$kb" 'BEGIN { printf "%.0f", k / 1024 }')
  fi
  if ((RC != 0)); then
    log "FAILED (exit $RC): $label"
    tail -n 5 "$RUN/$label.err" | sed 's/^/    /' >&2
  fi
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
cat "$INPUT" "$TP" >/dev/null  # warm the page cache
status=0
measure quality "$BF" "${COMMON[@]}" "${MODEL_ARGS[@]}" --all-reasons --rejected "$RUN/q.rejected.tsv" \
  --stats "$RUN/q.stats.json" -t "$THREADS" -o "$RUN/q.kept.tsv" "$INPUT"
Q_WALL=$WALL Q_RSS=$RSS_MB Q_RC=$RC
((Q_RC == 0)) || status=1

# tp_run NAME THREADS [env...] -- [extra options]: the best of RUNS throughput runs, as a table row.
tp_run() {
  local name=$1 t=$2 best="" best_rss="-" walls=() envs=() extra=() r
  shift 2
  while (($#)) && [[ $1 != -- ]]; do envs+=("$1"); shift; done
  (($#)) && shift
  extra=("$@")
  for ((r = 1; r <= RUNS; r++)); do
    measure "tp-$name-t$t-r$r" env "${envs[@]}" "$BF" "${COMMON[@]}" "${extra[@]}" --rejected "$RUN/tp.rejected.tsv" \
      --stats "$RUN/tp.stats.json" -t "$t" -o "$RUN/tp.kept.tsv" "$TP"
    if ((RC != 0)); then status=1; return 1; fi
    walls+=("$WALL")
    if [[ -z $best ]] || awk -v a="$WALL" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$WALL best_rss=$RSS_MB; fi
  done
  TP_BEST[$name-$t]=$best
  TP_LINES+=("$(awk -v name="$name" -v t="$t" -v w="$best" -v b="$TP_BYTES" -v n="$TP_ROWS" -v rss="$best_rss" \
    -v all="${walls[*]}" 'BEGIN { printf "| %s | %d | %.1f | %.2f | **%.1f** | %.0f | %s | %s |", name, t, b / 1e6, w,
    b / 1e6 / w, n / w, rss, all }')")
}

# Language ID by bitmill's fastText predictor (the default), by libfasttext's own code
# (BITMILL_FASTTEXT=library: the peer, same model, same answers), and off (--lid none).
TP_LINES=()
declare -A TP_BEST=()
if ((status == 0)); then
  THREAD_SET=("$THREADS")
  ((THREADS == 1)) || THREAD_SET+=(1)
  for t in "${THREAD_SET[@]}"; do
    tp_run "rules + language ID" "$t" BITMILL_FASTTEXT=bitmill -- || break
    tp_run "rules + language ID (libfasttext)" "$t" BITMILL_FASTTEXT=library -- || break
  done
  ((status != 0)) || tp_run "rules only (--lid none)" 1 -- --lid none || true
fi
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# --- report -----------------------------------------------------------------------------------
CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
echo "# bitmill-filter noise benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "- machine: ${CPU:-?} ($(nproc) cores), load average before/after: $LOAD_BEFORE / $LOAD_AFTER"
echo "- bitmill-filter: $BF_VERSION ($BIN, copied)"
echo "- data: $DATA/deu-eng.tsv.zst, seed $SEED: $N clean pairs as they are + $(($(meta rows) - N)) noisy rows," \
  "$(awk -v b="$IN_BYTES" 'BEGIN { printf "%.1f MB", b / 1e6 }'), $IN_ROWS rows"
REUSED=$(meta '", ".join(f"{k} {v}" for k, v in reused_clean_pairs.items())')
[[ -z $REUSED ]] || echo "- noisy rows made from clean-set pairs (the file has too few others): $REUSED"
if grep -q 'falls back to CLD2' "$RUN/quality.err"; then
  LID_NOTE+=", CLD2: fastText's lid.176.ftz was not found (BITMILL_LID_MODEL, or share/bitmill/ beside the binary)"
elif [[ -n $LID_MODEL ]]; then
  LID_NOTE+=", fastText $LID_MODEL"
fi
echo "- language ID: $LID_NOTE"
Q_ARGS=("${COMMON[@]}" "${MODEL_ARGS[@]}" --all-reasons -t "$THREADS")
echo "- quality run: \`bitmill-filter ${Q_ARGS[*]}\`"
echo

if ((Q_RC != 0)); then
  echo "bitmill-filter FAILED on the quality run (exit $Q_RC): $(tail -n 1 "$RUN/quality.err")"
  exit 1
fi
MODEL_FLAG=()
[[ -n $MODEL ]] && MODEL_FLAG=(--model-used)
REPORT=(--input "$INPUT" --kept "$RUN/q.kept.tsv" --rejected "$RUN/q.rejected.tsv" --stats "$RUN/q.stats.json"
  --variants "$SET/variants.txt" --examples "$EXAMPLES" "${MODEL_FLAG[@]}")
$PY "$HELPER" report "${REPORT[@]}" --part labels || status=1

echo
echo "## Throughput"
echo
echo "| run | threads | input MB | wall s | MB/s | rows/s | peak RSS MB | all runs (s) |"
echo "|---|---:|---:|---:|---:|---:|---:|---|"
for line in "${TP_LINES[@]}"; do echo "$line"; done
awk -v w="$Q_WALL" -v b="$IN_BYTES" -v n="$IN_ROWS" -v t="$THREADS" -v rss="$Q_RSS" -v m="${MODEL:+ + model}" \
  'BEGIN { printf "| quality run (--all-reasons%s) | %d | %.1f | %.2f | %.1f | %.0f | %s | %.2f |\n", m, t, b / 1e6, w, b / 1e6 / w, n / w, rss, w }'
for t in "${THREAD_SET[@]}"; do
  a=${TP_BEST[rules + language ID-$t]:-} b=${TP_BEST[rules + language ID (libfasttext)-$t]:-}
  [[ -n $a && -n $b ]] && awk -v a="$a" -v b="$b" -v t="$t" \
    'BEGIN { printf "\nLanguage ID by bitmill'"'"'s predictor against libfasttext'"'"'s, %d thread(s): %.2fx the throughput.\n", t, b / a }'
done
if ((status != 0)) && ((${#TP_LINES[@]} < 2)); then
  echo
  echo "bitmill-filter FAILED on a throughput run: $(tail -n 1 "$RUN"/tp-*.err 2>/dev/null | tail -n 1)"
fi
echo
echo "Throughput input: the text columns of the benchmark input repeated to $(awk -v b="$TP_BYTES" 'BEGIN { printf "%.1f", b / 1e6 }') MB" \
  "($TP_ROWS rows; MB = 10^6 bytes), outputs written to files, without --all-reasons$([[ -n $MODEL ]] && echo ' and without --model')."

$PY "$HELPER" report "${REPORT[@]}" --part rules || status=1

# Clean pairs in every language, and close languages offered for each other (filter_clean.py).
if ((LANG_PAIRS > 0)); then
  echo
  echo "## Clean pairs per language"
  log "running filter_clean.py"
  $PY "$REPO_ROOT/scripts/bench/filter_clean.py" --bin "$RUN/bin" --data "$(dirname "$DATA")" --n "$LANG_PAIRS" \
    --seed "$SEED" --work "$RUN/clean" --examples 0 || status=1
fi
exit $status
