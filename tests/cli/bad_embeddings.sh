# Forged .npy headers (issue 15): the shape is checked against the file's size with overflow-checked
# arithmetic, so every tool that opens the matrix stops with a one-line error naming the file,
# exit status 2 and no output file (rather than SIGBUS, or std::length_error and a temporary file).
py=/usr/bin/python3
check() { echo "exit=$1 out_exists=$(ls | grep -c '^out\.') tmp_left=$(ls | grep -c '\.tmp\.')"; }
$py - <<'PY'
import numpy as np
def header(shape, descr="<f4"):
    d = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shape)
    d += " " * ((64 - (10 + len(d) + 1) % 64) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + len(d).to_bytes(2, "little") + d.encode()
# (2**60, 256) f4 needs 2**70 bytes: 0 modulo 2**64, which is what the file holds.
open("wrap.npy", "wb").write(header("(%d, 256)" % 2**60))
# (2**62 + 1, 1) f4 needs 2**64 + 4 bytes: 4 modulo 2**64, and the file holds 4.
open("wrap4.npy", "wb").write(header("(%d, 1)" % (2**62 + 1)) + b"\0\0\0\0")
open("nodim.npy", "wb").write(header("(3, 0)"))
np.save("good.npy", np.eye(4, dtype=np.float32))
PY
echo "--- bitmill-index over a wrapping shape (was SIGBUS)"
bitmill-index --factory Flat -o out.faiss wrap.npy; check $?
echo "--- bitmill-index: 2**62 + 1 rows in 4 bytes"
bitmill-index --factory Flat -o out.faiss wrap4.npy; check $?
echo "--- bitmill-eval tatoeba (was std::length_error, a temporary file left)"
bitmill-eval tatoeba --src-emb wrap.npy --tgt-emb good.npy -o out.tsv; check $?
bitmill-eval tatoeba --src-emb good.npy --tgt-emb wrap4.npy -o out.tsv; check $?
echo "--- bitmill-index search --queries (was std::length_error)"
bitmill-index -q --factory Flat -o good.faiss good.npy; echo "exit=$?"
bitmill-index search --index good.faiss --queries wrap.npy -o out.tsv; check $?
echo "--- a shape with no columns"
bitmill-index --factory Flat -o out.faiss nodim.npy; check $?
echo "--- the good matrix still works: each row of the identity finds itself"
bitmill-index search -q --index good.faiss --queries good.npy -k 1 -o out.tsv; check $?
awk -F'\t' '$1 != $3 { bad = 1 } END { print (NR == 4 && !bad) ? "rows find themselves" : "WRONG" }' out.tsv
