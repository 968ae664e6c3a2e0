# The bitext pipeline as Make targets (scripts/make/Makefile) on the sample: `make -j 3` is
# killed (SIGTERM to make and its jobs) while the k-NN shards are searched, then run
# again: it resumes, and the result is byte-identical to the pipeline run in one process, with no
# temporary file left.
root=$CASES/../..
cat > p.conf <<CONF
SRC_LANG=de
TGT_LANG=en
SRC_TEXT=($root/data/samples/mine/deu.txt)
TGT_TEXT=($root/data/samples/mine/eng.txt)
OUT=$PWD/out
PIECES=3
KNN_SHARDS=3
NEAR_PIECES=2
NEAR_JOINS=3
CPUS=1
BITMILL_BIN=$BIN
PAUSE_STAGE=knn
PAUSE_SECONDS=3
CONF
mk=(make -s -f "$root/scripts/make/Makefile" CONFIG=p.conf -j 3)
setsid "${mk[@]}" > make1.log 2>&1 &
pid=$!
for _ in $(seq 200); do
  [ -e out/emb/tgt.npy ] && break
  sleep 0.1
done
sleep 1
kill -TERM -- -$pid
wait $pid
echo "interrupted: make exit $?, final.tsv $([ -e out/final.tsv ] && echo exists || echo absent)," \
  "$(ls out/knn 2> /dev/null | grep -c '^knn\..*\.bin$') of 3 k-NN shards done"
"${mk[@]}" check 2>&1 | sed "s|$PWD|.|g"
echo "make exit ${PIPESTATUS[0]}"
echo "temporary files left: $(find out -name '*.tmp*' | wc -l)"
"${mk[@]}" && echo "a third make: nothing to do"
echo "--- the index path (INDEX: FAISS IVF indexes trained once per side, filled in 3 shards, merged)"
sed "s|^OUT=.*|OUT=$PWD/out-index|; /^PAUSE_/d" p.conf > pi.conf
printf 'INDEX="IVF8,Flat"\nINDEX_SHARDS=3\n' >> pi.conf
make -s -f "$root/scripts/make/Makefile" CONFIG=pi.conf -j 3 check 2>&1 | sed "s|$PWD|.|g"
echo "index files: $(ls out-index/index | wc -l)"
