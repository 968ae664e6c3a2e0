# bitmill-dedup --mode near against brute force (tests/reference/dedup_near_reference.py): on
# 3000 documents of 100-1000 real words, each with a copy edited 1-30%, the share of pairs caught
# per Jaccard band matches the S-curve of the banding (14 x 8, and 20 x 5) within sampling error,
# and no unrelated documents are clustered; with --verify 0.8 every cluster is connected by pairs of
# exact similarity >= 0.8 (copy chains are joined only link by link), which the run without
# --verify breaks; and the outputs are byte-identical with 1 or 2 threads, in memory or spilled.
set -e
ref=$CASES/../reference/dedup_near_reference.py
py=/usr/bin/python3
export PYTHONDONTWRITEBYTECODE=1
$py "$ref" make-data docs.jsonl --vocab "$CASES/../../data/samples/deu-eng.tsv" --bases 3000 --chains 40 --seed 5
near=(bitmill-dedup -q --mode near --format jsonl --id-field id)
echo "--- 14 x 8 (the default)"
"${near[@]}" -t 2 --clusters c.tsv -o /dev/null docs.jsonl
$py "$ref" check-curve docs.jsonl c.tsv --bands 14 --rows 8
echo "--- 20 x 5"
"${near[@]}" -t 2 --bands 20 --rows 5 --clusters c5.tsv -o /dev/null docs.jsonl
$py "$ref" check-curve docs.jsonl c5.tsv --bands 20 --rows 5
echo "--- --verify 0.8"
"${near[@]}" -t 2 --bands 20 --rows 5 --verify 0.8 --clusters v.tsv --removed v.removed -o v.kept docs.jsonl
$py "$ref" check-verify docs.jsonl v.tsv --verify 0.8
echo "--- without --verify, chains join documents below 0.8 (the check can fail)"
if $py "$ref" check-verify docs.jsonl c5.tsv --verify 0.8 > /dev/null; then echo "unexpected pass"; else echo "fails, as it should"; fi
echo "--- one thread, 1 MiB of memory (the bucket join spills): the same bytes"
"${near[@]}" -t 1 --memory 1M --bands 20 --rows 5 --verify 0.8 --clusters v1.tsv --removed v1.removed -o v1.kept \
  docs.jsonl
cmp v.kept v1.kept && cmp v.removed v1.removed && cmp v.tsv v1.tsv && echo identical
