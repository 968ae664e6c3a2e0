# Sharded mining (a k-NN shard per task with --work, then `merge`) against unsharded bitmill-mine:
# the merged output must be byte-identical for every shard count, more shards than rows included,
# with and without --unify, for every retrieval mode and margin, with --threshold and --ids. Then
# reruns, the Slurm array variables, and damaged, missing or mismatched shard files: one line
# naming the file, exit 2, and no output.
ref=$CASES/../reference/mine_reference.py
py=/usr/bin/python3
export PYTHONDONTWRITEBYTECODE=1
set -e
# Planted pairs among random rows; repeated lines (with copies of their rows) for --unify and for
# exact ties, which must go to the lower line across shard borders.
$py "$ref" make-data big --n-src 300 --n-tgt 250 --dim 32 --planted 80 --dup 40 --seed 7
$py "$ref" make-data tiny --n-src 6 --n-tgt 9 --dim 16 --planted 3 --dup 2 --seed 8
set +e

files() { echo "--src $1/src.txt --tgt $1/tgt.txt --src-emb $1/src.npy --tgt-emb $1/tgt.npy"; }
# The option sets of the merge step; their names label the output.
names=(max fwd_distance bwd_absolute intersect_ids threshold_ids)
opts=("" "--retrieval fwd --margin distance" "--retrieval bwd --margin absolute --ids" "--retrieval intersect --ids"
  "--threshold 1.1 --ids")

echo "--- unsharded vs merged shards"
# compare DATA SHARDS [--unify]: every option set, merged from SHARDS shards, against one run.
# $tag names the search method when it is not the default.
tag=
compare() {
  local d=$1 n=$2 unify=$3 w=w_$tag$1_$2${3:+_u} ref=full_$tag$1${3:+_u} same=0 i
  mkdir $w
  for ((i = 0; i < n; i++)); do
    bitmill-mine -q $(files $d) $unify --work $w --shard $i/$n -t 1 || echo "shard $i/$n exited with $?"
  done
  for i in "${!names[@]}"; do
    [ -f ${ref}_$i.tsv ] || bitmill-mine -q $(files $d) $unify ${opts[$i]} -o ${ref}_$i.tsv
    bitmill-mine merge -q --src $d/src.txt --tgt $d/tgt.txt --work $w ${opts[$i]} -t 2 -o merged.tsv
    if cmp -s ${ref}_$i.tsv merged.tsv; then
      same=$((same + 1))
    else
      echo "$tag$d ${unify:+$unify }N=$n, ${names[$i]}: DIFFERENT"
    fi
    rm -f merged.tsv
  done
  echo "$tag$d ${unify:+$unify }N=$n: $same of ${#names[@]} option sets byte-identical"
}
for n in 1 3 7; do compare big $n; done
for n in 1 3 7; do compare big $n --unify; done
# More shards than (distinct) source rows: empty and one-row shards.
compare tiny 8
compare tiny 8 --unify
echo "tiny: $(sort -u tiny/src.txt | wc -l) distinct of $(wc -l < tiny/src.txt) source lines"
# The f32 search too (the default without AVX-512 VNNI; with it, the int8 one): it is the one that
# would give a row alone in a one-row shard other last bits, unless knn_shard() guards against it.
export BITMILL_ISA=avx2 tag=f32_
compare big 7 --unify
compare tiny 8
compare tiny 8 --unify
unset BITMILL_ISA tag

echo "--- the outputs compared are not trivial"
for f in full_big_0.tsv full_big_u_0.tsv full_tiny_0.tsv full_tiny_u_0.tsv; do
  [ -s $f ] && echo "$f: not empty"
done
[ "$(wc -l < full_big_4.tsv)" -lt "$(wc -l < full_big_0.tsv)" ] && echo "--threshold drops rows: yes"
[ "$(wc -l < full_big_u_0.tsv)" -lt "$(wc -l < full_big_0.tsv)" ] && echo "--unify drops rows: yes"
echo "planted pairs found (big, intersect): $(cut -f2,3 full_big_3.tsv | grep -cxFf big/gold.tsv) of $(wc -l < big/gold.tsv)"

echo "--- Slurm array tasks (--array=1-3) write the files of --shard 0/3 .. 2/3"
mkdir slurm
for t in 1 2 3; do
  SLURM_ARRAY_TASK_ID=$t SLURM_ARRAY_TASK_COUNT=3 SLURM_ARRAY_TASK_MIN=1 \
    bitmill-mine -q $(files big) --work slurm/ || echo "task $t exited with $?"
done
ls slurm
for i in 0 1 2; do cmp slurm/knn.$i-of-3.bin w_big_3/knn.$i-of-3.bin && echo "shard $i/3: same bytes"; done

check() { echo "exit=$1 out_exists=$([ -e out.tsv ] && echo yes || echo no) tmp_left=$(find . -name '*.tmp.*' | wc -l)"; }
merge() { bitmill-mine merge -q --src big/src.txt --tgt big/tgt.txt --work w_big_3 --ids -o out.tsv "$@"; }
bitmill-mine -q $(files big) --ids -o ref_ids.tsv

echo "--- a rerun skips a finished shard and leaves its file alone"
before=$(stat -c %i w_big_3/knn.1-of-3.bin)
cp w_big_3/knn.1-of-3.bin saved.bin
bitmill-mine $(files big) --work w_big_3 --shard 1/3; echo "exit=$?"
cmp -s saved.bin w_big_3/knn.1-of-3.bin && [ "$before" = "$(stat -c %i w_big_3/knn.1-of-3.bin)" ] && echo "same file: yes"

echo "--- a rerun with other options is an error; --force recomputes the shard"
bitmill-mine $(files big) -k 8 --work w_big_3 --shard 1/3; echo "exit=$?"
bitmill-mine $(files big) --unify --work w_big_3 --shard 1/3; echo "exit=$?"
bitmill-mine -q $(files big) -k 8 --work w_big_3 --shard 1/3 --force; echo "exit=$?"
merge; check $?
bitmill-mine -q $(files big) --work w_big_3 --shard 1/3 --force; echo "exit=$?"
cmp saved.bin w_big_3/knn.1-of-3.bin && echo "recomputed: the same bytes"

echo "--- a flipped byte in the lists"
cp saved.bin w_big_3/knn.1-of-3.bin
$py -c "
import sys
b = bytearray(open(sys.argv[1], 'rb').read()); b[-30] ^= 4; open(sys.argv[1], 'wb').write(b)" w_big_3/knn.1-of-3.bin
merge; check $?
echo "--- a flipped byte in the header"
cp saved.bin w_big_3/knn.1-of-3.bin
$py -c "
import sys
b = bytearray(open(sys.argv[1], 'rb').read()); b[70] ^= 1; open(sys.argv[1], 'wb').write(b)" w_big_3/knn.1-of-3.bin
merge; check $?
echo "--- a truncated shard: merge fails, and a rerun asks for --force"
cp saved.bin w_big_3/knn.1-of-3.bin
truncate -s -12 w_big_3/knn.1-of-3.bin
merge; check $?
bitmill-mine -q $(files big) --work w_big_3 --shard 1/3; echo "exit=$?"
bitmill-mine -q $(files big) --work w_big_3 --shard 1/3 --force; echo "exit=$?"
merge; check $?
cmp out.tsv ref_ids.tsv && echo "repaired: merged output byte-identical"
rm -f out.tsv

echo "--- a missing shard"
mv w_big_3/knn.2-of-3.bin moved.bin
merge; check $?
merge --shards 5; check $?
mv moved.bin w_big_3/knn.2-of-3.bin
echo "--- shard files of two shard counts in one folder"
cp w_big_1/knn.0-of-1.bin w_big_3/
merge; check $?
merge --shards 3 && cmp out.tsv ref_ids.tsv && echo "--shards 3 picks them: byte-identical"
rm -f out.tsv w_big_3/knn.0-of-1.bin

echo "--- other inputs than the shards were computed from"
bitmill-mine merge --src tiny/src.txt --tgt big/tgt.txt --work w_big_3 -o out.tsv; check $?
$py -c "
import numpy as np
x = np.load('big/src.npy'); x[-1] *= -1; np.save('src2.npy', x)"
bitmill-mine merge --src big/src.txt --tgt big/tgt.txt --src-emb src2.npy --work w_big_3 -o out.tsv; check $?
bitmill-mine merge -q --src big/src.txt --tgt big/tgt.txt --src-emb big/src.npy --tgt-emb big/tgt.npy \
  --work w_big_3 -o out.tsv; echo "the right embeddings pass: exit=$?"
rm -f out.tsv

echo "--- usage"
bitmill-mine $(files big) --work nowhere --shard 0/2; check $?
bitmill-mine merge --src big/src.txt --tgt big/tgt.txt --work nowhere -o out.tsv; check $?
bitmill-mine merge --src big/src.txt --tgt big/tgt.txt -o out.tsv; check $?
bitmill-mine $(files big) --work w_big_3 --shard 0/3 -o out.tsv; check $?
bitmill-mine $(files big) --shard 0/3 -o out.tsv; check $?
bitmill-mine $(files big) --work w_big_3 --shard 3/3; check $?
