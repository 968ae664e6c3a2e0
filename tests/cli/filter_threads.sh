# bitmill-filter: the outputs and the stats are byte-identical for any thread count, across many
# blocks (the input is about 5 MB: several 1 MB blocks), in bitext and mono modes; and compressed
# inputs and outputs by extension.
rows() {
  awk 'BEGIN {
    split("Das ist ein schönes Haus Nummer @.\tThis is beautiful house number @.|Wo ist Bahnhof @?\tWhere is station @?|Ich habe @ Katzen.\tI have % cats.|This is house @.\tDas ist Haus @.|Das ist Haus @.\tDas ist Haus @.|Mehr unter www.example.org/@.\tMore at our website.|Das Haus Nummer @ ist sehr schön und groß.\tThe house", t, "|");
    for (i = 0; i < 120000; i++) { s = t[i % 7 + 1]; gsub(/@/, i, s); gsub(/%/, i + 1, s); print s }
  }'
}
rows > in.tsv
wc -l < in.tsv
for t in 1 2; do
  bitmill-filter -q -t $t --src-lang de --tgt-lang en --all-reasons --rejected rej$t.tsv.zst --stats st$t.json -o kept$t.tsv.gz in.tsv
done
cmp kept1.tsv.gz kept2.tsv.gz && cmp rej1.tsv.zst rej2.tsv.zst && cmp st1.json st2.json && echo "bitext: same bytes for -t 1 and -t 2"
echo "kept $(zcat kept1.tsv.gz | wc -l), rejected $(zstd -dc rej1.tsv.zst | wc -l)"
zstd -dc rej1.tsv.zst | cut -f 3- | sed 's/^.*\t//' | sort | uniq -c
awk 'BEGIN { for (i = 0; i < 40000; i++) printf "{\"id\": %d, \"text\": \"The cat sat on the mat number %d and then it went to the house of the dog, which was big.\\nThe dog was happy to see the cat, and they played all day in the garden %d.\"}\n", i, i, i % 50 }' > docs.jsonl
for t in 1 2; do
  bitmill-filter -q -t $t --mono --lang en --all-reasons --rejected mrej$t.jsonl -o mkept$t.jsonl docs.jsonl
done
cmp mkept1.jsonl mkept2.jsonl && cmp mrej1.jsonl mrej2.jsonl && echo "mono: same bytes for -t 1 and -t 2"
