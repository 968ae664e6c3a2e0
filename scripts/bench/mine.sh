#!/usr/bin/env bash
# Benchmark of exact margin mining: bitmill-mine against the independent numpy reference
# (tests/reference/mine_reference.py: LASER's mine_bitexts.py definitions, with faiss's
# IndexFlatIP when python3-faiss is installed, else an exact numpy/OpenBLAS search), measured in
# the same run on the same data.
#
# Data: N source and N target random unit vectors of 1024 dimensions, as fp16 .npy files written
# by numpy in blocks, and one text line per row. Both engines mine them with k = 4, the ratio
# margin and max retrieval (--ids), on the same number of threads (OMP_NUM_THREADS and
# OPENBLAS_NUM_THREADS for the reference, -t for bitmill). Reported: wall seconds, peak RSS (GNU
# time %M), the time ratio, the size of the embeddings on disk, and whether both give the same
# pairs (and the largest score difference between them). The exact search is quadratic: at the default size each engine does
# 2 x 200000^2 x 1024 multiply-adds, about half an hour for the reference on 2 cores.
#
# Usage: scripts/bench/mine.sh [options]
#   --n N          rows per side (default 200000)
#   --dim D        dimensions (default 1024)
#   --threads N    threads of each engine (default 2)
#   --seed N       data seed (default 1)
#   --bin PATH     bitmill-mine to test (default: build/bin/bitmill-mine of this checkout; copied
#                  first, so a rebuild during the run does not change it)
#   --work DIR     work dir; data generated there earlier is reused (default: a mktemp dir under
#                  ${TMPDIR:-/tmp}, removed at exit)
#   --keep         keep the work dir (or, with --work, this run's outputs)
#   -h, --help     this text
#
# Needs /usr/bin/python3 with python3-numpy, and GNU time (/usr/bin/time, `apt-get install
# time`). The machine should be otherwise idle. The table goes to stdout, progress to stderr.
# Exit status: 0 the outputs have the same pairs, 1 they differ or an engine failed, 2 usage error.
set -euo pipefail
export LC_ALL=C.UTF-8

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
REF="$REPO_ROOT/tests/reference/mine_reference.py"
PY=/usr/bin/python3
N=200000
DIM=1024
THREADS=2
SEED=1
BIN="$REPO_ROOT/build/bin/bitmill-mine"
WORK=""
KEEP=0

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; }
die() { echo "mine.sh: $*" >&2; exit 2; }
log() { echo "[bench] $*" >&2; }

while (($#)); do
  case $1 in
    --n) N=${2:?--n needs a value}; shift 2 ;;
    --dim) DIM=${2:?--dim needs a value}; shift 2 ;;
    --threads) THREADS=${2:?--threads needs a value}; shift 2 ;;
    --seed) SEED=${2:?--seed needs a value}; shift 2 ;;
    --bin) BIN=${2:?--bin needs a path}; shift 2 ;;
    --work) WORK=${2:?--work needs a directory}; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done
for v in N DIM THREADS; do
  [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "--$(tr 'A-Z' 'a-z' <<<"$v") must be a positive integer"
done
[[ $SEED =~ ^[0-9]+$ ]] || die "--seed must be a non-negative integer"
[[ -x $BIN ]] || die "bitmill-mine not found or not executable: $BIN (build it first, or pass --bin)"
[[ -x $PY ]] && $PY -c 'import numpy' 2>/dev/null || die "$PY with numpy is needed (apt-get install python3-numpy)"
/usr/bin/time -f '%M' -o /dev/null true 2>/dev/null || die "GNU time is needed for peak RSS (apt-get install time)"

OWN_WORK=0
if [[ -z $WORK ]]; then
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/bitmill-mine-bench.XXXXXX")
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

# Snapshot the binary: the build tree may be rebuilt while the benchmark runs.
BM="$RUN/bitmill-mine"
cp "$BIN" "$BM"
BM_VERSION=$("$BM" --version 2>&1 | head -n 1) || die "$BIN --version failed"
export PYTHONDONTWRITEBYTECODE=1

# --- data -------------------------------------------------------------------------------------
DATA="$WORK/data-n$N-d$DIM-f16-seed$SEED"
if [[ -f $DATA/tgt.npy ]]; then
  GEN_NOTE="cached"
  log "reusing $DATA"
else
  log "generating $N x $N unit vectors of $DIM dimensions (fp16) -> $DATA"
  t0=$EPOCHREALTIME
  rm -rf "$DATA.partial"
  $PY "$REF" make-data "$DATA.partial" --n-src "$N" --n-tgt "$N" --dim "$DIM" --dtype f16 --unit --seed "$SEED"
  mv "$DATA.partial" "$DATA"
  GEN_NOTE="generated in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s"
fi
EMB_BYTES=$(($(stat -c %s "$DATA/src.npy") + $(stat -c %s "$DATA/tgt.npy")))
INPUTS=(--src "$DATA/src.txt" --tgt "$DATA/tgt.txt" --src-emb "$DATA/src.npy" --tgt-emb "$DATA/tgt.npy")

# --- measuring --------------------------------------------------------------------------------
# measure LABEL CMD...: sets WALL (s), RSS_MB and RC; stderr goes to $RUN/LABEL.err.
measure() {
  local label=$1 t0 t1 kb
  shift
  log "running $label"
  sync
  t0=$EPOCHREALTIME
  set +e
  /usr/bin/time -f '%M' -o "$RUN/$label.time" "$@" 2>"$RUN/$label.err"
  RC=$?
  set -e
  t1=$EPOCHREALTIME
  WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
  kb=$(tail -n 1 "$RUN/$label.time")
  [[ $kb =~ ^[0-9]+$ ]] || kb=0
  RSS_MB=$(awk -v k="$kb" 'BEGIN { printf "%.0f", k / 1024 }')
  if ((RC != 0)); then
    log "FAILED (exit $RC): $label"
    tail -n 5 "$RUN/$label.err" | sed 's/^/    /' >&2
  fi
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
cat "$DATA"/*.npy "$DATA"/*.txt >/dev/null  # warm the page cache for both engines alike
status=0
measure bitmill "$BM" -q "${INPUTS[@]}" -k 4 --margin ratio --retrieval max --ids -t "$THREADS" \
  -o "$RUN/bitmill.tsv"
B_WALL=$WALL B_RSS=$RSS_MB B_RC=$RC
measure reference env OMP_NUM_THREADS="$THREADS" OPENBLAS_NUM_THREADS="$THREADS" MKL_NUM_THREADS="$THREADS" \
  $PY "$REF" mine "${INPUTS[@]}" -k 4 --margin ratio --retrieval max --ids -o "$RUN/reference.tsv"
R_WALL=$WALL R_RSS=$RSS_MB R_RC=$RC
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
((B_RC == 0 && R_RC == 0)) || status=1

# --- report -----------------------------------------------------------------------------------
CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
BACKEND=$(cd "$REPO_ROOT/tests/reference" && $PY -c 'import mine_reference as m, numpy; print(f"numpy {numpy.__version__}, k-NN: {m.knn_backend()}")')
echo "bitmill-mine benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $THREADS threads per engine"
echo "machine:   ${CPU:-?} ($(nproc) cores, $(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)), load average before/after: $LOAD_BEFORE / $LOAD_AFTER"
echo "bitmill:   $BM_VERSION ($BIN, copied)"
echo "reference: tests/reference/mine_reference.py, Python $($PY -c 'import platform; print(platform.python_version())'), $BACKEND"
awk -v n="$N" -v d="$DIM" -v b="$EMB_BYTES" -v g="$GEN_NOTE" -v s="$SEED" 'BEGIN {
  printf "data:      %d x %d random unit vectors of %d dimensions (seed %d, %s); embeddings on disk: %.1f MB (fp16 .npy, both sides)\n", n, n, d, s, g, b / 1e6 }'
echo "task:      exact k-NN both ways, k = 4, ratio margin, max retrieval, --ids"
echo
fmt='%-36s %10s %14s %14s\n'
printf "$fmt" "engine" "wall (s)" "peak RSS (MB)" "time ratio"
row() {  # label wall rss rc
  local ratio="-"
  if (($4 != 0)); then
    printf "$fmt" "$1" "FAILED" "(exit $4)" "-"
    return
  fi
  if ((B_RC == 0)); then ratio=$(awk -v a="$2" -v b="$B_WALL" 'BEGIN { printf "%.2fx", a / b }'); fi
  printf "$fmt" "$1" "$2" "$3" "$ratio"
}
row "bitmill-mine -t $THREADS" "$B_WALL" "$B_RSS" "$B_RC"
row "reference ($THREADS BLAS/OpenMP threads)" "$R_WALL" "$R_RSS" "$R_RC"
echo "(time ratio: wall time / bitmill's wall time)"
echo

if ((status == 0)); then
  $PY - "$RUN/reference.tsv" "$RUN/bitmill.tsv" <<'PY' || status=1
import sys

def load(path):
    rows = []
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        for line in f:
            c = line.split("\t", 3)
            rows.append(((int(c[1]), int(c[2])), float(c[0])))
    return rows

ref, got = load(sys.argv[1]), load(sys.argv[2])
rs, gs = dict(ref), dict(got)
only_ref, only_got = rs.keys() - gs.keys(), gs.keys() - rs.keys()
common = rs.keys() & gs.keys()
diff = max((abs(rs[k] - gs[k]) for k in common), default=0.0)
# Rows whose reference scores are within 1e-5 may come in either order (float rounding).
gk = [k for k, _ in got]
in_order = not only_ref and not only_got and all(rs[a] >= rs[b] - 1e-5 for a, b in zip(gk, gk[1:]))
print(f"agreement: reference {len(ref)} pairs, bitmill {len(got)} pairs; ", end="")
if only_ref or only_got:
    print(f"same pairs: NO ({len(only_ref)} only in the reference, {len(only_got)} only in bitmill; "
          f"e.g. reference {sorted(only_ref)[:3]}, bitmill {sorted(only_got)[:3]})")
else:
    print(f"same pairs: yes, in the same order (up to scores within 1e-5): {'yes' if in_order else 'NO'}")
print(f"           largest |score difference| over the {len(common)} common pairs: {diff:.2g}")
sys.exit(0 if not only_ref and not only_got and in_order else 1)
PY
else
  echo "agreement: not checked (an engine failed; see above)"
fi
exit $status
