# bitmill-mine over FAISS indexes (bitmill-index): a Flat index is an exact search, so it must mine
# the same pairs as the exact engine (scores equal to f32 rounding); an IVF index searched with
# every list (nprobe = nlist) too. Then the errors: one index only, --unify, an index of the other
# side, no output left behind.
py=/usr/bin/python3
$py "$CASES/../reference/mine_reference.py" make-data --n-src 700 --n-tgt 800 --dim 32 --planted 200 --dtype f16 \
  --seed 5 --unit . >/dev/null
mine() { bitmill-mine -q --src src.txt --tgt tgt.txt --src-emb src.npy --tgt-emb tgt.npy --ids "$@"; }
same() {  # the exact run's pairs, with scores within 1e-5
  $py - "$1" <<'PY'
import sys
def load(p):
    return {(r[1], r[2]): float(r[0]) for r in (l.rstrip("\n").split("\t") for l in open(p))}
a, b = load("exact.tsv"), load(sys.argv[1])
if a.keys() != b.keys():
    print(f"{sys.argv[1]}: DIFFERENT pairs ({len(a)} exact, {len(b)} here)")
else:
    d = max(abs(a[k] - b[k]) for k in a)
    print(f"{sys.argv[1]}: same {len(a)} pairs, scores within 1e-5: {'yes' if d <= 1e-5 else 'NO (%g)' % d}")
PY
}
mine -o exact.tsv
echo "--- Flat indexes"
bitmill-index -q --factory Flat -o s.faiss src.npy
bitmill-index -q --factory Flat -o t.faiss tgt.npy
mine --src-index s.faiss --tgt-index t.faiss -o flat.tsv; echo "exit=$?"
same flat.tsv
echo "--- IVF16,Flat indexes, every list probed"
bitmill-index -q --factory IVF16,Flat -o s16.faiss src.npy
bitmill-index -q --factory IVF16,Flat -o t16.faiss tgt.npy
mine --src-index s16.faiss --tgt-index t16.faiss --nprobe 16 -o ivf.tsv; echo "exit=$?"
same ivf.tsv
check() { echo "exit=$1 out_exists=$([ -e out.tsv ] && echo yes || echo no) tmp_left=$(ls | grep -c '\.tmp\.')"; }
echo "--- only one index"
mine --src-index s.faiss -o out.tsv; check $?
echo "--- --unify with indexes"
mine --src-index s.faiss --tgt-index t.faiss --unify -o out.tsv; check $?
echo "--- the indexes swapped (an index of the other side)"
mine --src-index t.faiss --tgt-index s.faiss -o out.tsv; check $?
echo "--- not an index"
mine --src-index src.txt --tgt-index t.faiss -o out.tsv 2>&1 | sed 's/(.*)/(...)/'; check "${PIPESTATUS[0]}"
