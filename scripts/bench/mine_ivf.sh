#!/usr/bin/env bash
# Benchmark of approximate mining at scale: bitmill-index builds an IVF-PQ index of each side,
# then bitmill-mine searches them both ways (--src-index/--tgt-index) and mines. Reported: wall
# time and peak RSS of each step, and the recall@k of the forward search (source rows in the target
# index) against exact search, measured on a sample of source rows: for each sampled row, the
# share of its exact k nearest targets (numpy, f32, brute force over every target) that the index
# search returns (bitmill-index search, the same search bitmill-mine runs).
#
# Data: N source and N target random unit vectors (1024-d fp16 .npy, tests/reference/
# mine_reference.py make-data), with P planted pairs (a target near a source, as translations are);
# random vectors are the hardest case for IVF and PQ (no clusters, no low-rank structure).
#
# Usage: scripts/bench/mine_ivf.sh [options]
#   --n N            rows per side (default 2000000)
#   --dim D          dimensions (default 1024)
#   --planted P      planted pairs (default: N / 10)
#   --factory STR    FAISS factory (default OPQ64_256,IVF4096,PQ64)
#   --train-size N   rows sampled for training (default 131072)
#   --nprobe N       IVF lists visited per query (default 16)
#   --sample N       source rows for the recall measure (default 1000)
#   -k N             neighbours (default 4)
#   --threads N      threads (default 2)
#   --work DIR       work dir; data and indexes made there earlier are reused (default: a mktemp dir
#                    under ${TMPDIR:-/tmp}, removed at exit)
#   --keep           keep the work dir
#   -h, --help       this text
#
# Needs /usr/bin/python3 with numpy and GNU time. Disk: 2 x N x D x 2 bytes for the data (8 GB at
# the default) plus the indexes. The machine should be otherwise idle. Table to stdout, progress
# to stderr. Exit status: 0 done, 1 a step failed, 2 usage error.
set -euo pipefail
export LC_ALL=C.UTF-8

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
REF="$REPO_ROOT/tests/reference/mine_reference.py"
PY=/usr/bin/python3
BIN="$REPO_ROOT/build/bin"
N=2000000
DIM=1024
PLANTED=""
FACTORY="OPQ64_256,IVF4096,PQ64"
TRAIN=131072
NPROBE=16
SAMPLE=1000
K=4
THREADS=2
WORK=""
KEEP=0

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; }
die() { echo "mine_ivf.sh: $*" >&2; exit 2; }
log() { echo "[bench] $*" >&2; }

while (($#)); do
  case $1 in
    --n) N=${2:?}; shift 2 ;;
    --dim) DIM=${2:?}; shift 2 ;;
    --planted) PLANTED=${2:?}; shift 2 ;;
    --factory) FACTORY=${2:?}; shift 2 ;;
    --train-size) TRAIN=${2:?}; shift 2 ;;
    --nprobe) NPROBE=${2:?}; shift 2 ;;
    --sample) SAMPLE=${2:?}; shift 2 ;;
    -k) K=${2:?}; shift 2 ;;
    --threads) THREADS=${2:?}; shift 2 ;;
    --work) WORK=${2:?}; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done
PLANTED=${PLANTED:-$((N / 10))}
for v in N DIM TRAIN NPROBE SAMPLE K THREADS; do
  [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "${v,,} must be a positive integer"
done
for t in bitmill-index bitmill-mine; do [[ -x $BIN/$t ]] || die "$BIN/$t not found (build first)"; done
$PY -c 'import numpy' 2>/dev/null || die "$PY with numpy is needed (apt-get install python3-numpy)"
/usr/bin/time -f '%M' -o /dev/null true 2>/dev/null || die "GNU time is needed (apt-get install time)"

OWN_WORK=0
if [[ -z $WORK ]]; then
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/bitmill-ivf-bench.XXXXXX")
  OWN_WORK=1
else
  mkdir -p "$WORK"
  WORK=$(cd "$WORK" && pwd)
fi
cleanup() { if ((KEEP)); then log "kept: $WORK"; elif ((OWN_WORK)); then rm -rf "$WORK"; fi; }
trap cleanup EXIT
# Snapshot the binaries: the build tree may be rebuilt while the benchmark runs.
mkdir -p "$WORK/bin"
cp "$BIN/bitmill-index" "$BIN/bitmill-mine" "$WORK/bin/"
BIN="$WORK/bin"

DATA="$WORK/data-n$N-d$DIM-p$PLANTED"
if [[ ! -f $DATA/tgt.npy ]]; then
  log "generating $N x $N unit vectors of $DIM dimensions, $PLANTED planted pairs -> $DATA"
  rm -rf "$DATA.partial"
  $PY "$REF" make-data "$DATA.partial" --n-src "$N" --n-tgt "$N" --dim "$DIM" --planted "$PLANTED" \
    --noise 1.0 --dtype f16 --unit --seed 1
  mv "$DATA.partial" "$DATA"
fi

ROWS=()
# step LABEL CMD...: runs CMD timed (wall, peak RSS) and adds a table row; stderr to $WORK/LABEL.err.
step() {
  local label=$1 t0 t1 kb rc
  shift
  log "running: $label"
  t0=$EPOCHREALTIME
  set +e
  /usr/bin/time -f '%M' -o "$WORK/$label.time" "$@" 2>"$WORK/$label.err"
  rc=$?
  set -e
  t1=$EPOCHREALTIME
  kb=$(tail -n 1 "$WORK/$label.time")
  if ((rc != 0)); then
    tail -n 5 "$WORK/$label.err" >&2
    die "step failed (exit $rc): $label"
  fi
  ROWS+=("$(printf '%-44s %10.1f %14.0f' "$label" "$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}')" \
    "$(awk -v k="$kb" 'BEGIN{print k/1024}')")")
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
IDX=(--factory "$FACTORY" --train-size "$TRAIN" -t "$THREADS" --force)
step "bitmill-index source ($FACTORY)" "$BIN/bitmill-index" "${IDX[@]}" -o "$WORK/src.faiss" "$DATA/src.npy"
step "bitmill-index target" "$BIN/bitmill-index" "${IDX[@]}" -o "$WORK/tgt.faiss" "$DATA/tgt.npy"
step "bitmill-mine over both (nprobe $NPROBE, k $K)" "$BIN/bitmill-mine" --src "$DATA/src.txt" \
  --tgt "$DATA/tgt.txt" --src-emb "$DATA/src.npy" --tgt-emb "$DATA/tgt.npy" --src-index "$WORK/src.faiss" \
  --tgt-index "$WORK/tgt.faiss" --nprobe "$NPROBE" -k "$K" -t "$THREADS" --ids -o "$WORK/mined.tsv"

# Recall@k of the forward search on a sample of source rows, against numpy brute force.
log "recall@$K on $SAMPLE sampled source rows"
$PY - "$DATA" "$WORK" "$SAMPLE" "$K" <<'PY'
import sys
import numpy as np
data, work, n, k = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
x = np.load(f"{data}/src.npy", mmap_mode="r")
y = np.load(f"{data}/tgt.npy", mmap_mode="r")
rows = np.sort(np.random.default_rng(7).choice(len(x), n, replace=False))
q = x[rows].astype(np.float32)
q /= np.linalg.norm(q, axis=1, keepdims=True)
np.save(f"{work}/queries.npy", q)
np.save(f"{work}/query_rows.npy", rows)
best_s = np.full((n, k), -np.inf, np.float32)
best_i = np.zeros((n, k), np.int64)
for s in range(0, len(y), 65536):
    b = y[s:s + 65536].astype(np.float32)
    b /= np.linalg.norm(b, axis=1, keepdims=True)
    sims = q @ b.T
    cs = np.concatenate([best_s, sims], axis=1)
    ci = np.concatenate([best_i, np.arange(s, s + len(b))[None, :].repeat(n, 0)], axis=1)
    top = np.argsort(-cs, axis=1, kind="stable")[:, :k]
    best_s = np.take_along_axis(cs, top, 1)
    best_i = np.take_along_axis(ci, top, 1)
np.save(f"{work}/exact_ids.npy", best_i)
PY
"$BIN/bitmill-index" search --index "$WORK/tgt.faiss" --queries "$WORK/queries.npy" -k "$K" --nprobe "$NPROBE" \
  -t "$THREADS" -o "$WORK/approx.tsv" 2>"$WORK/search.err"
RECALL=$($PY - "$WORK" "$K" <<'PY'
import sys
import numpy as np
work, k = sys.argv[1], int(sys.argv[2])
exact = np.load(f"{work}/exact_ids.npy")
got = [set() for _ in range(len(exact))]
for line in open(f"{work}/approx.tsv"):
    q, rank, i, sim = line.rstrip("\n").split("\t")[:4]
    got[int(q)].add(int(i))
hits = sum(len(set(e.tolist()) & g) for e, g in zip(exact, got))
print(f"{hits / exact.size:.4f}")
PY
)
PAIRS=$(wc -l <"$WORK/mined.tsv")
PLANTED_FOUND=$(awk -F'\t' 'NR==FNR { g[$1"\t"$2] = 1; next } ($2"\t"$3) in g { n++ } END { print n + 0 }' \
  "$DATA/gold.tsv" "$WORK/mined.tsv")

echo "bitmill approximate mining benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $THREADS threads"
echo "machine:  $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //') ($(nproc) cores)," \
  "load average before/after: $LOAD_BEFORE / $(cut -d' ' -f1-3 /proc/loadavg)"
echo "bitmill:  $("$BIN/bitmill-mine" --version 2>&1 | head -n 1)"
echo "data:     $N x $N random unit vectors of $DIM dimensions (fp16), $PLANTED planted pairs"
echo "index:    $FACTORY, trained on $TRAIN rows; search nprobe $NPROBE, k $K"
echo
printf '%-44s %10s %14s\n' step "wall (s)" "peak RSS (MB)"
printf '%s\n' "${ROWS[@]}"
echo
echo "recall@$K of the forward search against exact search, on $SAMPLE sampled source rows: $RECALL"
echo "mined pairs (max retrieval, no threshold): $PAIRS; planted pairs among them: $PLANTED_FOUND of $PLANTED"
