# bitmill-dedup --mode near --index DIR: a second crawl deduplicated against what the first kept.
# Reference: one run over the first crawl's kept records followed by the second crawl keeps, and
# removes, exactly the second crawl's records that the --index run keeps and removes, with the
# same duplicate_of and cluster lines (with --keep first, the index's records, being first, are
# every cluster's kept record in both). Then reruns, and errors.
set -e
ref=$CASES/../reference/dedup_near_reference.py
export PYTHONDONTWRITEBYTECODE=1
/usr/bin/python3 "$ref" make-data docs.jsonl --vocab "$CASES/../../data/samples/deu-eng.tsv" --bases 300 --chains 10 \
  --seed 11
split -d -n l/2 docs.jsonl crawl.
near=(bitmill-dedup -q --mode near --format jsonl --id-field id --bands 20 --rows 5)
for v in "" "--verify 0.8"; do
  rm -rf idx
  # shellcheck disable=SC2086
  "${near[@]}" $v --index idx -o a.kept crawl.00
  # shellcheck disable=SC2086
  "${near[@]}" $v --index idx -o b.kept --removed b.rem --clusters b.cl crawl.01
  # shellcheck disable=SC2086
  "${near[@]}" $v -o ref.kept --removed ref.rem --clusters ref.cl a.kept crawl.01
  cut -d, -f1 crawl.01 > b.heads  # '{"id": "b17"': the start of each line of crawl 2
  echo "--- ${v:-no --verify}: crawl 2 keeps $(wc -l < b.kept) of $(wc -l < crawl.01), removes" \
    "$(grep -c '"duplicate_of"' b.rem) ($(wc -l < b.cl) of its records in clusters)"
  grep -vxF -f a.kept ref.kept | cmp - b.kept && echo "kept: as the reference"
  grep -F -f b.heads ref.rem | cmp - b.rem && echo "removed, with duplicate_of: as the reference"
  sed -E 's/^\{"id": "([^"]*)"$/\1/' b.heads | awk -F'\t' 'NR == FNR { b[$1] = 1; next } $1 in b' - ref.cl | cmp - b.cl &&
    echo "clusters: as the reference"
done
echo "--- a removed record names the first crawl's record it matched"
grep -o '"duplicate_of":"[^"]*"' b.rem | sort | uniq -c | sort -rn | head -1 | sed -E 's/^ +[0-9]+ //' | \
  grep -qF -f - <(sed 's/^/"duplicate_of":/' <(cut -d, -f1 crawl.00 | sed 's/^{"id": //')) && echo "yes"
ls idx
echo "--- a rerun gives the same bytes and replaces its own segment"
cp b.kept b.kept.first
bitmill-dedup --mode near --format jsonl --id-field id --bands 20 --rows 5 --verify 0.8 --index idx -o b.kept \
  --removed b.rem --clusters b.cl crawl.01 2>&1 | grep index | sed -E 's/[0-9][0-9,]* /N /g'
cmp b.kept b.kept.first && echo identical
ls idx
echo "--- errors: exit 1 or 2, one line, no output, the index unchanged"
set +e
"${near[@]}" --verify 0.8 --ngram 4 --index idx -o x.kept crawl.01; echo "exit=$?"
"${near[@]}" --verify 0.8 --index idx --shard 0/2 -o x.kept crawl.01; echo "exit=$?"
"${near[@]}" --verify 0.8 --index idx --work w --phase sign crawl.01; echo "exit=$?"
bitmill-dedup --index idx -o x.kept crawl.01; echo "exit=$?"
head -c 2000 idx/segment.0.bin > idx/segment.5.bin
"${near[@]}" --verify 0.8 --index idx -o x.kept crawl.01; echo "exit=$?"
ls x.* 2>/dev/null | wc -l
ls idx
