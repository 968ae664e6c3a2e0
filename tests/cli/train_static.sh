# The training recipe end to end on a toy corpus (the bundled deu-eng sample): tokenizer.py, then
# train.py with the options the default model uses (--group, --pair-weight, --topic-batches,
# --margin), and the result through bitmill-embed. Checks, against independent facts rather than
# stored numbers:
# - the same command twice gives a byte-identical tokenizer and weights (the recipe's
#   reproducibility claim);
# - training works: the trained model retrieves the right English line for the German training
#   lines far more often (>= 50%, >= 5x) than its own random starting table (same tokenizer,
#   --steps 0), measured on bitmill-embed's vectors, not train.py's;
# - bad --pair-weight values are refused with a clear error and no model directory.
set -e
py=/usr/bin/python3
train=$CASES/../../scripts/train
mkdir corpus
head -n 320 "$CASES/../../data/samples/deu-eng.tsv" | zstd -q -o corpus/deu-eng.tsv.zst
cut -f1 "$CASES/../../data/samples/deu-eng.tsv" | head -n 320 > deu.txt
cut -f2 "$CASES/../../data/samples/deu-eng.tsv" | head -n 320 > eng.txt

for t in tok tok2; do
  $py "$train/tokenizer.py" --corpus corpus --out $t --vocab 600 --pairs 320 --lowercase --seed 7 \
    2> $t.log || { echo "tokenizer.py failed"; cat $t.log; exit 1; }
done
cmp -s tok.model tok2.model && echo "tokenizer twice: identical models"

args=(--corpus corpus --tokenizer tok.model --dim 32 --batch 64 --group 16 --init-std 0.1
      --margin 0.3 --scale 30 --lr 0.05 --seed 7 --threads 1 --cache '')
run() { $py "$train/train.py" "${args[@]}" "$@"; }
run --out init --steps 0 2> init.log || { echo "train.py --steps 0 failed"; cat init.log; exit 1; }
for m in a b; do
  run --out $m --steps 80 --pair-weight deu-eng:2 --topic-batches 2> $m.log ||
    { echo "train.py failed"; cat $m.log; exit 1; }
done
grep -q "topic batches: 320 pairs clustered" a.log && echo "topic batches: all 320 pairs clustered"
cmp -s a/0_StaticEmbedding/model.safetensors b/0_StaticEmbedding/model.safetensors &&
  echo "same command twice: identical weights"

for m in init a; do
  bitmill-embed -q --model $m -t 1 -o $m.deu.npy deu.txt
  bitmill-embed -q --model $m -t 1 -o $m.eng.npy eng.txt
done
$py - <<'PY'
import sys
import numpy as np
acc = {}
for m in ("init", "a"):
    s, e = np.load(f"{m}.deu.npy").astype(np.float32), np.load(f"{m}.eng.npy").astype(np.float32)
    acc[m] = float((np.argmax(s @ e.T, axis=1) == np.arange(len(s))).mean())
print(f"retrieval deu->eng on the training lines: trained {acc['a']:.1%}, starting table {acc['init']:.1%}",
      file=sys.stderr)
print("trained model retrieves >= 50% and >= 5x its starting table:",
      "yes" if acc["a"] >= 0.5 and acc["a"] >= 5 * acc["init"] else "NO")
PY

bad_args() {
  set +e
  run --out bad --steps 1 "$@" 2> bad.log
  rc=$?
  set -e
  echo "$*: exit $rc, $(grep -o 'error: .*\|train: .*pair.*' bad.log | tail -n 1 | sed 's/.*error: //; s/^train: //')"
  [ ! -e bad ] || echo "  but a model directory was left behind"
}
for spec in eng-deu:2 deu-fra:2 deu-eng:x deu-eng:-1; do
  bad_args --pair-weight "$spec"
done
bad_args --group 1 --topic-batches
