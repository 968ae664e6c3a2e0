# bitmill-align on two small parallel "documents" from the samples (German/English Tatoeba
# lines, the bundled default model): the beads, a deleted sentence, determinism across threads
# and shards, and the bad inputs (no output file left behind by any of them).
S=$CASES/../../data/samples/deu-eng.tsv
head -n 30 "$S" | cut -f1 > a.txt
head -n 30 "$S" | cut -f2 > b.txt
# Document 0: lines 1-10 of each side. Document 1: lines 11-30, target line 15 deleted.
{ sed -n 1,10p a.txt; echo; sed -n 11,30p a.txt; } > src.txt
{ sed -n 1,10p b.txt; echo; sed -n 11,14p b.txt; sed -n 16,30p b.txt; } > tgt.txt
check() { echo "exit=$1 out_exists=$([ -e out.tsv ] && echo yes || echo no) tmp_left=$(ls | grep -c '\.tmp\.')"; }

echo "--- the beads (doc, src lines, tgt lines; score and text checked below)"
bitmill-align -q --src src.txt --tgt tgt.txt -o out.tsv; check $?
cut -f1-3 out.tsv
echo "columns per line: $(awk -F'\t' '{print NF}' out.tsv | sort -u | tr '\n' ' ')"
echo "scores in [-1, 1]: $(awk -F'\t' '$4 < -1 || $4 > 1' out.tsv | wc -l | tr -d ' ') outside"
echo "every source line once: $(cut -f2 out.tsv | tr ',' '\n' | grep -v '^$' | sort -n | tr '\n' ' ')"
echo "every target line once: $(cut -f3 out.tsv | tr ',' '\n' | grep -v '^$' | sort -n | tr '\n' ' ')"
echo "texts are the lines': $(awk -F'\t' 'NR==FNR {s[FNR-1]=$0; next} $2 ~ /^[0-9]+$/ && s[$2] != $5' src.txt out.tsv | wc -l | tr -d ' ') differ"

echo "--- the same with 1 and 2 threads, and as the union of 2 shards"
bitmill-align -q -t 1 --src src.txt --tgt tgt.txt -o t1.tsv
bitmill-align -q -t 2 --src src.txt --tgt tgt.txt -o t2.tsv
bitmill-align -q --shard 0/2 --src src.txt --tgt tgt.txt -o s0.tsv
bitmill-align -q --shard 1/2 --src src.txt --tgt tgt.txt -o s1.tsv
cmp -s out.tsv t1.tsv && cmp -s out.tsv t2.tsv && echo "threads: same" || echo "threads: DIFFER"
sort -n -s -k1,1 s0.tsv s1.tsv | cmp -s - out.tsv && echo "shards: same" || echo "shards: DIFFER"

echo "--- the exact programme and the coarse-to-fine search agree (--max-full-dp 4 forces halvings)"
bitmill-align -q --max-full-dp 4 --src src.txt --tgt tgt.txt -o c2f.tsv
cmp -s out.tsv c2f.tsv && echo "coarse-to-fine: same" || echo "coarse-to-fine: DIFFER"

echo "--- an empty document and a one-sentence document"
printf 'Hallo.\n\n\nEin Satz.\n' > e_src.txt
printf 'Hello.\n\nNothing here.\n\nOne sentence.\n' > e_tgt.txt
bitmill-align -q --src e_src.txt --tgt e_tgt.txt | cut -f1-3

echo "--- the two documents as lists of files (--src-docs, --tgt-docs): the same beads, line numbers per file"
mkdir -p d
sed -n 1,10p src.txt > d/s0.txt; sed -n 12,31p src.txt > d/s1.txt
sed -n 1,10p tgt.txt > d/t0.txt; sed -n 12,30p tgt.txt > d/t1.txt
printf 'd/s0.txt\nd/s1.txt\n' > s.list; printf 'd/t0.txt\nd/t1.txt\n' > t.list
bitmill-align -q --src-docs s.list --tgt-docs t.list -o lists.tsv
awk -F'\t' -v OFS='\t' '$1 == 1 {n = split($2, a, ","); $2 = ""; for (k = 1; k <= n; k++) $2 = $2 (k > 1 ? "," : "") a[k] - 11;
  n = split($3, b, ","); $3 = ""; for (k = 1; k <= n; k++) $3 = $3 (k > 1 ? "," : "") b[k] - 11} {print}' out.tsv |
  cmp -s - lists.tsv && echo "lists: same" || echo "lists: DIFFER"
bitmill-align overlaps -q --src-docs s.list | wc -l | tr -d ' '

rm -f out.tsv
echo "--- different numbers of documents"
printf 'a\n\nb\n' > two.txt; printf 'a\n' > one.txt
bitmill-align --src two.txt --tgt one.txt -o out.tsv; check $?
echo "--- invalid UTF-8 at line 2"
printf 'ok\n\xff\n' > bad.txt
bitmill-align --src bad.txt --tgt b.txt -o out.tsv; check $?
echo "--- a missing file"
bitmill-align --src missing.txt --tgt b.txt -o out.tsv; check $?
echo "--- --max-size 1"
bitmill-align --max-size 1 --src src.txt --tgt tgt.txt -o out.tsv; check $?
echo "--- --del-percentile 2"
bitmill-align --del-percentile 2 --src src.txt --tgt tgt.txt -o out.tsv; check $?
echo "--- no --tgt"
bitmill-align --src src.txt -o out.tsv; check $?
