# bitmill-align pair on documents made of the samples' sentences (the bundled default model): 10
# documents with a translation on the other side, in another order, and 2 on each side without
# one. The pairs found must be exactly the true ones; --beads aligns them.
S=$CASES/../../data/samples/deu-eng.tsv
# Document d (0-13) holds sample lines 5d+1 .. 5d+5; the source side has documents 0-11, the
# target side documents 0-9 (in the order below) and 12-13.
doc() { sed -n "$(($2 * 5 + 1)),$(($2 * 5 + 5))p" "$S" | cut -f"$1"; echo; }
for d in 0 1 2 3 4 5 6 7 8 9 10 11; do doc 1 $d; done > src.txt
order="7 12 3 0 9 5 13 1 8 2 6 4"
for d in $order; do doc 2 $d; done > tgt.txt
# The true pairs: source document d and its position in the target order.
i=0; for d in $order; do [ "$d" -lt 10 ] && printf '%s\t%s\n' "$d" "$i"; i=$((i + 1)); done | sort -n > gold.tsv
check() { echo "exit=$1 out_exists=$([ -e out.tsv ] && echo yes || echo no)"; }

echo "--- the pairs"
bitmill-align pair -q --src src.txt --tgt tgt.txt -o pairs.tsv --beads beads.tsv; check $?
echo "columns: $(awk -F'\t' '{print NF}' pairs.tsv | sort -u | tr '\n' ' ')"
cut -f1,2 pairs.tsv | cmp -s - gold.tsv && echo "pairs found: exactly the true ones" || { echo "pairs found: NOT the true ones"; cat pairs.tsv; }
echo "beads: $(wc -l < beads.tsv | tr -d ' ') lines, source documents $(cut -f1 beads.tsv | sort -un | tr '\n' ' ')"
echo "each bead's source lines in its source document: $(awk -F'\t' '$2 != "" {split($2, a, ","); for (k in a) if (int(a[k] / 6) != $1) bad++} END {print bad + 0}' beads.tsv) outside"
echo "--- a high threshold keeps fewer pairs"
bitmill-align pair -q --threshold 0.99 --src src.txt --tgt tgt.txt | wc -l
echo "--- --beads and -o the same file"
bitmill-align pair --src src.txt --tgt tgt.txt -o out.tsv --beads out.tsv; check $?
echo "--- a missing file"
bitmill-align pair --src src.txt --tgt missing.txt -o out.tsv; check $?
echo "--- --threshold 2"
bitmill-align pair --threshold 2 --src src.txt --tgt tgt.txt -o out.tsv; check $?
