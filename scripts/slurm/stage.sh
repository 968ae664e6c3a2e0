#!/usr/bin/env bash
# One task of one stage of the bitext pipeline (scripts/slurm/pipeline.sh submits them; Make and
# tests run them directly):
#
#   scripts/slurm/stage.sh CONFIG STAGE [TASK]
#
# TASK defaults to $SLURM_ARRAY_TASK_ID (0 for a stage of one task). Every output is written
# under a temporary name and renamed when complete, and a task whose output is there does nothing,
# so a task may be killed, requeued or rerun at any moment. `scripts/slurm/stage.sh CONFIG tasks
# STAGE` prints the number of tasks of STAGE, `... output STAGE TASK` the task's output, and
# `... done STAGE TASK` exits 0 when that output is there. Stages, in order (OUT is the config's output folder):
#
#   split     2 tasks (source, target): OUT/text/SIDE.txt, the side's files concatenated, and
#             OUT/pieces/SIDE/NNNN, its PIECES pieces (split -n l/PIECES)
#   embed     2 x PIECES tasks: OUT/emb/SIDE.NNNN.npy, one piece each
#   embmerge  2 tasks: OUT/emb/SIDE.npy (bitmill-embed merge)
#   knn       KNN_SHARDS tasks: OUT/knn/knn.I-of-N.bin (bitmill-mine --work)
#   mine      1 task: OUT/mined.tsv (score, source, target), then OUT/pairs.tsv (source, target,
#             score: the columns bitmill-filter and bitmill-dedup read)
#   With INDEX (a FAISS factory), instead of knn and mine:
#   itrain    2 tasks: OUT/index/SIDE.trained.faiss (bitmill-index --train-only)
#   iadd      2 x INDEX_SHARDS tasks: OUT/index/SIDE.shard.I.faiss (--trained, --shard I/INDEX_SHARDS)
#   imerge    2 tasks: OUT/index/SIDE.faiss (bitmill-index merge)
#   imine     1 task: OUT/mined.tsv and OUT/pairs.tsv (bitmill-mine --src-index --tgt-index)
#   filter    1 task: OUT/filtered.tsv
#   dedup     1 task: OUT/dedup.tsv (exact, --key pair), and OUT/near-in/NNNN, its NEAR_PIECES pieces
#   nsign     NEAR_PIECES tasks, njoin NEAR_JOINS tasks, ncluster 1 task, napply NEAR_PIECES tasks:
#             bitmill-dedup --mode near --work OUT/near (OUT/near-out/NNNN.tsv)
#   collect   1 task: OUT/final.tsv, the near-dedup outputs concatenated
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/slurm/config.sh
. "$here/config.sh"
config=${1:?usage: stage.sh CONFIG STAGE [TASK]}
load_config "$config"

# Temporary files and folders of this task: removed if it stops early (a signal, an error). Those
# of tasks that were killed outright (SIGKILL, a node lost) are removed by the next task that
# writes the same output (remove_stale).
temps=()
trap 'rm -rf "${temps[@]}"' EXIT
trap 'exit 130' INT TERM
remove_stale() {
  local f pid
  for f in "$1".tmp.*; do
    [ -e "$f" ] || continue
    pid=${f##*.}
    [[ $pid =~ ^[0-9]+$ ]] && ! kill -0 "$pid" 2> /dev/null && rm -rf "$f"
  done
}
# A new temporary name for output $1.
# (Called as $(temp_for ...), a subshell: the caller adds the name to temps.)
temp_for() {
  remove_stale "$1"
  echo "$1.tmp.$$"
}
# Writes stdin to $1 atomically.
atomic_write() {
  local tmp
  tmp=$(temp_for "$1")
  temps+=("$tmp")
  cat > "$tmp"
  mv -f "$tmp" "$1"
}
piece() { printf '%04d' "$1"; }
sides=(src tgt)

# The task's output: it exists only when the task is done.
output_of() {
  local stage=$1 t=$2
  case $stage in
    split) echo "$OUT/pieces/${sides[$t]}" ;;
    embed) echo "$OUT/emb/${sides[$((t / PIECES))]}.$(piece $((t % PIECES))).npy" ;;
    embmerge) echo "$OUT/emb/${sides[$t]}.npy" ;;
    knn) echo "$OUT/knn/knn.$t-of-$KNN_SHARDS.bin" ;;
    itrain) echo "$OUT/index/${sides[$t]}.trained.faiss" ;;
    iadd) echo "$OUT/index/${sides[$((t / INDEX_SHARDS))]}.shard.$((t % INDEX_SHARDS)).faiss" ;;
    imerge) echo "$OUT/index/${sides[$t]}.faiss" ;;
    imine) echo "$OUT/pairs.tsv" ;;
    mine) echo "$OUT/pairs.tsv" ;;
    filter) echo "$OUT/filtered.tsv" ;;
    dedup) echo "$OUT/near-in" ;;
    nsign) echo "$OUT/near/sign.$t-of-$NEAR_PIECES.bin" ;;
    njoin) echo "$OUT/near/join.$t-of-$NEAR_JOINS.bin" ;;
    ncluster) echo "$OUT/near/clusters.bin" ;;
    napply) echo "$OUT/near-out/$(piece "$t").tsv" ;;
    collect) echo "$OUT/final.tsv" ;;
    *) echo "stage.sh: no stage '$stage'" >&2; return 1 ;;
  esac
}

tasks_of() {
  case $1 in
    split | embmerge | itrain | imerge) echo 2 ;;
    iadd) echo $((2 * INDEX_SHARDS)) ;;
    embed) echo $((2 * PIECES)) ;;
    knn) echo "$KNN_SHARDS" ;;
    nsign | napply) echo "$NEAR_PIECES" ;;
    njoin) echo "$NEAR_JOINS" ;;
    mine | imine | filter | dedup | ncluster | collect) echo 1 ;;
    *) echo "stage.sh: no stage '$1'" >&2; return 1 ;;
  esac
}

stage=${2:?usage: stage.sh CONFIG STAGE [TASK]}
case $stage in
  tasks) tasks_of "${3:?}"; exit 0 ;;
  output) output_of "${3:?}" "${4:?}"; exit 0 ;;
  done) [ -e "$(output_of "${3:?}" "${4:?}")" ]; exit $? ;;
esac
task=${3:-${SLURM_ARRAY_TASK_ID:-0}}
# Every tool below gets its piece by name or by an explicit --shard; left in the environment, the
# array variables would make each tool take a shard of its piece on its own (--shard's default).
unset SLURM_ARRAY_TASK_ID SLURM_ARRAY_TASK_COUNT SLURM_ARRAY_TASK_MIN SLURM_ARRAY_TASK_MAX SLURM_ARRAY_TASK_STEP
[ "$task" -lt "$(tasks_of "$stage")" ] || { echo "stage.sh: $stage has no task $task" >&2; exit 1; }
out=$(output_of "$stage" "$task")
[ -e "$out" ] && exit 0
# For fault-injection tests: a pause before the work, long enough to cancel or requeue the task.
[ "$stage" = "$PAUSE_STAGE" ] && sleep "$PAUSE_SECONDS"
B=$BITMILL_BIN
q=(-q -t "$CPUS")
mine_inputs=(--src "$OUT/text/src.txt" --tgt "$OUT/text/tgt.txt" --src-emb "$OUT/emb/src.npy"
  --tgt-emb "$OUT/emb/tgt.npy")
near=(--mode near --key pair --memory "$NEAR_MEMORY" $NEAR_OPTS --work "$OUT/near")
near_inputs() { for ((i = 0; i < NEAR_PIECES; i++)); do echo "$OUT/near-in/$(piece $i)"; done; }

case $stage in
  split)
    side=${sides[$task]}
    mkdir -p "$OUT/text" "$OUT/pieces"
    if [ "$side" = src ]; then files=("${SRC_TEXT[@]}"); else files=("${TGT_TEXT[@]}"); fi
    [ -f "$OUT/text/$side.txt" ] || cat "${files[@]}" | atomic_write "$OUT/text/$side.txt"
    tmp=$(temp_for "$out")
    temps+=("$tmp")
    mkdir "$tmp"
    split -d -a 4 -n "l/$PIECES" "$OUT/text/$side.txt" "$tmp/"
    mv -T "$tmp" "$out"
    ;;
  embed)
    mkdir -p "$OUT/emb"
    side=${sides[$((task / PIECES))]}
    "$B/bitmill-embed" "${q[@]}" ${MODEL:+--model "$MODEL"} -o "$out" "$OUT/pieces/$side/$(piece $((task % PIECES)))"
    ;;
  embmerge)
    side=${sides[$task]}
    parts=()
    for ((i = 0; i < PIECES; i++)); do parts+=("$OUT/emb/$side.$(piece $i).npy"); done
    "$B/bitmill-embed" merge -q -o "$out" "${parts[@]}"
    ;;
  knn)
    mkdir -p "$OUT/knn"
    "$B/bitmill-mine" "${q[@]}" "${mine_inputs[@]}" $MINE_OPTS --work "$OUT/knn" --shard "$task/$KNN_SHARDS"
    ;;
  mine)
    [ -f "$OUT/mined.tsv" ] ||
      "$B/bitmill-mine" merge -q "${mine_inputs[@]}" --work "$OUT/knn" --shards "$KNN_SHARDS" \
        --threshold "$THRESHOLD" -o "$OUT/mined.tsv"
    awk -F'\t' -v OFS='\t' '{ print $2, $3, $1 }' "$OUT/mined.tsv" | atomic_write "$out"
    ;;
  itrain)
    mkdir -p "$OUT/index"
    "$B/bitmill-index" "${q[@]}" --train-only --factory "$INDEX" -o "$out" "$OUT/emb/${sides[$task]}.npy"
    ;;
  iadd)
    side=${sides[$((task / INDEX_SHARDS))]}
    "$B/bitmill-index" "${q[@]}" --trained "$OUT/index/$side.trained.faiss" \
      --shard "$((task % INDEX_SHARDS))/$INDEX_SHARDS" -o "$out" "$OUT/emb/$side.npy"
    ;;
  imerge)
    side=${sides[$task]}
    shards=()
    for ((i = 0; i < INDEX_SHARDS; i++)); do shards+=("$OUT/index/$side.shard.$i.faiss"); done
    "$B/bitmill-index" merge -q -o "$out" "${shards[@]}"
    ;;
  imine)
    # shellcheck disable=SC2086
    [ -f "$OUT/mined.tsv" ] ||
      "$B/bitmill-mine" "${q[@]}" "${mine_inputs[@]}" --src-index "$OUT/index/src.faiss" \
        --tgt-index "$OUT/index/tgt.faiss" $MINE_OPTS --threshold "$THRESHOLD" -o "$OUT/mined.tsv"
    awk -F'\t' -v OFS='\t' '{ print $2, $3, $1 }' "$OUT/mined.tsv" | atomic_write "$out"
    ;;
  filter)
    "$B/bitmill-filter" "${q[@]}" --src-lang "$SRC_LANG" --tgt-lang "$TGT_LANG" $FILTER_OPTS -o "$out" \
      "$OUT/pairs.tsv"
    ;;
  dedup)
    [ -f "$OUT/dedup.tsv" ] ||
      "$B/bitmill-dedup" "${q[@]}" --key pair --memory "$NEAR_MEMORY" -o "$OUT/dedup.tsv" "$OUT/filtered.tsv"
    tmp=$(temp_for "$out")
    temps+=("$tmp")
    mkdir "$tmp"
    split -d -a 4 -n "l/$NEAR_PIECES" "$OUT/dedup.tsv" "$tmp/"
    mv -T "$tmp" "$out"
    ;;
  nsign)
    mapfile -t ins < <(near_inputs)
    "$B/bitmill-dedup" "${q[@]}" "${near[@]}" --phase sign --shard "$task/$NEAR_PIECES" "${ins[@]}"
    ;;
  njoin) "$B/bitmill-dedup" "${q[@]}" "${near[@]}" --phase join --shard "$task/$NEAR_JOINS" ;;
  ncluster) "$B/bitmill-dedup" "${q[@]}" "${near[@]}" --phase cluster ;;
  napply)
    mkdir -p "$OUT/near-out"
    mapfile -t ins < <(near_inputs)
    "$B/bitmill-dedup" "${q[@]}" "${near[@]}" --phase apply --shard "$task/$NEAR_PIECES" -o "$out" "${ins[@]}"
    ;;
  collect)
    parts=()
    for ((i = 0; i < NEAR_PIECES; i++)); do parts+=("$OUT/near-out/$(piece $i).tsv"); done
    cat "${parts[@]}" | atomic_write "$out"
    ;;
esac
