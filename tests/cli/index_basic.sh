# bitmill-index against independent references (tests/reference/index_reference.py): numpy's exact
# float64 search for Flat indexes and IVF ones probing every list, Debian's python3-faiss reading
# the files bitmill writes; the train-only / shard / merge flow against a whole build; recall,
# reruns, determinism over thread counts, and the errors (exit codes, no output left behind).
set -e
ref=$CASES/../reference/index_reference.py
py=/usr/bin/python3
export PYTHONDONTWRITEBYTECODE=1 OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2
$py "$ref" make-data .   # 2000 clustered rows of 32 (a.npy f32 1200, b.npy f16 800), 60 queries
emb="a.npy b.npy"

echo "--- Flat (the default below 20,000 vectors): exact"
bitmill-index -o flat.faiss $emb --check-recall
bitmill-index search --index flat.faiss --queries q.npy -k 5 -o flat.tsv
head -3 flat.tsv | cut -f1-3
$py "$ref" exact flat.tsv --queries q.npy -k 5 $emb
$py "$ref" faiss flat.faiss flat.tsv --queries q.npy -k 5

echo "--- IVF probing every list: exact; probing one: recall below 1, as numpy counts it"
bitmill-index --factory IVF16,Flat --nprobe 16 -o ivf.faiss $emb --check-recall=500 -k 10 --stats stats.json
$py -c 'import json; s = json.load(open("stats.json")); print({k: s[k] for k in ("type", "vectors", "train_rows", "nlist", "nprobe")}, s["recall"])'
bitmill-index search --index ivf.faiss --queries q.npy -k 5 -o ivf.tsv
$py "$ref" exact ivf.tsv --queries q.npy -k 5 $emb
bitmill-index search --index ivf.faiss --queries q.npy -k 5 --nprobe 1 -o ivf1.tsv
$py "$ref" recall ivf1.tsv --queries q.npy -k 5 $emb
$py "$ref" faiss ivf.faiss ivf1.tsv --queries q.npy -k 5 --nprobe 1
bitmill-index --factory IVF16,Flat --nprobe 1 -o ivf1.faiss $emb --check-recall=500 -k 10

echo "--- train once, 3 shards, merge: the search results of the whole build"
bitmill-index --factory IVF16,Flat --train-only -o trained.faiss $emb
for i in 0 1 2; do bitmill-index --trained trained.faiss --shard $i/3 -o shard.$i.faiss $emb; done
bitmill-index merge -o merged.faiss shard.2.faiss shard.0.faiss shard.1.faiss --nprobe 16
$py "$ref" ids merged.faiss 2000
bitmill-index --trained trained.faiss --nprobe 16 -q -o whole.faiss $emb
bitmill-index search -q --index merged.faiss --queries q.npy -k 5 -o merged.tsv
bitmill-index search -q --index whole.faiss --queries q.npy -k 5 -o whole.tsv
cmp merged.tsv whole.tsv && echo "merged and whole: the same search results"
cmp whole.tsv ivf.tsv && echo "whole and the one-step IVF build: the same search results"

echo "--- Flat shards by file (an id map keeps the global rows), merged"
bitmill-index --shard 0/2 --shard-by file -o fs0.faiss $emb
bitmill-index --shard 1/2 --shard-by file -o fs1.faiss $emb
bitmill-index merge -q -o fmerged.faiss fs0.faiss fs1.faiss
$py "$ref" ids fmerged.faiss 2000
bitmill-index search -q --index fmerged.faiss --queries q.npy -k 5 -o fmerged.tsv
cmp fmerged.tsv flat.tsv && echo "merged Flat shards and the whole Flat index: the same search results"

echo "--- determinism: -t 1 and -t 2 give the same bytes and the same search results"
bitmill-index -q --factory IVF32,Flat -t 1 -o t1.faiss $emb
bitmill-index -q --factory IVF32,Flat -t 2 -o t2.faiss $emb
cmp t1.faiss t2.faiss && echo "IVF32,Flat: identical index files"
bitmill-index search -q -t 1 --index flat.faiss --queries q.npy -k 5 -o st1.tsv
bitmill-index search -q -t 2 --index flat.faiss --queries q.npy -k 5 -o st2.tsv
cmp st1.tsv st2.tsv && cmp st1.tsv flat.tsv && echo "Flat search: identical results"

echo "--- raw f32 rows with --dim: the same index as from the .npy"
$py -c 'import numpy as np; np.load("a.npy").tofile("a.f32")'
bitmill-index -q --dim 32 -o raw.faiss a.f32
bitmill-index -q -o a.faiss a.npy
cmp raw.faiss a.faiss && echo "a.f32 --dim 32 and a.npy: identical index files"

echo "--- rerun: a complete output is kept, --force rebuilds it, another one is an error"
bitmill-index -o flat.faiss $emb; echo "exit=$?"
bitmill-index --force -o flat.faiss $emb; echo "exit=$?"
bitmill-index -o flat.faiss a.npy || echo "exit=$?"

echo "--- errors: one line naming the file, exit 2 (1 for usage), no output left"
check() { echo "exit=$1 out_exists=$([ -e out.faiss ] && echo yes || echo no) tmp_left=$(ls | grep -c '\.tmp\.' || true)"; }
bitmill-index -o out.faiss a.npy nothere.npy || check $?
bitmill-index -o out.faiss a.npy d33.npy || check $?
bitmill-index -o out.faiss a.npy nan.npy || check $?
bitmill-index --factory IVF16,Flat --shard 1/3 -o out.faiss $emb || check $?
bitmill-index --factory Flat --nprobe 8 -o out.faiss $emb || check $?
bitmill-index --factory IVF5000,Flat -o out.faiss $emb || check $?
bitmill-index --factory NotAFactory -o out.faiss $emb || check $?
bitmill-index --trained flat.faiss --factory Flat -o out.faiss $emb || check $?
bitmill-index $emb || check $?
bitmill-index search --index flat.faiss --queries d33.npy || check $?
head -c 1000 ivf.faiss > cut.faiss
bitmill-index search --index cut.faiss --queries q.npy || check $?
bitmill-index search --index nothere.faiss --queries q.npy || check $?
bitmill-index --factory HNSW8 --shard 0/2 -q -o h0.faiss $emb
bitmill-index --factory HNSW8 --shard 1/2 -q -o h1.faiss $emb
bitmill-index merge -o out.faiss h0.faiss h1.faiss || check $?
bitmill-index merge -o out.faiss flat.faiss || check $?
bitmill-index merge -o out.faiss shard.0.faiss ivf1.faiss shard.0.faiss || check $?
bitmill-index --factory IVF16,Flat --train-only --train-size 700 -q -o other.faiss $emb
bitmill-index --trained other.faiss --shard 0/3 -q -o other.0.faiss $emb
bitmill-index merge -o out.faiss shard.1.faiss other.0.faiss || check $?
