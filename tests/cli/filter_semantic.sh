# bitmill-filter's semantic rule (--model DIR --min-score X [--margin]) against an independent
# numpy computation over the PyTorch reference encoder's embeddings (tests/reference/
# encoder_reference.py) of a random-weight static model: cosine of each pair, and LASER's ratio
# margin with k = 4 neighbours within the batch (all rows here are one batch).
set -e
ref=$CASES/../reference/encoder_reference.py
py=/usr/bin/python3
# The reference's WordPiece handles lower-case ASCII words only (as in embed_parity.sh).
head -n 40 "$CASES/../../data/samples/deu-eng.tsv" | cut -f 1,2 | tr 'A-Z' 'a-z' | tr -cd 'a-z \t\n' > pairs.tsv
$py "$ref" make model --arch static --normalize --seed 3 >/dev/null
cut -f 1 pairs.tsv > src.txt
cut -f 2 pairs.tsv > tgt.txt
$py "$ref" embed model src.txt src.npy
$py "$ref" embed model tgt.txt tgt.npy
# Only the semantic rule: the other rules would hide rows from it.
others=$(bitmill-filter --explain | grep -E '^  [a-z0-9-]+:' | sed 's/^  //; s/:.*//' | grep -v semantic | paste -sd,)
for mode in cosine margin; do
  flag=; [ $mode = margin ] && flag=--margin
  bitmill-filter -q --src-lang de --tgt-lang en --disable "$others" --model model --min-score 0.2 $flag \
    --annotate -t 2 pairs.tsv > annotated_$mode.tsv
  $py - $mode <<'PY'
import sys, numpy as np
mode = sys.argv[1]
x, y = np.load("src.npy").astype(np.float64), np.load("tgt.npy").astype(np.float64)
x /= np.linalg.norm(x, axis=1, keepdims=True); y /= np.linalg.norm(y, axis=1, keepdims=True)
sim = x @ y.T
score = np.diag(sim).copy()
if mode == "margin":
    k = 4
    fwd = np.sort(sim, axis=1)[:, -k:].mean(axis=1)
    bwd = np.sort(sim, axis=0)[-k:, :].mean(axis=0)
    score = score / ((fwd + bwd) / 2)
rows = [l.rstrip("\n").split("\t") for l in open(f"annotated_{mode}.tsv", encoding="utf-8")]
got = np.array([float(r[3]) for r in rows])
verdict_ok = all((r[2] == "keep") == (s >= 0.2) for r, s in zip(rows, score) if abs(s - 0.2) > 1e-4)
diff = float(np.abs(got - score).max())
print(f"{mode}: {len(rows)} pairs, max |score - reference| {'<= 1e-4' if diff <= 1e-4 else '= %g (too large)' % diff}, "
      f"verdicts at 0.2 agree: {verdict_ok}, kept {sum(r[2] == 'keep' for r in rows)}")
PY
done
echo "--- rejected rows name the rule"
bitmill-filter -q --src-lang de --tgt-lang en --disable "$others" --model model --min-score 0.2 --rejected - -o /dev/null pairs.tsv | cut -f 3 | sort | uniq -c
echo "--- the bundled model (--model default): translations kept, shuffled targets rejected"
head -n 60 "$CASES/../../data/samples/deu-eng.tsv" | awk -F'\t' '!seen[$1]++' | head -n 20 > real.tsv
awk -F'\t' 'BEGIN{OFS="\t"} {src[NR]=$1; tgt[NR]=$2} END {for (i = 1; i <= NR; i++) print src[i], tgt[(i + 6) % NR + 1]}' real.tsv > shuffled.tsv
echo "translations kept: $(bitmill-filter -q --src-lang de --tgt-lang en --disable "$others" --model default real.tsv | wc -l) of 20"
echo "shuffled kept: $(bitmill-filter -q --src-lang de --tgt-lang en --disable "$others" --model default shuffled.tsv | wc -l) of 20"
