# A 100 MB input under a small --memory budget takes the spill path and gives the same output as
# the in-memory run and as awk '!seen[$0]++' (the reference: first occurrence, input order).
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
# Peak RSS (GNU time, installed by scripts/install-deps.sh): the 8 MiB budget plus read-ahead
# blocks, the spool buffer and the binary, against the in-memory run's table for 1M keys.
/usr/bin/time -f %M -o rss.small bitmill-dedup -q --memory 8M in.txt -o /dev/null
/usr/bin/time -f %M -o rss.big bitmill-dedup -q in.txt -o /dev/null
small=$(cat rss.small); big=$(cat rss.big)
echo "peak RSS: ${small} KiB with --memory 8M, ${big} KiB in memory" >&2
[ "$small" -lt 40960 ] && echo "peak RSS with --memory 8M stays under 40 MiB"
[ "$small" -lt "$big" ] && echo "and below the in-memory run's"
