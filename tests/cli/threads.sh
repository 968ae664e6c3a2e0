# The output does not depend on the thread count, for plain and compressed outputs.
set -e
awk 'BEGIN { srand(42); for (i = 0; i < 300000; i++) printf "%d %s\n", int(rand() * 150000), (rand() < 0.5 ? "Zeile" : "LINE") }' > in.txt
for t in 1 2 5; do
  bitmill-dedup -q -t $t --key line --normalize casefold in.txt -o out.$t.txt --removed rm.$t.txt.zst
done
cmp out.1.txt out.2.txt && cmp out.1.txt out.5.txt && echo "kept lines identical for 1, 2 and 5 threads"
cmp rm.1.txt.zst rm.2.txt.zst && cmp rm.1.txt.zst rm.5.txt.zst && echo "compressed removed files byte-identical"
