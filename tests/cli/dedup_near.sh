# --mode near: MinHash LSH near-duplicates of lines, TSV keys and JSONL documents.
text='The quick brown fox jumps over the lazy dog near the river bank on a sunny day'
{
  echo "$text"
  echo "Completely different words make up this second line about mountains and snow"
  echo "THE QUICK BROWN FOX jumps over the lazy dog, near the river bank, on a sunny day!"
  echo "$text and then it ran home"
  echo ""
  echo "..."
} > in.txt
echo "--- lines: case and punctuation do not matter; the kept records in input order"
bitmill-dedup --mode near --removed removed.txt --clusters clusters.tsv in.txt
echo "exit=$?"
echo "--- removed, with the id of the record each duplicates"
cat removed.txt
echo "--- clusters: id, cluster (the kept record), size"
cat clusters.tsv
echo "--- --verify 0.9 drops the candidate pair below it (the longer line)"
bitmill-dedup -q --mode near --verify 0.9 --bands 20 --rows 2 in.txt
echo "--- --keep longest"
bitmill-dedup -q --mode near --keep longest --bands 20 --rows 2 in.txt
echo "--- JSONL: other fields pass through; --id-field names records"
{
  printf '{"id": "a", "text": "%s", "lang": "en"}\n' "$text"
  printf '{"id": 7, "text": "%s", "lang": "en"}\n' "$(echo "$text" | tr a-z A-Z)"
  printf '{"id": "c", "text": "", "n": 1}\n'
  printf '{}\n' | sed 's/{}/{"id": "d", "text": "a third document with nothing in common"}/'
} > docs.jsonl
bitmill-dedup --mode near --format jsonl --text-field text --id-field id -o kept.jsonl --removed rem.jsonl \
  --clusters cl.tsv docs.jsonl
echo "exit=$?"
cat kept.jsonl rem.jsonl cl.tsv
echo "--- TSV: --key tgt compares the second column"
printf 'eins\t%s\nzwei\t%s\n' "$text" "$text" | bitmill-dedup -q --mode near --key tgt
echo "--- -v prints the S-curve; --threshold chooses the banding"
bitmill-dedup -v --mode near --threshold 0.8 in.txt 2>&1 >/dev/null | grep -E 'bands|candidate'
echo "--- Chinese: ICU words; the same sentence with other punctuation is a duplicate"
printf '我们今天下午去北京的公园散步，然后在湖边吃了午饭。\n我们今天下午去北京的公园散步然后在湖边吃了午饭\n' | \
  bitmill-dedup -q --mode near --ngram 2
echo "--- bad input: one line naming the file and line, exit 2, no output left"
printf '{"text": "fine"}\nnot json\n' > bad.jsonl
bitmill-dedup --mode near --format jsonl -o out.jsonl bad.jsonl
echo "exit=$? $(ls out.jsonl* 2>/dev/null | wc -l) outputs"
printf '{"text": "fine"}\n{"body": "no text"}\n' > bad2.jsonl
bitmill-dedup --mode near --format jsonl -o out.jsonl bad2.jsonl
echo "exit=$?"
printf '{"text": 3}\n' | bitmill-dedup --mode near --format jsonl
echo "exit=$?"
printf '{"text": "x", "id": [1]}\n' | bitmill-dedup --mode near --format jsonl --id-field id --clusters c.tsv
echo "exit=$?"
printf 'a\tb\nno tab\n' | bitmill-dedup --mode near --key tgt
echo "exit=$?"
echo "--- absurd options: usage errors, exit 1"
bitmill-dedup --mode near --ngram 0 in.txt; echo "exit=$?"
bitmill-dedup --mode near --bands 300 in.txt; echo "exit=$?"
bitmill-dedup --mode near --bands 100 --rows 100 in.txt; echo "exit=$?"
bitmill-dedup --mode near --verify 1.5 in.txt; echo "exit=$?"
bitmill-dedup --mode near --threshold 1 in.txt; echo "exit=$?"
bitmill-dedup --mode near --threshold 0.8 --bands 4 in.txt; echo "exit=$?"
bitmill-dedup --mode near --normalize nfkc in.txt; echo "exit=$?"
bitmill-dedup --ngram 3 in.txt; echo "exit=$?"
bitmill-dedup --mode near --format jsonl --key src docs.jsonl; echo "exit=$?"
bitmill-dedup --mode near -o x.txt --clusters x.txt in.txt; echo "exit=$?"
