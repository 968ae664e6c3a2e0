#!/usr/bin/env bash
# Benchmark of bitmill-embed on a static model (the bundled default unless --model) against the
# sentence-transformers way of running the same model in Python, on the same threads and text.
#
# Engines:
#   Python peer   scripts/bench/embed_static_peer.py: SentencePiece's C++ encoder (Debian's
#                 python3-sentencepiece, encode(list, num_threads=THREADS)) on the model's
#                 spm_unigram.model, then torch.nn.EmbeddingBag(mode="mean") over the model's
#                 table and L2 normalisation, in batches of 4096 (what sentence-transformers'
#                 StaticEmbedding does, minus its Python tokenizer wrapper)
#   bitmill       bitmill-embed -t THREADS -o OUT.npy TEXT
# Both are timed from text in memory/on disk to embeddings, model loading excluded: the peer times
# its encode loop; bitmill is timed as a process on N lines minus the same command on one line.
# Correctness: the cosine between the two engines' rows (mean must be > 0.9999).
#
# Text: --text FILE (first N lines), else N lines of real sentences from ../shared/data/train
# (both sides of deu-eng, ces-eng, eng-rus, eng-fin, eng-tur, eng-zho, eng-fra, eng-spa, relative
# to the repository root, interleaved); without ../shared, data/samples repeated (flattering: the
# tokenizer's word cache then hits more often than on real text).
#
# Usage: scripts/bench/embed_static.sh [--model DIR] [--n N] [--threads N] [--text FILE]
#                                       [--bin PATH] [--repeat N]
# Defaults: the bundled model, 500000 lines, 2 threads, build/bin/bitmill-embed, 1 run each (the
# best of --repeat runs counts). The table goes to stdout, progress to stderr.
set -euo pipefail
export LC_ALL=C.UTF-8
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
MODEL=$ROOT/data/models/default N=500000 THREADS=2 TEXT="" BIN=$ROOT/build/bin/bitmill-embed REPEAT=1
while [ $# -gt 0 ]; do
  case $1 in
    --model) MODEL=$2; shift 2 ;;
    --n) N=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --text) TEXT=$2; shift 2 ;;
    --bin) BIN=$2; shift 2 ;;
    --repeat) REPEAT=$2; shift 2 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "embed_static.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
WORK=$(mktemp -d "${TMPDIR:-/tmp}/embed_static.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

shared=$ROOT/../shared/data/train
if [ -n "$TEXT" ]; then
  head -n "$N" "$TEXT" > "$WORK/text.txt"
  source_desc="$TEXT"
elif [ -d "$shared" ]; then
  for p in deu-eng ces-eng eng-rus eng-fin eng-tur eng-zho eng-fra eng-spa; do
    zstdcat "$shared/$p.tsv.zst" | tr '\t' '\n'
  done | awk 'length($0) > 0' | shuf -n "$N" --random-source=<(yes) > "$WORK/text.txt"
  source_desc="../shared/data/train (8 language pairs with English, both sides, shuffled)"
else
  while [ "$(wc -l < "$WORK/text.txt" 2>/dev/null || echo 0)" -lt "$N" ]; do
    cat "$ROOT"/data/samples/mine/*.txt >> "$WORK/text.txt"
  done
  head -n "$N" "$WORK/text.txt" > "$WORK/t" && mv "$WORK/t" "$WORK/text.txt"
  source_desc="data/samples/mine repeated (flattering for bitmill's word cache)"
fi
lines=$(wc -l < "$WORK/text.txt")
head -n 1 "$WORK/text.txt" > "$WORK/one.txt"
echo "embed_static: $lines lines from $source_desc; model $MODEL; $THREADS threads" >&2

best_bitmill=""
best_peer=""
for r in $(seq "$REPEAT"); do
  t0=$(date +%s.%N)
  "$BIN" -q --model "$MODEL" -t "$THREADS" -o "$WORK/one.npy" "$WORK/one.txt"
  t1=$(date +%s.%N)
  "$BIN" -q --model "$MODEL" -t "$THREADS" -o "$WORK/bitmill.npy" "$WORK/text.txt"
  t2=$(date +%s.%N)
  s=$(echo "($t2 - $t1) - ($t1 - $t0)" | bc -l)
  if [ -z "$best_bitmill" ] || [ "$(echo "$s < $best_bitmill" | bc -l)" = 1 ]; then best_bitmill=$s; fi
  p=$(/usr/bin/python3 "$ROOT/scripts/bench/embed_static_peer.py" "$MODEL" "$WORK/text.txt" "$WORK/peer.npy" "$THREADS")
  if [ -z "$best_peer" ] || [ "$(echo "$p < $best_peer" | bc -l)" = 1 ]; then best_peer=$p; fi
  echo "embed_static: run $r: bitmill $s s, peer $p s" >&2
done

/usr/bin/python3 - "$WORK" "$lines" "$best_bitmill" "$best_peer" "$THREADS" <<'PY'
import sys
import numpy as np
work, n, tb, tp, threads = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
a = np.load(f"{work}/bitmill.npy").astype(np.float32)
b = np.load(f"{work}/peer.npy").astype(np.float32)
both = (np.linalg.norm(a, axis=1) > 0) & (np.linalg.norm(b, axis=1) > 0)
cos = (a[both] * b[both]).sum(1)
print(f"{n} sentences, {threads} threads")
print(f"{'engine':<34} {'sentences/s':>12} {'vs peer':>8}")
print(f"{'Python (sentencepiece + torch)':<34} {n / tp:12.0f} {1.0:7.2f}x")
print(f"{'bitmill-embed':<34} {n / tb:12.0f} {tp / tb:7.2f}x")
ok = "ok" if cos.mean() > 0.9999 else "MISMATCH"
print(f"cosine bitmill vs peer: min {cos.min():.6f}, mean {cos.mean():.6f} [{ok}: mean must be > 0.9999]")
print(f"floor 100000 sentences/s: {'met' if n / tb >= 100000 else 'NOT met'}")
PY
