#!/usr/bin/env bash
# The pipeline of scripts/slurm/pipeline.sh without any shard: one run of each tool over the
# whole data, into OUT/one/ (OUT/one/final.tsv). Its outputs are byte-identical to the sharded
# pipeline's (tests/cli/slurm_pipeline.sh checks it under a real Slurm): the reference for them,
# and the simplest way to run the pipeline on a single machine with enough memory.
#
#   scripts/slurm/one_process.sh CONFIG
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/slurm/config.sh
. "$here/config.sh"
load_config "${1:?usage: one_process.sh CONFIG}"
B=$BITMILL_BIN
o=$OUT/one
mkdir -p "$o"
q=(-q -t "$CPUS")
cat "${SRC_TEXT[@]}" > "$o/src.txt"
cat "${TGT_TEXT[@]}" > "$o/tgt.txt"
for side in src tgt; do "$B/bitmill-embed" "${q[@]}" ${MODEL:+--model "$MODEL"} -o "$o/$side.npy" "$o/$side.txt"; done
index=()
if [ -n "$INDEX" ]; then
  # One run per side trains and adds every row: the sharded build's index, searched the same way.
  for side in src tgt; do "$B/bitmill-index" "${q[@]}" --factory "$INDEX" -o "$o/$side.faiss" "$o/$side.npy"; done
  index=(--src-index "$o/src.faiss" --tgt-index "$o/tgt.faiss")
fi
# shellcheck disable=SC2086
"$B/bitmill-mine" "${q[@]}" --src "$o/src.txt" --tgt "$o/tgt.txt" --src-emb "$o/src.npy" --tgt-emb "$o/tgt.npy" \
  "${index[@]}" $MINE_OPTS --threshold "$THRESHOLD" -o "$o/mined.tsv"
awk -F'\t' -v OFS='\t' '{ print $2, $3, $1 }' "$o/mined.tsv" > "$o/pairs.tsv"
# shellcheck disable=SC2086
"$B/bitmill-filter" "${q[@]}" --src-lang "$SRC_LANG" --tgt-lang "$TGT_LANG" $FILTER_OPTS -o "$o/filtered.tsv" \
  "$o/pairs.tsv"
"$B/bitmill-dedup" "${q[@]}" --key pair --memory "$NEAR_MEMORY" -o "$o/dedup.tsv" "$o/filtered.tsv"
# shellcheck disable=SC2086
"$B/bitmill-dedup" "${q[@]}" --mode near --key pair --memory "$NEAR_MEMORY" $NEAR_OPTS -o "$o/final.tsv" \
  "$o/dedup.tsv"
echo "one_process: done: $o/final.tsv" >&2
