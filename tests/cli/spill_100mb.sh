# A 100 MB input under a small --memory budget takes the spill path and gives the same output as
# the in-memory run and as awk '!seen[$0]++' (the reference: first occurrence, input order). Its peak
# memory is spill_rss.sh's test.
set -e
awk 'BEGIN { for (i = 1; i <= 1400000; i++) { k = (i * 7919) % 1000003; printf "line %d of a generated corpus with some padding text %d\n", k, k % 97 } }' > in.txt
size=$(wc -c < in.txt)
[ "$size" -gt 100000000 ] && echo "input over 100 MB"
awk '!seen[$0]++' in.txt > ref.txt
awk 'seen[$0]++' in.txt > ref.removed.txt
bitmill-dedup in.txt -o mem.txt --removed mem.removed.txt 2> mem.log
bitmill-dedup -v --memory 8M --tmp-dir . in.txt -o spill.txt --removed spill.removed.txt 2> spill.log
grep -q "spilled" spill.log && echo "small budget spilled to disk"
grep -q "spilled" mem.log || echo "default budget stayed in memory"
cmp mem.txt ref.txt && echo "in-memory output equals the reference"
cmp spill.txt ref.txt && echo "spilled output equals the reference"
cmp mem.removed.txt ref.removed.txt && cmp spill.removed.txt ref.removed.txt && echo "removed lines equal the reference"
[ -z "$(ls | grep bitmill-spill)" ] && echo "no spill files left behind"
