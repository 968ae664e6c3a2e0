# Issue 15's usage defects, each as a user hit it: absurd option values are usage errors (exit 1)
# before anything is allocated or written; options of another mode or search are refused, not
# ignored; repeatable options leave the input files alone; messages stay one printable line.
S=$CASES/../../data/samples
check() { echo "exit=$1 files=$(ls | grep -c -e '^out' -e '\.tmp\.')"; }  # outputs and temp files left
printf 'a\nb\na\n' > a.txt

echo "--- -t -1 and -t 2^32-1 on every tool: no allocation, no output, no temp file"
for t in -1 4294967295 18446744073709551615 1025 1e3; do
  bitmill-dedup -t $t a.txt -o out.txt 2>err.txt; check $?
  head -1 err.txt
done
bitmill-filter -t -1 --src-lang de --tgt-lang en a.txt -o out.tsv; check $?
bitmill-embed -t -1 a.txt -o out.npy; check $?
bitmill-index -t -1 x.npy -o out.faiss; check $?
bitmill-mine -t -1 --src a.txt --tgt a.txt -o out.tsv; check $?
bitmill-eval tatoeba -t -1 --src-emb x.npy --tgt-emb x.npy; check $?

echo "--- sizes, counts and shard specs"
bitmill-embed -q $S/mine/deu.txt -o deu.npy
bitmill-embed -q $S/mine/eng.txt -o eng.npy
bitmill-index --check-recall=18446744073709551615 deu.npy -o out.faiss; check $?
bitmill-index --batch 0 deu.npy -o out.faiss; check $?
bitmill-index --dim 99999999999 deu.npy -o out.faiss; check $?
bitmill-mine merge --work . --shards 18446744073709551615 --src a.txt --tgt a.txt; check $?
bitmill-mine --block -5 --src a.txt --tgt a.txt; check $?
bitmill-embed --batch-tokens 18446744073709551615 a.txt -o out.npy; check $?
bitmill-filter --src-col -1 --src-lang de --tgt-lang en a.txt -o out.tsv; check $?
bitmill-dedup --shard 5/18446744073709551615 a.txt -o out.txt; check $?

echo "--- thresholds are numbers, never NaN"
bitmill-mine --src $S/mine/deu.txt --tgt $S/mine/eng.txt --src-emb deu.npy --tgt-emb eng.npy --threshold nan -o out.tsv
check $?
bitmill-eval bucc --mined a.txt --gold a.txt --threshold NaN; check $?
bitmill-filter --src-lang de --tgt-lang en --model default --min-score nan a.txt -o out.tsv; check $?

echo "--- mine: one index without the other, and each search's options"
bitmill-index -q deu.npy -o deu.faiss
bitmill-mine --src $S/mine/deu.txt --tgt $S/mine/eng.txt --src-emb deu.npy --tgt-emb eng.npy --tgt-index deu.faiss \
  -o out.tsv
check $?
bitmill-mine --src $S/mine/deu.txt --tgt $S/mine/eng.txt --src-emb deu.npy --tgt-emb eng.npy --nprobe 8 -o out.tsv
check $?
bitmill-mine --src $S/mine/deu.txt --tgt $S/mine/eng.txt --src-emb deu.npy --tgt-emb eng.npy --src-index deu.faiss \
  --tgt-index deu.faiss --block 64 -o out.tsv
check $?
mkdir knn
bitmill-mine --src $S/mine/deu.txt --tgt $S/mine/eng.txt --src-emb deu.npy --tgt-emb eng.npy --src-index deu.faiss \
  --tgt-index deu.faiss --work knn
echo "exit=$? knn_files=$(ls knn | wc -l)"

echo "--- mine: the \\r of CRLF lines stays out of the output fields"
sed 's/$/\r/' $S/mine/deu.txt > deu_crlf.txt
sed 's/$/\r/' $S/mine/eng.txt > eng_crlf.txt
bitmill-mine -q --src deu_crlf.txt --tgt eng_crlf.txt --src-emb deu.npy --tgt-emb eng.npy --threshold 1.1 > crlf.tsv
bitmill-mine -q --src $S/mine/deu.txt --tgt $S/mine/eng.txt --src-emb deu.npy --tgt-emb eng.npy --threshold 1.1 > lf.tsv
echo "pairs=$(wc -l < crlf.tsv) with_cr=$(grep -c $'\r' crlf.tsv) same_as_lf=$(cmp -s crlf.tsv lf.tsv && echo yes || echo no)"

echo "--- filter: --set, --disable and --enable leave the input file alone (README's example)"
head -3 $S/deu-eng.tsv > corpus.tsv
bitmill-filter --src-lang de --tgt-lang en --explain > rules.yaml
bitmill-filter -q --src-lang de --tgt-lang en --config rules.yaml --set length-ratio.max=3 corpus.tsv | wc -l
bitmill-filter -q --src-lang de --tgt-lang en --disable urls corpus.tsv | wc -l
bitmill-filter -q --src-lang de --tgt-lang en --enable urls corpus.tsv | wc -l

echo "--- filter: options of the other mode are refused"
bitmill-filter --mono --src-lang en a.txt -o out.jsonl; check $?
bitmill-filter --mono --src-col 2 a.txt -o out.jsonl; check $?
bitmill-filter --src-lang de --tgt-lang en --text-field body corpus.tsv -o out.tsv; check $?
bitmill-filter --src-lang de --tgt-lang en -o out.tsv --rejected ./out.tsv corpus.tsv; check $?
bitmill-filter --src-lang de --tgt-lang en --rejected out.tsv --stats out.tsv corpus.tsv; check $?

echo "--- filter: invalid UTF-8 is the utf8 rule's rejection, with the semantic rule too"
printf 'Guten Morgen, wie geht es dir heute?\tGood morning, how are you today?\n' > bad.tsv
printf 'Guten Mo\xffrgen, wie geht es dir?\tGood morning, how are \xfeyou?\n' >> bad.tsv
bitmill-filter -q --src-lang de --tgt-lang en --model default --all-reasons --rejected rej.tsv bad.tsv | wc -l
echo "exit=${PIPESTATUS[0]} rejected_by=$(cut -f 3 rej.tsv | cut -d, -f1)"
bitmill-filter -q --src-lang de --tgt-lang en --model default --annotate bad.tsv | cut -f 3 | cut -d, -f1
echo "exit=${PIPESTATUS[0]}"

echo "--- messages quote input bytes as printable escapes, on one line"
bitmill-dedup "$(printf 'no\x1b[31m\nsuch\xff.txt')"; echo "exit=$?"
/usr/bin/python3 -c "
h = b\"{'descr': '<c8\\n\\x1b[2J', 'fortran_order': False, 'shape': (2, 2), }\"
h += b' ' * ((64 - (11 + len(h)) % 64) % 64) + b'\\n'
open('nl.npy', 'wb').write(b'\\x93NUMPY\\x01\\x00' + len(h).to_bytes(2, 'little') + h + bytes(32))"
bitmill-index nl.npy -o out.faiss; check $?

echo "--- index: FAISS's k-means warnings, once, as the tool's warning (none under -q)"
/usr/bin/python3 -c "
import numpy as np
np.save('r.npy', np.random.default_rng(0).standard_normal((3000, 32)).astype('float32'))"
bitmill-index --factory IVF16,PQ8np -o pq.faiss r.npy 2>&1 | grep -v 'pq.faiss:'
bitmill-index -q --force --factory IVF16,PQ8np -o pq.faiss r.npy 2>&1 | wc -l

echo "--- a damaged FAISS index (a product quantizer with M = 0: FAISS divides by it)"
cp $CASES/../fuzz/corpus/faiss_index/regress-pq-m0-sigfpe pq0.faiss
bitmill-mine --src $S/mine/deu.txt --tgt $S/mine/eng.txt --src-emb deu.npy --tgt-emb eng.npy --src-index pq0.faiss \
  --tgt-index pq0.faiss -o out.tsv
check $?
