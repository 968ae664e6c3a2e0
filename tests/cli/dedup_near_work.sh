# bitmill-dedup --mode near --work: the four phases of a sharded run (sign per input shard, join
# per band shard, cluster, apply per input shard) give, concatenated in shard order, the bytes of
# one run_near() process: kept, --removed and --clusters, with and without --verify, --keep first
# and longest, 1, 4 and 7 input shards, 1, 3 and 14 band shards, 1 or 2 threads, in memory or
# spilled. Then reruns, and what a broken work directory gives.
set -e
ref=$CASES/../reference/dedup_near_reference.py
export PYTHONDONTWRITEBYTECODE=1
/usr/bin/python3 "$ref" make-data docs.jsonl --vocab "$CASES/../../data/samples/deu-eng.tsv" --bases 400 --chains 10 \
  --seed 7
# Nine inputs of unequal sizes, a blank text among them.
split -d -n l/9 docs.jsonl part.
echo '{"id": "empty", "text": ""}' >> part.04
parts=(part.0*)
near=(bitmill-dedup -q --mode near --format jsonl --id-field id --bands 20 --rows 5)

# run_sharded N M ARGS...: every phase of a run of N input shards and M band shards, into w/.
run_sharded() {
  local n=$1 m=$2 i
  shift 2
  rm -rf w sh.*
  for ((i = 0; i < n; i++)); do "${near[@]}" "$@" --work w --phase sign --shard $i/$n "${parts[@]}"; done
  for ((i = 0; i < m; i++)); do "${near[@]}" "$@" --work w --phase join --shard $i/$m; done
  "${near[@]}" "$@" --work w --phase cluster
  for ((i = 0; i < n; i++)); do
    "${near[@]}" "$@" --work w --phase apply --shard $i/$n -o sh.kept.$i --removed sh.rem.$i --clusters sh.cl.$i \
      "${parts[@]}"
  done
}
# same N: the shards' outputs, concatenated, against one.kept, one.rem, one.cl.
same() {
  local x i files
  for x in kept rem cl; do
    files=()
    for ((i = 0; i < $1; i++)); do files+=(sh.$x.$i); done
    cat "${files[@]}" | cmp - one.$x
  done
}
for opts in "" "--verify 0.8" "--keep longest" "--verify 0.7 --keep longest"; do
  # shellcheck disable=SC2086
  "${near[@]}" $opts -t 2 -o one.kept --removed one.rem --clusters one.cl "${parts[@]}"
  echo "--- ${opts:-defaults}: one process keeps $(wc -l < one.kept) of $(cat "${parts[@]}" | wc -l)," \
    "$(wc -l < one.cl) records in clusters"
  for shards in "1 1" "4 3" "7 14"; do
    # shellcheck disable=SC2086
    run_sharded $shards $opts -t 1
    same ${shards% *} && echo "$shards (input shards, band shards): identical"
  done
done
echo "--- 2 threads, 40 bands and 1 MiB of memory (the join spills): identical"
near=(bitmill-dedup -q --mode near --format jsonl --id-field id --bands 40 --rows 2)
run_sharded 4 1 --verify 0.8 -t 2 --memory 1M
"${near[@]}" --verify 0.8 -t 1 -o one.kept --removed one.rem --clusters one.cl "${parts[@]}"
same 4 && echo identical
"${near[@]/-q/-v}" --verify 0.8 --memory 1M --work w --phase join --force 2>&1 | grep -o 'spilled to disk'
near=(bitmill-dedup -q --mode near --format jsonl --id-field id --bands 20 --rows 5)
run_sharded 4 2 --verify 0.8

echo "--- a rerun skips the finished phases; --force redoes one"
bitmill-dedup --mode near --format jsonl --id-field id --bands 20 --rows 5 --verify 0.8 --work w --phase sign \
  --shard 1/4 "${parts[@]}" 2>&1 | sed 's/^/  /'
bitmill-dedup --mode near --format jsonl --id-field id --bands 20 --rows 5 --verify 0.8 --work w --phase join \
  --shard 0/2 2>&1 | sed 's/^/  /'
bitmill-dedup --mode near --format jsonl --id-field id --bands 20 --rows 5 --verify 0.8 --work w --phase sign \
  --shard 1/4 --force "${parts[@]}" 2>&1 | sed -E 's/^/  /; s/ \[[^]]*\]$//'
ls w

echo "--- errors: one line, exit 1 (usage) or 2 (data), no output"
set +e
"${near[@]}" --verify 0.9 --work w --phase join --shard 0/2; echo "exit=$?"
"${near[@]}" --verify 0.8 --work w --phase apply --shard 0/4 -o x.kept part.00 part.01; echo "exit=$?"
"${near[@]}" --verify 0.8 --work w --phase apply --shard 0/3 -o x.kept "${parts[@]}"; echo "exit=$?"
"${near[@]}" --verify 0.8 --keep longest --work w --phase apply --shard 0/4 -o x.kept "${parts[@]}"; echo "exit=$?"
"${near[@]}" --verify 0.8 --work w --phase sign --shard 0/4 -o x.kept "${parts[@]}"; echo "exit=$?"
"${near[@]}" --verify 0.8 --work w --phase join "${parts[@]}"; echo "exit=$?"
"${near[@]}" --verify 0.8 --work w --phase cluster --shard 0/2; echo "exit=$?"
"${near[@]}" --verify 0.8 --work w --phase sign - < part.00; echo "exit=$?"
"${near[@]}" --verify 0.8 --work w --phase sign --shard-by file "${parts[@]}"; echo "exit=$?"
"${near[@]}" --verify 0.8 --work w; echo "exit=$?"
"${near[@]}" --verify 0.8 --phase sign "${parts[@]}"; echo "exit=$?"
bitmill-dedup --work w --phase sign "${parts[@]}"; echo "exit=$?"
echo '{"id": "new", "text": "one more"}' >> part.02
"${near[@]}" --verify 0.8 --work w --phase apply --shard 1/4 -o x.kept "${parts[@]}"; echo "exit=$?"
rm w/sign.2-of-4.bin
"${near[@]}" --verify 0.8 --work w --phase join --shard 0/2 --force; echo "exit=$?"
head -c 1000 w/sign.1-of-4.bin > w/sign.2-of-4.bin
"${near[@]}" --verify 0.8 --work w --phase join --shard 0/2 --force; echo "exit=$?"
cp w/sign.1-of-4.bin w/sign.2-of-4.bin
printf 'X' | dd of=w/sign.2-of-4.bin bs=1 seek=5000 conv=notrunc status=none
"${near[@]}" --verify 0.8 --work w --phase join --shard 0/2 --force; echo "exit=$?"
cp w/sign.1-of-4.bin w/sign.2-of-4.bin
"${near[@]}" --verify 0.8 --work w --phase join --shard 0/2 --force; echo "exit=$?"
cp w/sign.1-of-4.bin w/sign.1-of-5.bin
"${near[@]}" --verify 0.8 --work w --phase join --shard 0/2 --force; echo "exit=$?"
rm w/sign.1-of-5.bin w/join.1-of-2.bin
"${near[@]}" --verify 0.8 --work w --phase sign --shard 2/4 --force "${parts[@]}"
"${near[@]}" --verify 0.8 --work w --phase cluster --force; echo "exit=$?"
ls x.* 2>/dev/null | wc -l
