#!/usr/bin/env bash
# The bitext pipeline, from two piles of monolingual text to deduplicated mined pairs, as a chain
# of Slurm array jobs (one per stage, each waiting for the one before with afterok):
#
#   scripts/slurm/pipeline.sh CONFIG            # submit what is not finished; print the job ids
#   scripts/slurm/pipeline.sh --local CONFIG    # run every unfinished task here, one after another
#   scripts/slurm/pipeline.sh --one-process CONFIG
#                                               # the same pipeline without shards, into OUT/one/
#
# CONFIG is a file of shell variables (scripts/slurm/example.conf documents them). The stages and
# their outputs are those of scripts/slurm/stage.sh; the result is OUT/final.tsv (source, target,
# margin score). Every output is atomic and every task skips what is done, so after a failure, a
# cancelled or timed-out task, or a node lost, running the driver again submits only the tasks
# whose output is missing, and the stages after them. A stage still queued or running from an
# earlier submission (its job id in OUT/jobs/) is waited for, not submitted twice.
#
# Resources: every task asks for CPUS cores and MEM memory (--cpus-per-task, --mem; more for the
# k-NN and mining steps when their neighbour lists need it) and a time limit of three times the
# estimate from the input's size and the per-core rates of scripts/slurm/README.md, at least 10
# minutes (TIME_MINUTES overrides); SBATCH_OPTS adds anything else (--partition, --account).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/slurm/config.sh
. "$here/config.sh"
mode=slurm
case ${1:-} in
  --local) mode=local; shift ;;
  --one-process) mode=one; shift ;;
  -h | --help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
config=$(realpath "${1:?usage: pipeline.sh [--local|--one-process] CONFIG}")
load_config "$config"
stage=("$here/stage.sh" "$config")

if [ "$mode" = one ]; then
  exec "$here/one_process.sh" "$config"
fi

# The unfinished tasks of a stage, as a Slurm array list ("0,2,5"), empty when all are done.
unfinished() {
  local s=$1 n t list=""
  n=$("${stage[@]}" tasks "$s")
  for ((t = 0; t < n; t++)); do
    "${stage[@]}" done "$s" "$t" || list+="${list:+,}$t"
  done
  echo "$list"
}

if [ "$mode" = local ]; then
  for s in "${PIPELINE_STAGES[@]}"; do
    todo=$(unfinished "$s")
    [ -z "$todo" ] && continue
    echo "pipeline: $s: tasks $todo" >&2
    for t in ${todo//,/ }; do "${stage[@]}" "$s" "$t"; done
  done
  echo "pipeline: done: $OUT/final.tsv" >&2
  exit 0
fi

command -v sbatch > /dev/null || { echo "pipeline: sbatch not found (or use --local)" >&2; exit 1; }

# Per-stage requests from the input's size and per-core rates measured on an AMD EPYC Zen 5
# (scripts/slurm/README.md; plan.sh uses the same): a time limit of three times the estimate, at
# least 10 minutes (TIME_MINUTES overrides), and for the two steps that hold neighbour lists, the
# memory they need when it is more than MEM. DIM is an upper bound of the model's dimension.
src_lines=$(cat "${SRC_TEXT[@]}" | wc -l)
tgt_lines=$(cat "${TGT_TEXT[@]}" | wc -l)
text_bytes=$(cat "${SRC_TEXT[@]}" "${TGT_TEXT[@]}" | wc -c)
requests() { # STAGE -> "MINUTES MEM"
  awk -v s="$1" -v ns="$src_lines" -v nt="$tgt_lines" -v b="$text_bytes" -v c="$CPUS" -v p="$PIECES" \
    -v ks="$KNN_SHARDS" -v np="$NEAR_PIECES" -v d="${DIM:-1024}" -v mem="$MEM" -v fixed="$TIME_MINUTES" '
    function mb(m) { return m ~ /[Gg]$/ ? m * 1024 : m ~ /[Tt]$/ ? m * 1048576 : m + 0 }
    BEGIN {
      pairs = (ns < nt ? ns : nt) * 2 * b / (ns + nt + 1)        # bytes of mined pairs, at most
      if (s == "split") t = b / 2e8
      else if (s == "embed") t = (ns > nt ? ns : nt) / p / (164000 * c)
      else if (s == "embmerge") t = (ns > nt ? ns : nt) * d * 4 / 5e8
      else if (s == "knn") { t = ns * nt * d / ks / (1.87e11 * c); need = (nt * 4 * 12 + ns / ks * d * 4) / 1048576 + 512 }
      else if (s == "mine") { t = (ns + nt) * 4 * 24 / 2e8; need = (2 * (ns + nt) * 4 * 12 + b) / 1048576 + 512 }
      else if (s ~ /^i/) { t = 1200; need = (ns > nt ? ns : nt) * d * 4 / 1048576 + 512 }  # not measured: 1 h
      else if (s == "filter") t = pairs / (20.7e6 * c)
      else if (s == "dedup") t = pairs / 440e6
      else if (s ~ /^n/) t = pairs / np / (141e6 * c) * 2
      else t = b / 2e8
      minutes = fixed != "" ? fixed : int(3 * t / 60) + 10
      m = mb(mem); if (need > m) m = int(need) + 1
      printf "%d %dM\n", minutes, m
    }'
}
mkdir -p "$OUT/jobs" "$OUT/logs"
# A job id recorded for a stage that Slurm still has queued or running.
live_job() {
  local f="$OUT/jobs/$1" id
  [ -f "$f" ] || return 1
  id=$(cat "$f")
  [ -n "$(squeue -h -j "$id" -o %i 2>/dev/null | head -1)" ] && echo "$id"
}
prev=""
for s in "${PIPELINE_STAGES[@]}"; do
  if job=$(live_job "$s"); then
    echo "$s: job $job is queued or running; waiting for it"
    prev=$job
    continue
  fi
  todo=$(unfinished "$s")
  if [ -z "$todo" ]; then
    echo "$s: done"
    continue
  fi
  dep=()
  [ -n "$prev" ] && dep=(--dependency="afterok:$prev" --kill-on-invalid-dep=yes)
  read -r minutes mem < <(requests "$s")
  # shellcheck disable=SC2086
  job=$(sbatch --parsable --job-name="bitmill-$s" --array="$todo" --requeue "${dep[@]}" \
    --cpus-per-task="$CPUS" --mem="$mem" --time="$minutes" \
    --output="$OUT/logs/$s.%a.log" $SBATCH_OPTS --wrap "$(printf '%q ' "${stage[@]}" "$s")")
  job=${job%%;*}
  echo "$job" > "$OUT/jobs/$s"
  where=$("${stage[@]}" output "$s" 0)
  echo "$s: job $job, tasks $todo ($CPUS cores, $mem, $minutes min each)$([ -n "$prev" ] && echo ", after $prev")" \
    "-> ${where%/*}/"
  prev=$job
done
echo "result: $OUT/final.tsv (logs in $OUT/logs/)"
