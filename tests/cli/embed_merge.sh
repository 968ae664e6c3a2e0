# bitmill-embed merge: the pieces of a text embedded by separate tasks, concatenated in order, are
# the bytes of the whole text embedded in one run.
head -300 "$CASES/../../data/samples/deu-eng.tsv" | cut -f1 > de.txt
split -d -n l/3 de.txt part.
for p in part.00 part.01 part.02; do bitmill-embed -q -o $p.npy $p; done
bitmill-embed -q -o whole.npy de.txt
bitmill-embed merge -o merged.npy part.00.npy part.01.npy part.02.npy
echo "exit=$?"
cmp merged.npy whole.npy && echo "identical to one run over the whole text"
echo "--- errors: one line naming the file, exit 1 or 2, no output"
bitmill-embed -q --dtype f16 -o half.npy part.01
bitmill-embed merge -o bad.npy part.00.npy half.npy; echo "exit=$?"
/usr/bin/python3 -c 'import numpy as np; np.save("d8.npy", np.zeros((2, 8), np.float32))'
bitmill-embed merge -o bad.npy part.00.npy d8.npy; echo "exit=$?"
bitmill-embed merge -o bad.npy part.00.npy de.txt; echo "exit=$?"
bitmill-embed merge -o bad.npy part.00.npy missing.npy; echo "exit=$?"
bitmill-embed merge part.00.npy; echo "exit=$?"
ls bad.npy* 2>/dev/null | wc -l
