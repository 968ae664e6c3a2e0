# bitmill-embed against the independent PyTorch reference (tests/reference/encoder_reference.py)
# on random-weight checkpoints of each supported shape: max |difference| <= 1e-4 in fp32.
set -e
ref=$CASES/../reference/encoder_reference.py
py=/usr/bin/python3
# Texts: BERT's reference tokenises lower-case ASCII words; XLM-R's uses SentencePiece on real
# multilingual text. Both include an empty line and a line longer than max_seq_length.
cut -f2 "$CASES/../../data/samples/deu-eng.tsv" | head -n 60 | tr 'A-Z' 'a-z' | tr -cd 'a-z \n' > ascii.txt
printf '\n%s\n' "$(yes 'a very long line' | head -n 40 | tr '\n' ' ')" >> ascii.txt
head -n 40 "$CASES/../../data/samples/deu-eng.tsv" | tr '\t' '\n' > multi.txt
printf '\n%s\n' "$(yes 'Überlänge über alle Grenzen' | head -n 30 | tr '\n' ' ')" >> multi.txt

check() {  # name, model args..., then texts file via $texts
  name=$1; shift
  $py "$ref" make "m_$name" "$@" >/dev/null
  $py "$ref" embed "m_$name" "$texts" "ref_$name.npy"
  bitmill-embed -q --model "m_$name" -t 1 -o "got_$name.npy" "$texts"
  bitmill-embed -q --model "m_$name" -t 2 --batch-tokens 64 -o "got2_$name.npy" "$texts"
  $py - "$name" <<'PY'
import sys, numpy as np
n = sys.argv[1]
r, g, g2 = np.load(f"ref_{n}.npy"), np.load(f"got_{n}.npy"), np.load(f"got2_{n}.npy")
assert r.shape == g.shape, (r.shape, g.shape)
d = float(np.abs(r - g).max())
print(f"{n}: {g.shape[0]} rows x {g.shape[1]}, max |diff| vs reference {'<= 1e-4' if d <= 1e-4 else '= %g (too large)' % d}")
print(f"{n}: same rows with 2 threads and small batches: {np.array_equal(g, g2)}")
PY
}
texts=ascii.txt
check bert_cls_dense_norm --arch bert --pooling cls --dense --normalize --seed 1
check bert_mean_f16 --arch bert --pooling mean --dtype f16 --seed 2
texts=multi.txt
check xlmr_mean --arch xlmr --pooling mean --seed 3
check xlmr_cls_bf16_norm --arch xlmr --pooling cls --dtype bf16 --normalize --seed 4
texts=ascii.txt
check static_norm_f16 --arch static --normalize --dtype f16 --seed 5
check static_int8 --arch static --dtype int8 --seed 6
check static_norm_int8 --arch static --normalize --dtype int8 --seed 7

echo "--- f16 and raw outputs"
bitmill-embed -q --model m_xlmr_mean --dtype f16 -o half.npy multi.txt
bitmill-embed -q --model m_xlmr_mean --format raw -o rows.f32 multi.txt
bitmill-embed -q --model m_xlmr_mean < multi.txt > stdout.npy
$py - <<'PY'
import numpy as np
g = np.load("got_xlmr_mean.npy")
h = np.load("half.npy")
print("f16 output:", h.dtype, "max |diff| to f32 <= 1e-2:", float(np.abs(h.astype(np.float32) - g).max()) <= 1e-2)
raw = np.fromfile("rows.f32", dtype="<f4").reshape(-1, g.shape[1])
print("raw rows equal the npy rows:", np.array_equal(raw, g))
print("npy on stdout equals the file:", np.array_equal(np.load("stdout.npy"), g))
PY

# --quantize int8 and bf16: the encoder's linear layers as int8 products, or as bf16 products
# summed in f32. Quantisation noise moves the rows a little, so they are held to the f32 rows
# (which match the reference above) by cosine similarity; they must still differ from them (the
# option took effect) and, like f32 rows, not depend on threads or batching.
for q in int8 bf16; do
  echo "--- $q quantisation"
  for name in bert_cls_dense_norm bert_mean_f16 xlmr_mean xlmr_cls_bf16_norm; do
    case $name in bert_*) texts=ascii.txt ;; *) texts=multi.txt ;; esac
    bitmill-embed -q --model "m_$name" --quantize $q -t 1 -o "${q}_$name.npy" "$texts"
    bitmill-embed -q --model "m_$name" --quantize $q -t 2 --batch-tokens 64 -o "${q}b_$name.npy" "$texts"
    $py - "$name" "$q" <<'PY'
import sys, numpy as np
n, t = sys.argv[1], sys.argv[2]
f, q, q2 = np.load(f"got_{n}.npy"), np.load(f"{t}_{n}.npy"), np.load(f"{t}b_{n}.npy")
cos = (f * q).sum(1) / (np.linalg.norm(f, axis=1) * np.linalg.norm(q, axis=1))
print(f"{n} {t}: {q.shape[0]} rows x {q.shape[1]}, every row's cosine to f32 >= 0.995: {bool((cos >= 0.995).all())}")
print(f"{n} {t}: rows differ from f32: {not np.array_equal(f, q)}")
print(f"{n} {t}: same rows with 2 threads and small batches: {np.array_equal(q, q2)}")
print(f"{n} {t}: lowest cosine {cos.min():.6f}", file=sys.stderr)
PY
  done
done

# Every kernel level this CPU has (BITMILL_ISA refuses the others, exit 1): f32 rows within 1e-4
# of the reference on each. The levels run go to the log, not the golden output, which must not
# depend on the machine.
echo "--- every kernel level of this CPU"
for name in bert_cls_dense_norm xlmr_mean; do
  case $name in bert_*) texts=ascii.txt ;; *) texts=multi.txt ;; esac
  levels=""
  for level in scalar avx2 avx512 avx512vnni amx; do
    if BITMILL_ISA=$level bitmill-embed -q --model "m_$name" -o "lvl_${level}_$name.npy" "$texts" 2>/dev/null; then
      levels="$levels $level"
    fi
  done
  echo "$name: levels run:$levels" >&2
  $py - "$name" $levels <<'PY'
import sys, numpy as np
n, levels = sys.argv[1], sys.argv[2:]
r = np.load(f"ref_{n}.npy")
worst = max(float(np.abs(np.load(f"lvl_{l}_{n}.npy") - r).max()) for l in levels)
print(f"{n}: scalar and at least one other level run: {'scalar' in levels and len(levels) >= 2}")
print(f"{n}: f32 max |diff| vs reference <= 1e-4 on every level: {worst <= 1e-4}")
print(f"{n}: worst f32 max |diff| {worst:.3g}", file=sys.stderr)
PY
done

# Static tables sum their rows in f32 in token order on every path, so the scalar and the AVX2
# (F16C) paths give the same bits: f16 and int8 (scale times q, one product per element).
echo "--- static tables: the same bits on every level"
for name in static_norm_f16 static_int8 static_norm_int8; do
  BITMILL_ISA=scalar bitmill-embed -q --model "m_$name" -o "sc_$name.npy" ascii.txt
  cmp -s "sc_$name.npy" "got_$name.npy" && echo "$name: scalar = default level, bit for bit" ||
    echo "$name: scalar and default level DIFFER"
done
