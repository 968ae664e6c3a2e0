#!/usr/bin/env bash
# Fault trials of the Slurm pipeline on a private single-node Slurm (local_cluster.sh): each trial
# submits the pipeline over the sample (several shards per stage), then, at random moments drawn
# from a fixed seed, cancels a running task (scancel) or requeues one (scontrol requeue), in
# whatever stage is running; reruns the driver until the result is there; and checks that every
# output is byte-identical to one process's and that no temporary file is left.
#
#   scripts/slurm/fault_trials.sh [--trials N] [--seed S] [--work DIR]
#
# Prints one line per trial and a summary (Markdown table on stdout); exits 1 on any failure.
# Needs root (local_cluster.sh), about 1-2 minutes per trial.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
trials=5 seed=1 work=""
while [ $# -gt 0 ]; do
  case $1 in
    --trials) trials=${2:?}; shift 2 ;;
    --seed) seed=${2:?}; shift 2 ;;
    --work) work=${2:?}; shift 2 ;;
    *) echo "fault_trials.sh: unknown option $1" >&2; exit 1 ;;
  esac
done
[ -n "$work" ] || work=$(mktemp -d "${TMPDIR:-/tmp}/bitmill-fault-trials.XXXXXX")
mkdir -p "$work"
eval "$("$root/scripts/slurm/local_cluster.sh" start "$work/cluster")"
trap '"$root/scripts/slurm/local_cluster.sh" stop "$work/cluster"' EXIT
RANDOM=$seed
mk_conf() { # OUT
  cat <<CONF
SRC_LANG=de
TGT_LANG=en
SRC_TEXT=($root/data/samples/mine/deu.txt)
TGT_TEXT=($root/data/samples/mine/eng.txt)
OUT=$1
PIECES=4
KNN_SHARDS=3
NEAR_PIECES=3
NEAR_JOINS=4
CPUS=1
MEM=500M
BITMILL_BIN=$root/build/bin
CONF
}
mk_conf "$work/reference" > "$work/reference.conf"
"$root/scripts/slurm/pipeline.sh" --one-process "$work/reference.conf" 2> /dev/null
ref=$work/reference/one
failures=0 cancels=0 requeues=0 reruns_total=0
echo "| trial | faults | driver runs | identical | temporary files left |"
echo "|--:|---|--:|---|--:|"
for ((t = 1; t <= trials; t++)); do
  out=$work/trial$t
  mk_conf "$out" > "$out.conf"
  # Every stage pauses a little, so that there is something running to hit.
  printf 'PAUSE_STAGE=%s\nPAUSE_SECONDS=2\n' "$(shuf -n1 -e embed knn nsign njoin napply --random-source=<(yes $RANDOM))" \
    >> "$out.conf"
  "$root/scripts/slurm/pipeline.sh" "$out.conf" > /dev/null
  faults=""
  runs=1
  for _ in 1 2; do
    # After a random delay (so that faults land in every stage), a running task is cancelled or
    # requeued.
    sleep $((RANDOM % 12))
    victim=""
    for _ in $(seq 240); do
      read -r victim stage < <(squeue -h -t R -o '%i %j' | shuf -n1 --random-source=<(yes $RANDOM) || true) || true
      [ -n "$victim" ] && break
      [ -z "$(squeue -h -o %i)" ] && break
      sleep 0.25
    done
    [ -n "$victim" ] || break
    stage=${stage#bitmill-}
    if ((RANDOM % 2)); then
      scancel "$victim" && faults+="cancel $stage, " && cancels=$((cancels + 1))
    else
      scontrol requeue "$victim" 2> /dev/null && faults+="requeue $stage, " && requeues=$((requeues + 1))
    fi
    sleep 0.$((RANDOM % 10))
  done
  # Rerun the driver until the result is there (each run waits for Slurm to go idle first).
  while :; do
    while [ -n "$(squeue -h -o %i)" ]; do sleep 0.5; done
    [ -e "$out/final.tsv" ] && break
    [ $runs -lt 6 ] || break
    "$root/scripts/slurm/pipeline.sh" "$out.conf" > /dev/null
    runs=$((runs + 1))
  done
  same=yes
  for f in mined.tsv filtered.tsv dedup.tsv final.tsv; do cmp -s "$out/$f" "$ref/$f" || same="no ($f)"; done
  temps=$(find "$out" -name '*.tmp*' | wc -l)
  [ "$same" = yes ] && [ "$temps" = 0 ] || failures=$((failures + 1))
  reruns_total=$((reruns_total + runs))
  echo "| $t | ${faults%, } | $runs | $same | $temps |"
done
echo
echo "$trials trials: $cancels tasks cancelled, $requeues requeued, $reruns_total driver runs; $failures failed"
[ $failures = 0 ]
