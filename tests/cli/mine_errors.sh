# bitmill-mine on bad input: a one-line error naming the file, exit 2 (1 for usage), no output
# and no temporary file left behind.
py=/usr/bin/python3
printf 'a\nb\nc\n' > s.txt
printf 'x\ny\n' > t.txt
printf 'a\n\377\n' > bad.txt
$py - <<'PY'
import numpy as np
np.save("s.npy", np.eye(3, 4, dtype="f4"))
np.save("t.npy", np.eye(2, 4, dtype="f2"))
np.save("t3.npy", np.eye(2, 3, dtype="f4"))
np.save("nan.npy", np.array([[1, 0, 0, 0], [0, np.nan, 0, 0]], dtype="f4"))
np.eye(2, 4, dtype="f4").tofile("t.f32")
PY
check() { echo "exit=$1 out_exists=$([ -e out.tsv ] && echo yes || echo no) tmp_left=$(ls | grep -c '\.tmp\.')"; }
echo "--- rows and lines differ"
bitmill-mine --src s.txt --tgt s.txt --src-emb s.npy --tgt-emb t.npy -o out.tsv; check $?
echo "--- dimensions differ"
bitmill-mine --src s.txt --tgt t.txt --src-emb s.npy --tgt-emb t3.npy -o out.tsv; check $?
echo "--- missing embeddings"
bitmill-mine --src s.txt --tgt t.txt --src-emb s.npy --tgt-emb nothere.npy -o out.tsv; check $?
echo "--- a NaN in the embeddings"
bitmill-mine --src s.txt --tgt t.txt --src-emb s.npy --tgt-emb nan.npy -o out.tsv; check $?
echo "--- invalid UTF-8 in the sentences"
bitmill-mine --src s.txt --tgt bad.txt --src-emb s.npy --tgt-emb t.npy -o out.tsv; check $?
echo "--- invalid UTF-8 repaired (--invalid-utf8 replace keeps one line per row)"
bitmill-mine -q --src s.txt --tgt bad.txt --src-emb s.npy --tgt-emb t.npy --invalid-utf8 replace --ids -o out.tsv; check $?
cut -f2,3,5 out.tsv; rm -f out.tsv
echo "--- raw rows without --dim"
bitmill-mine --src s.txt --tgt t.txt --src-emb s.npy --tgt-emb t.f32 -o out.tsv; check $?
echo "--- raw rows with --dim"
bitmill-mine -q --src s.txt --tgt t.txt --src-emb s.npy --tgt-emb t.f32 --dim 4 --ids -o out.tsv; check $?
cat out.tsv; rm -f out.tsv
echo "--- score needs as many lines on both sides"
bitmill-mine score --src s.txt --tgt t.txt --src-emb s.npy --tgt-emb t.npy -o out.tsv; check $?
echo "--- missing --tgt-emb, unknown --margin"
bitmill-mine --src s.txt --tgt t.txt --src-emb s.npy -o out.tsv; check $?
bitmill-mine --src s.txt --tgt t.txt --src-emb s.npy --tgt-emb t.npy --margin cosine -o out.tsv; check $?
