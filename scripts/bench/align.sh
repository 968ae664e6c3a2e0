#!/usr/bin/env bash
# Benchmark of bitmill-align against an independent NumPy implementation of the same exact
# alignment (tests/reference/align_reference.py), on test sets built from ordered parallel news
# text with realistic damage (scripts/bench/align_util.py make: merges, splits, 5% deletions, 2%
# insertions, gold beads kept), with the same overlap embeddings for both (bitmill-embed), and on
# one long document pair (bounded memory: peak RSS and time), and document pairing (bitmill-align
# pair) on 1,000 documents per side of which 80% have a translation on the other side.
#
# Prints, per language pair: the test set's shape, strict and lax precision/recall/F1 of both
# (vecalign's score.py definitions) and the alignment time of both (embedding not counted; it is
# the same for both), with the ratio; then the long pair's time and peak RSS, exact programme
# excluded (coarse to fine).
#
# Usage: scripts/bench/align.sh [options]
#   --pairs "deu-eng ..."  language pairs from the data dir (default: "deu-eng ces-eng eng-fra eng-rus")
#   --data DIR             where <pair>.tsv.zst are (default: ../shared/data/train beside the checkout)
#   --docs N               documents per pair (default 40)
#   --long N               sentences of the long document pair (default 20000; 0 skips it)
#   --model DIR            encoder for the overlaps (default: the bundled default model)
#   --build DIR            the build tree (default: build/)
#   --work DIR             work dir (default: a temporary one, removed at exit)
#   -h, --help             this text
# Needs /usr/bin/python3 with numpy, and zstd. The table goes to stdout, progress to stderr.
set -euo pipefail
export LC_ALL=C.UTF-8

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PY=/usr/bin/python3
PAIRS="deu-eng ces-eng eng-fra eng-rus"
DATA="$REPO_ROOT/../shared/data/train"
DOCS=40
LONG=20000
MODEL=()
BUILD="$REPO_ROOT/build"
WORK=""

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; }
die() { echo "align.sh: $*" >&2; exit 2; }
log() { echo "[bench] $*" >&2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --pairs) PAIRS=${2:?}; shift 2 ;;
    --data) DATA=${2:?}; shift 2 ;;
    --docs) DOCS=${2:?}; shift 2 ;;
    --long) LONG=${2:?}; shift 2 ;;
    --model) MODEL=(--model "${2:?}"); shift 2 ;;
    --build) BUILD=${2:?}; shift 2 ;;
    --work) WORK=${2:?}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option: $1 (see --help)" ;;
  esac
done
[ -d "$DATA" ] || die "no data directory $DATA (--data)"
B="$BUILD/bin"
[ -x "$B/bitmill-align" ] || die "no $B/bitmill-align: build first (cmake --build build)"
if [ -z "$WORK" ]; then
  WORK=$(mktemp -d)
  trap 'rm -rf "$WORK"' EXIT
fi
mkdir -p "$WORK"

# Overlaps of both sides embedded once; the alignment of each engine timed on them.
embed_side() {  # dir side
  "$B/bitmill-align" overlaps -q --src "$1/$2.txt" -o "$1/$2.ov"
  "$B/bitmill-embed" -q "${MODEL[@]}" -o "$1/$2.npy" "$1/$2.ov"
}
seconds() { local t0=$1; echo "$(date +%s.%N) - $t0" | bc; }
f() { $PY -c 'import json,sys; s=json.loads(sys.argv[1]); print("%.3f / %.3f" % (s["strict"]["f1"], s["lax"]["f1"]))' "$1"; }

echo "bitmill-align benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'); $(grep -m1 '^model name' /proc/cpuinfo | sed 's/.*: //') ($(nproc) cores)"
echo "encoder: ${MODEL[1]:-the bundled default model}; peer: tests/reference/align_reference.py (NumPy, exact programme)"
printf '%-8s %5s %6s %6s  %-26s %-26s %8s %8s %7s\n' pair docs src tgt "bitmill strict/lax F1" "reference strict/lax F1" "bitmill" "NumPy" ratio
for pair in $PAIRS; do
  d="$WORK/$pair"
  mkdir -p "$d"
  log "$pair: test set"
  shape=$($PY "$REPO_ROOT/scripts/bench/align_util.py" make "$DATA/$pair.tsv.zst" "$d" --docs "$DOCS")
  log "$pair: embedding overlaps"
  embed_side "$d" src
  embed_side "$d" tgt
  log "$pair: aligning"
  t0=$(date +%s.%N)
  "$B/bitmill-align" -q --src "$d/src.txt" --tgt "$d/tgt.txt" --src-emb "$d/src.npy" --tgt-emb "$d/tgt.npy" -o "$d/got.tsv"
  tb=$(seconds "$t0")
  t0=$(date +%s.%N)
  $PY "$REPO_ROOT/tests/reference/align_reference.py" align "$d/src.txt" "$d/tgt.txt" "$d/src.npy" "$d/tgt.npy" >"$d/ref.tsv"
  tr=$(seconds "$t0")
  sb=$($PY "$REPO_ROOT/scripts/bench/align_util.py" score "$d/gold.tsv" "$d/got.tsv")
  sr=$($PY "$REPO_ROOT/scripts/bench/align_util.py" score "$d/gold.tsv" "$d/ref.tsv")
  n() { $PY -c 'import json,sys; s=json.loads(sys.argv[1]); print(s[sys.argv[2]])' "$shape" "$1"; }
  printf '%-8s %5s %6s %6s  %-26s %-26s %7.2fs %7.2fs %6.0fx\n' "$pair" "$(n documents)" "$(n src_sentences)" \
    "$(n tgt_sentences)" "$(f "$sb")" "$(f "$sr")" "$tb" "$tr" "$(echo "$tr / $tb" | bc -l)"
  cmp -s <(cut -f1-3 "$d/got.tsv") <(cut -f1-3 "$d/ref.tsv") && same="the same beads" || same="DIFFERENT beads"
  echo "  $pair: gold beads $(n gold_beads); bitmill and the reference: $same"
done

for pair in $PAIRS; do
  d="$WORK/pairing-$pair"
  mkdir -p "$d"
  log "$pair: document pairing"
  shape=$($PY "$REPO_ROOT/scripts/bench/align_util.py" pairs "$DATA/$pair.tsv.zst" "$d") || { echo "  $pair pairing: $shape"; continue; }
  t0=$(date +%s.%N)
  "$B/bitmill-align" pair -q "${MODEL[@]}" --src "$d/src.txt" --tgt "$d/tgt.txt" -o "$d/found.tsv"
  secs=$(seconds "$t0")
  echo "pairing $pair ($shape): $($PY "$REPO_ROOT/scripts/bench/align_util.py" pair-score "$d/gold_pairs.tsv" "$d/found.tsv") in ${secs}s (embedding included)"
done

if [ "$LONG" -gt 0 ]; then
  d="$WORK/long"
  mkdir -p "$d"
  first=${PAIRS%% *}
  log "long pair: $LONG sentences of $first"
  $PY "$REPO_ROOT/scripts/bench/align_util.py" make "$DATA/$first.tsv.zst" "$d" --long "$LONG" >"$d/shape.json"
  embed_side "$d" src
  embed_side "$d" tgt
  /usr/bin/time -f '%e %M' -o "$d/time" "$B/bitmill-align" -q --src "$d/src.txt" --tgt "$d/tgt.txt" \
    --src-emb "$d/src.npy" --tgt-emb "$d/tgt.npy" -o "$d/got.tsv"
  read -r secs kb <"$d/time"
  sl=$($PY "$REPO_ROOT/scripts/bench/align_util.py" score "$d/gold.tsv" "$d/got.tsv")
  echo "long pair ($(cat "$d/shape.json")): coarse to fine in $secs s, peak RSS $((kb / 1024)) MiB" \
    "(the two embedding matrices: $(( ($(stat -c %s "$d/src.npy") + $(stat -c %s "$d/tgt.npy")) / 1048576 )) MiB," \
    "memory-mapped); strict/lax F1 $(f "$sl")"
fi
