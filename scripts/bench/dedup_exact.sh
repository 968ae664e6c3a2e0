#!/usr/bin/env bash
# Benchmark of exact line dedup: bitmill-dedup against `sort -u` and `awk '!seen[$0]++'`.
#
# Generates a deterministic synthetic corpus (default 1000 MB, MB = 10^6 bytes) with realistic
# duplicate structure, then measures wall time, throughput and peak RSS of each tool on it (page
# cache warmed first, no caches dropped), checks that the outputs agree, and prints a table.
#
# Usage: scripts/bench/dedup_exact.sh [options]
#   --size-mb N         corpus size in MB (10^6 bytes); default 1000
#   --work DIR          where the corpus and outputs go; the corpus there is reused when present
#                       (default: a mktemp dir under ${TMPDIR:-/tmp}, removed at exit)
#   --keep              keep the work dir (or, with --work, the outputs) at exit
#   --repeat N          run each command N times and report the best wall time (default 1)
#   --bin PATH          bitmill-dedup to test (default: build/bin/bitmill-dedup of this checkout)
#   --spill-memory SIZE --memory for the bitmill row that forces the spill path
#                       (default: 64M per 1000 MB of corpus, at least 1M)
#   --seed N            corpus seed (default 1)
#   -h, --help          this text
#
# Needs: bash, awk (mawk or gawk), GNU coreutils. Peak RSS comes from GNU time (/usr/bin/time,
# `apt-get install time`); without it (or with DEDUP_BENCH_POLL_RSS=1) the script polls VmHWM in
# /proc/PID/status instead.
# The table goes to stdout, progress to stderr. Exit status: 0 all outputs agree, 1 a mismatch
# or a failed command, 2 usage error.
set -euo pipefail
export LC_ALL=C

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SIZE_MB=1000
WORK=""
KEEP=0
REPEAT=1
BIN="$REPO_ROOT/build/bin/bitmill-dedup"
SPILL_MEM=auto
SEED=1
GEN_VERSION=1  # bump when the generator changes, so cached corpora are not reused

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; }
die() { echo "dedup_exact.sh: $*" >&2; exit 2; }
log() { echo "[bench] $*" >&2; }

while (($#)); do
  case $1 in
    --size-mb) SIZE_MB=${2:?--size-mb needs a value}; shift 2 ;;
    --work) WORK=${2:?--work needs a value}; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --repeat) REPEAT=${2:?--repeat needs a value}; shift 2 ;;
    --bin) BIN=${2:?--bin needs a value}; shift 2 ;;
    --spill-memory) SPILL_MEM=${2:?--spill-memory needs a value}; shift 2 ;;
    --seed) SEED=${2:?--seed needs a value}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done
[[ $SIZE_MB =~ ^[1-9][0-9]*$ ]] || die "--size-mb must be a positive integer"
[[ $REPEAT =~ ^[1-9][0-9]*$ ]] || die "--repeat must be a positive integer"
[[ $SEED =~ ^[0-9]+$ ]] || die "--seed must be a non-negative integer"
[[ -x $BIN ]] || die "bitmill-dedup not found or not executable: $BIN (build it first, or pass --bin)"
if [[ $SPILL_MEM == auto ]]; then
  SPILL_MEM="$(( SIZE_MB * 64 / 1000 > 1 ? SIZE_MB * 64 / 1000 : 1 ))M"
fi

# --- work dir and cleanup ---------------------------------------------------------------------
OWN_WORK=0
if [[ -z $WORK ]]; then
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/bitmill-bench.XXXXXX")
  OWN_WORK=1
else
  mkdir -p "$WORK"
  WORK=$(cd "$WORK" && pwd)
fi
RUN="$WORK/run.$$"  # outputs of this run
mkdir -p "$RUN/spill"
cleanup() {
  if ((KEEP)); then
    log "kept: $WORK"
  elif ((OWN_WORK)); then
    rm -rf "$WORK"
  else
    rm -rf "$RUN"
  fi
}
trap cleanup EXIT

# Snapshot the binary: the build tree may be rebuilt while the benchmark runs.
cp "$BIN" "$RUN/bitmill-dedup"
BITMILL="$RUN/bitmill-dedup"
BITMILL_VERSION=$("$BITMILL" --version 2>&1 | head -n1) || die "$BIN --version failed"

AWK_VERSION=$(awk -W version 2>&1 | head -n1 || true)
case $AWK_VERSION in
  mawk*) AWK_FLAVOR=mawk ;;
  GNU\ Awk*) AWK_FLAVOR=gawk ;;
  *) AWK_FLAVOR=awk ;;
esac

# --- corpus -----------------------------------------------------------------------------------
# Lines: 20-300 bytes (mean ~100); ~80% English-like ASCII words, ~8% German with umlauts, ~7%
# Cyrillic, ~5% CJK. Duplicate structure (each emitted line): 4% boilerplate from a hot set of
# 2000 lines (skewed), 17% a copy of one of the last 1024 lines (near), 17% a copy from a pool of
# 262144 earlier lines that is refreshed slowly (far: up to the whole corpus back), 2% a
# near-duplicate variant (trailing space, "* " prefix, upper case: distinct for exact dedup), the
# rest fresh. About 38% of the lines are duplicates.
gen_corpus() {
  awk -v seed="$SEED" -v size_mb="$SIZE_MB" '
function word(   r) {
  r = rand()
  if (r < 0.30) return fw[1 + int(rand() * nfw)]
  r = rand()
  return voc[int(NV * r * r)]
}
function phrase_en(   n, s, i) {
  n = 2 + int(rand() * 4); s = word()
  for (i = 1; i < n; i++) s = s " " word()
  return s
}
function phrase_de(   n, s, i) {
  n = 2 + int(rand() * 4); s = (rand() < 0.5) ? de[1 + int(rand() * nde)] : word()
  for (i = 1; i < n; i++) s = s " " ((rand() < 0.45) ? de[1 + int(rand() * nde)] : word())
  return s
}
function phrase_ru(   n, s, i) {
  n = 2 + int(rand() * 4); s = ru[1 + int(rand() * nru)]
  for (i = 1; i < n; i++) s = s " " ru[1 + int(rand() * nru)]
  return s
}
function phrase_zh(   n, s, i) {
  n = 2 + int(rand() * 4); s = zh[1 + int(rand() * nzh)]
  for (i = 1; i < n; i++) s = s zh[1 + int(rand() * nzh)]
  return s
}
function fresh(   t, r, s, x, k) {
  r = rand(); t = 19 + int(-log(1 - rand()) * 78); if (t > 250) t = 19 + int(rand() * 231)
  if (r < 0.80) {
    s = pen[int(rand() * NPE)]
    while (length(s) < t) { x = rand() * NPE; k = int(x); s = s ((x - k < 0.1) ? ", " : " ") pen[k] }
    return toupper(substr(s, 1, 1)) substr(s, 2) "."
  } else if (r < 0.88) {
    s = pde[int(rand() * NPX)]
    while (length(s) < t) { x = rand() * NPX; k = int(x); s = s ((x - k < 0.1) ? ", " : " ") pde[k] }
    return s "."
  } else if (r < 0.95) {
    s = pru[int(rand() * NPX)]
    while (length(s) < t) { x = rand() * NPX; k = int(x); s = s ((x - k < 0.1) ? ", " : " ") pru[k] }
    return s "."
  }
  s = pzh[int(rand() * NPX)]
  while (length(s) < t) { x = rand() * NPX; k = int(x); s = s ((x - k < 0.2) ? "，" : "") pzh[k] }
  return s "。"
}
BEGIN {
  srand(seed)
  target = size_mb * 1000000
  ns = split("ba be bi bo bu ca ce ci co da de di do du el en er es fa fe fi ga ge go ha he hi ho in is it ka ke ki ko la le li lo lu ma me mi mo mu na ne ni no nu on or pa pe pi po pu ra re ri ro ru sa se si so st su ta te ti to tu th ve vi wa we wi ya yo za ze zi ck ng sh", syl, " ")
  nfw = split("the of and to in a is that for it as was with be by on not he this are or his from at which but have an they you were their one all we can her has there been if more when will would who so no", fw, " ")
  nde = split("über schön Größe Straße Mädchen Bücher Käse fünf Tür Öl müssen können Häuser Brücke grün Frühling natürlich während für Übersetzung Qualität Gebäude Lösung Öffnung Bürger gemäß außerdem Prüfung Gespräch", de, " ")
  nru = split("привет мир город книга время человек работа дом язык страна жизнь день рука глаз вопрос слово место лицо друг сторона и в не на что с как это по но он она они мы год", ru, " ")
  nzh = split("中国 我们 时间 世界 工作 日本語 東京 学生 电脑 今天 数据 翻译 语言 模型 问题 发展 经济 社会 文化 历史 的 是 了 在 和 有 一个 这个 他们 可以", zh, " ")
  NV = 40000
  for (i = 0; i < NV; i++) { n = 1 + int(rand() * 3.3); w = ""; for (j = 0; j < n; j++) w = w syl[1 + int(rand() * ns)]; voc[i] = w }
  NPE = 131072; NPX = 16384
  for (i = 0; i < NPE; i++) pen[i] = phrase_en()
  for (i = 0; i < NPX; i++) { pde[i] = phrase_de(); pru[i] = phrase_ru(); pzh[i] = phrase_zh() }
  NH = 2000; for (i = 0; i < NH; i++) hot[i] = fresh()
  NR = 1024; NF = 262144
  nl = 0; nf = 0; bytes = 0
  while (bytes < target) {
    u = rand()
    if (u < 0.04) { r = rand(); line = hot[int(NH * r * r)] }
    else if (u < 0.21 && nl > 0) line = ring[int(rand() * (nl < NR ? nl : NR))]
    else if (u < 0.38 && nf > 0) line = far[int(rand() * (nf < NF ? nf : NF))]
    else if (u < 0.40 && nl > 0) {
      line = ring[int(rand() * (nl < NR ? nl : NR))]; r = rand()
      if (r < 0.4) line = line " "; else if (r < 0.7) line = "* " line; else line = toupper(line)
    } else {
      line = fresh()
      if (nf < NF) far[nf++] = line; else if (rand() < 0.05) far[int(rand() * NF)] = line
    }
    ring[nl % NR] = line; nl++
    print line
    bytes += length(line) + 1
  }
}'
}

CORPUS="$WORK/corpus-${SIZE_MB}MB-seed${SEED}-${AWK_FLAVOR}-v${GEN_VERSION}.txt"
GEN_NOTE="cached"
if [[ -s $CORPUS ]]; then
  log "reusing corpus $CORPUS"
else
  log "generating ${SIZE_MB} MB corpus with $AWK_FLAVOR (seed $SEED) -> $CORPUS"
  t0=$EPOCHREALTIME
  gen_corpus >"$CORPUS.partial"
  mv "$CORPUS.partial" "$CORPUS"
  GEN_NOTE="generated in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s"
fi
CORPUS_BYTES=$(stat -c %s "$CORPUS")
CORPUS_LINES=$(wc -l <"$CORPUS")

# --- measuring --------------------------------------------------------------------------------
HAVE_GNU_TIME=0
RSS_NOTE="GNU time %M"
if [[ -z ${DEDUP_BENCH_POLL_RSS:-} && -x /usr/bin/time ]] && /usr/bin/time -f '%M' -o /dev/null true >/dev/null 2>&1; then
  HAVE_GNU_TIME=1
else
  RSS_NOTE="polled VmHWM (approximate; apt-get install time for exact numbers)"
  log "GNU time (/usr/bin/time) not found: peak RSS is polled from /proc/PID/status VmHWM every"
  log "10-50 ms, which can miss short peaks and adds up to 50 ms to wall times."
  log "For exact numbers: apt-get install time"
fi

# run_once STDOUT STDERR CMD...: sets R_WALL (s), R_RSS_KB and R_RC.
run_once() {
  local out=$1 err=$2 t0 t1
  shift 2
  if ((HAVE_GNU_TIME)); then
    t0=$EPOCHREALTIME
    set +e
    /usr/bin/time -f '%M' -o "$RUN/.time" "$@" >"$out" 2>"$err"
    R_RC=$?
    set -e
    t1=$EPOCHREALTIME
    R_RSS_KB=$(tail -n1 "$RUN/.time")
    [[ $R_RSS_KB =~ ^[0-9]+$ ]] || R_RSS_KB=0
  else
    local pid peak=0 k v state polls=0
    t0=$EPOCHREALTIME
    "$@" >"$out" 2>"$err" &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
      state=""
      if [[ -r /proc/$pid/status ]]; then
        while read -r k v _; do
          case $k in
            State:) state=$v ;;
            VmHWM:) ((v > peak)) && peak=$v; break ;;
          esac
        done <"/proc/$pid/status" 2>/dev/null || true
      fi
      [[ $state == Z ]] && break
      # 10 ms polls for the first second, then 50 ms (the wall time is only as exact as the poll)
      if ((polls++ < 100)); then sleep 0.01; else sleep 0.05; fi
    done
    set +e
    wait "$pid"
    R_RC=$?
    set -e
    t1=$EPOCHREALTIME
    R_RSS_KB=$peak
  fi
  R_WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
}

LABELS=() WALLS=() RSSES=() STATUS=()
FAILED=0
# measure LABEL STDOUT CMD...: best wall of $REPEAT runs, max RSS over them.
measure() {
  local label=$1 out=$2 i best="" rss=0 err
  shift 2
  err="$RUN/err.${#LABELS[@]}"
  for ((i = 1; i <= REPEAT; i++)); do
    log "run $i/$REPEAT: $label"
    sync  # write back the previous outputs now, not during this run
    run_once "$out" "$err" "$@"
    if ((R_RC != 0)); then
      log "FAILED (exit $R_RC): $label"
      sed 's/^/    /' "$err" | tail -n 20 >&2
      FAILED=1
      LABELS+=("$label") WALLS+=("") RSSES+=("") STATUS+=("FAILED (exit $R_RC)")
      return 0
    fi
    if [[ -z $best ]] || awk -v a="$R_WALL" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$R_WALL; fi
    ((R_RSS_KB > rss)) && rss=$R_RSS_KB
  done
  LABELS+=("$label") WALLS+=("$best") RSSES+=("$rss") STATUS+=("ok")
}

NPROC=$(nproc)
CPU_MODEL=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
[[ -n $CPU_MODEL ]] || CPU_MODEL=$(uname -m)
MEM_TOTAL=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
SORT_VERSION=$(sort --version | head -n1)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

log "warming the page cache"
cat "$CORPUS" >/dev/null

OUT_B="$RUN/bitmill.txt" OUT_BS="$RUN/bitmill-spill.txt" OUT_S="$RUN/sort.txt" OUT_SP="$RUN/sort-par.txt"
OUT_A="$RUN/awk.txt"
measure "bitmill-dedup -q ($NPROC threads, default memory)" /dev/null "$BITMILL" -q -o "$OUT_B" "$CORPUS"
I_B=0
measure "bitmill-dedup --memory $SPILL_MEM (spill)" /dev/null \
  "$BITMILL" -v --memory "$SPILL_MEM" --tmp-dir "$RUN/spill" -o "$OUT_BS" "$CORPUS"
I_BS=1
SPILL_LOG="$RUN/err.$I_BS"
measure "LC_ALL=C sort -u" /dev/null sort -u -o "$OUT_S" "$CORPUS"
measure "LC_ALL=C sort -u --parallel=$NPROC -S 2G" /dev/null sort -u --parallel="$NPROC" -S 2G -o "$OUT_SP" "$CORPUS"
measure "awk '!seen[\$0]++' ($AWK_FLAVOR)" "$OUT_A" awk '!seen[$0]++' "$CORPUS"
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# Did the spill row spill? (-v logs "memory budget ... reached: N lines spilled in K sorted runs")
SPILL_INFO=$(grep -o 'memory budget .* reached: .*' "$SPILL_LOG" 2>/dev/null | head -n1 || true)
if [[ ${STATUS[$I_BS]} == ok && -z $SPILL_INFO ]]; then
  LABELS[I_BS]="${LABELS[I_BS]%(spill)}(did NOT spill)"
fi

# --- verification -----------------------------------------------------------------------------
log "verifying outputs"
VERIFY=()
MISMATCH=0
check() {  # check DESCRIPTION FILE_A FILE_B
  local desc=$1 a=$2 b=$3
  if [[ ! -f $a || ! -f $b ]]; then
    VERIFY+=("SKIPPED   $desc (an output is missing)")
    MISMATCH=1
  elif cmp -s "$a" "$b"; then
    VERIFY+=("OK        $desc")
  else
    local first_diff
    first_diff=$(cmp "$a" "$b" 2>&1 | head -n1 || true)
    VERIFY+=("MISMATCH  $desc: ${first_diff#cmp: }")
    MISMATCH=1
  fi
}
check "bitmill-dedup output == awk '!seen[\$0]++' output (cmp, byte for byte)" "$OUT_B" "$OUT_A"
check "bitmill-dedup --memory $SPILL_MEM output == awk output (cmp)" "$OUT_BS" "$OUT_A"
if [[ -f $OUT_B ]]; then
  sort -S 1G --parallel="$NPROC" -o "$RUN/bitmill.sorted" "$OUT_B"
fi
check "LC_ALL=C sort of bitmill-dedup output == sort -u output (cmp)" "$RUN/bitmill.sorted" "$OUT_S"
check "sort -u --parallel=$NPROC -S 2G output == sort -u output (cmp)" "$OUT_SP" "$OUT_S"

UNIQUE_LINES=""
[[ -f $OUT_A ]] && UNIQUE_LINES=$(wc -l <"$OUT_A")
[[ -z $UNIQUE_LINES && -f $OUT_B ]] && UNIQUE_LINES=$(wc -l <"$OUT_B")

# --- report -----------------------------------------------------------------------------------
mbps() { awk -v b="$CORPUS_BYTES" -v s="$1" 'BEGIN { printf "%.1f", b / 1e6 / s }'; }
echo "# machine: nproc=$NPROC, CPU: $CPU_MODEL, RAM $MEM_TOTAL, loadavg before/after: $LOAD_BEFORE / $LOAD_AFTER"
echo "# tools: $BITMILL_VERSION; $SORT_VERSION; awk = $AWK_VERSION; LC_ALL=C for every command"
printf '# corpus: %s (%s): %s bytes (%.1f MB), %s lines, mean %.1f bytes/line' \
  "$(basename "$CORPUS")" "$GEN_NOTE" "$CORPUS_BYTES" "$(awk -v b="$CORPUS_BYTES" 'BEGIN { print b / 1e6 }')" \
  "$CORPUS_LINES" "$(awk -v b="$CORPUS_BYTES" -v l="$CORPUS_LINES" 'BEGIN { print (b - l) / l }')"
if [[ -n $UNIQUE_LINES ]]; then
  printf ', %s unique (%.1f%% duplicate lines)' "$UNIQUE_LINES" \
    "$(awk -v u="$UNIQUE_LINES" -v l="$CORPUS_LINES" 'BEGIN { print 100 * (l - u) / l }')"
fi
echo
echo "# method: best wall of $REPEAT run(s), page cache warmed with cat, sync between runs; MB = 10^6 bytes;"
echo "#         peak RSS = max resident set size ($RSS_NOTE); outputs written to $(df -P "$RUN" | awk 'NR == 2 { print $1 }');"
echo "#         bitmill-dedup default --memory = min(4G, RAM/2); -t 0 = all cores"
if [[ -n $SPILL_INFO ]]; then
  echo "# spill row (bitmill-dedup -v): $SPILL_INFO"
fi
echo
printf '%-46s %9s %9s %14s\n' "tool" "wall s" "MB/s" "peak RSS MiB"
for i in "${!LABELS[@]}"; do
  if [[ ${STATUS[i]} == ok ]]; then
    printf '%-46s %9.2f %9s %14s\n' "${LABELS[i]}" "${WALLS[i]}" "$(mbps "${WALLS[i]}")" \
      "$(awk -v k="${RSSES[i]}" 'BEGIN { printf "%.1f", k / 1024 }')"
  else
    printf '%-46s %s\n' "${LABELS[i]}" "${STATUS[i]}"
  fi
done
echo
echo "throughput ratios (bitmill-dedup MB/s / peer MB/s):"
W=0 P=0
for i in "${!LABELS[@]}"; do
  if ((i < 2)); then ((${#LABELS[i]} > W)) && W=${#LABELS[i]}; else ((${#LABELS[i]} > P)) && P=${#LABELS[i]}; fi
done
for b in $I_B $I_BS; do
  [[ ${STATUS[b]} == ok ]] || continue
  for ((i = 2; i < ${#LABELS[@]}; i++)); do
    [[ ${STATUS[i]} == ok ]] || continue
    printf '  %-*s / %-*s %6.1fx\n' "$W" "${LABELS[b]}" "$((P + 1))" "${LABELS[i]}:" \
      "$(awk -v p="${WALLS[i]}" -v q="${WALLS[b]}" 'BEGIN { print p / q }')"
  done
done
echo
echo "verification:"
for v in "${VERIFY[@]}"; do echo "  $v"; done
echo "  note: sort -u does not keep input order, so its output is compared with bitmill's after sorting"

if ((MISMATCH || FAILED)); then
  echo "RESULT: MISMATCH or FAILED (see above)"
  exit 1
fi
echo "RESULT: OK"
