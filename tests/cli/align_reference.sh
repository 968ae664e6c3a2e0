# bitmill-align against the independent NumPy reference (tests/reference/align_reference.py) on
# synthetic document pairs with gold beads, through --src-emb / --tgt-emb: the same beads as the
# reference's exact dynamic programme (and scores within 1e-4), exactly and coarse to fine; and
# the embedding matrices' errors.
set -e
ref=$CASES/../reference/align_reference.py
py=/usr/bin/python3
$py "$ref" synth . --docs 25 --seed 7
n_src=$(bitmill-align overlaps -q --src src.txt | wc -l)
echo "overlap rows match the matrices: $($py -c "import numpy as np; print(np.load('src.npy').shape[0] == $n_src)")"
$py "$ref" align src.txt tgt.txt src.npy tgt.npy > ref.tsv
bitmill-align -q --src src.txt --tgt tgt.txt --src-emb src.npy --tgt-emb tgt.npy -o got.tsv
bitmill-align -q --max-full-dp 6 --src src.txt --tgt tgt.txt --src-emb src.npy --tgt-emb tgt.npy -o c2f.tsv
same() { cmp -s <(cut -f1-3 "$1") <(cut -f1-3 "$2") && echo same || echo DIFFERENT; }
echo "beads, exact programme vs reference: $(same got.tsv ref.tsv)"
echo "beads, coarse to fine vs reference: $(same c2f.tsv ref.tsv)"
echo "scores within 1e-4 of the reference: $(paste got.tsv ref.tsv | awk -F'\t' '{d = $4 - $10; if (d < 0) d = -d; if (d > 1e-4) bad++} END {print bad + 0 == 0 ? "yes" : "no"}')"
$py - <<'PY'
gold = {tuple(l.rstrip("\n").split("\t")[:3]) for l in open("gold.tsv")}
got = [tuple(l.rstrip("\n").split("\t")[:3]) for l in open("got.tsv")]
hit = sum(b in gold for b in got)
print(f"gold beads recovered: at least 85%: {hit >= 0.85 * len(gold)}")
PY

set +e
check() { echo "exit=$1 out_exists=$([ -e out.tsv ] && echo yes || echo no)"; }
echo "--- a matrix with a row missing"
$py -c "import numpy as np; np.save('short.npy', np.load('src.npy')[:-1])"
bitmill-align --src src.txt --tgt tgt.txt --src-emb short.npy --tgt-emb tgt.npy -o out.tsv; check $?
echo "--- a matrix with a row too many"
$py -c "import numpy as np; a = np.load('src.npy'); np.save('long.npy', np.vstack([a, a[:1]]))"
bitmill-align --src src.txt --tgt tgt.txt --src-emb long.npy --tgt-emb tgt.npy -o out.tsv; check $?
echo "--- matrices of two dimensions"
$py -c "import numpy as np; np.save('wide.npy', np.hstack([np.load('tgt.npy')] * 2))"
bitmill-align --src src.txt --tgt tgt.txt --src-emb src.npy --tgt-emb wide.npy -o out.tsv; check $?
echo "--- --src-emb without --tgt-emb"
bitmill-align --src src.txt --tgt tgt.txt --src-emb src.npy -o out.tsv; check $?
