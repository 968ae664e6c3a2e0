# The bitext pipeline (scripts/slurm/pipeline.sh) under a real Slurm: a private single-node
# cluster (scripts/slurm/local_cluster.sh: slurm-wlm and munge, root needed, else the test is
# skipped with the reason). The sample's two sides go through every stage in several shards
# (split, embed, merge, k-NN, mine, filter, exact and near dedup in their phases), and every output
# is byte-identical to the same pipeline run without shards (scripts/slurm/one_process.sh). Faults:
# one embedding task is cancelled mid-run and another requeued; the chain stops (afterok), the
# driver run again submits only what is missing, and the result is still byte-identical, with no
# temporary file left anywhere.
root=$CASES/../..
cluster=$PWD/cluster
start=$("$root/scripts/slurm/local_cluster.sh" start "$cluster") || exit 77
trap '"$root/scripts/slurm/local_cluster.sh" stop "$cluster"' EXIT
eval "$start"
cat > p.conf <<CONF
SRC_LANG=de
TGT_LANG=en
SRC_TEXT=($root/data/samples/mine/deu.txt)
TGT_TEXT=($root/data/samples/mine/eng.txt)
OUT=$PWD/out
PIECES=4
KNN_SHARDS=3
NEAR_PIECES=3
NEAR_JOINS=4
CPUS=1
MEM=500M

BITMILL_BIN=$BIN
PAUSE_STAGE=embed
PAUSE_SECONDS=4
CONF
# wait_idle: until Slurm has no job left (3 minutes at most).
wait_idle() {
  for _ in $(seq 360); do
    [ -z "$(squeue -h -o %i)" ] && return 0
    sleep 0.5
  done
  echo "Slurm still busy after 3 minutes:"; squeue
  return 1
}
# Job ids, the cancelled task's number and this folder vary from run to run.
norm() { sed -E "s/job [0-9]+/job N/; s/after [0-9]+/after N/; s/tasks [0-9] \(/tasks I (/; s|$PWD|.|g"; }
echo "--- submit the chain"
"$root/scripts/slurm/pipeline.sh" p.conf | norm
echo "--- cancel one embedding task mid-run, requeue another"
running=()
for _ in $(seq 120); do
  mapfile -t running < <(squeue -h -t R -n bitmill-embed -o %i)
  [ ${#running[@]} -ge 1 ] && break
  sleep 0.5
done
[ ${#running[@]} -ge 1 ] || { echo "no embedding task ran"; squeue; exit 1; }
scancel "${running[0]}"
# The next one to run (tasks run one per core): requeued while it sleeps.
for _ in $(seq 120); do
  mapfile -t again < <(squeue -h -t R -n bitmill-embed -o %i | grep -vx "${running[0]}")
  [ ${#again[@]} -ge 1 ] && break
  sleep 0.5
done
if [ ${#again[@]} -ge 1 ]; then scontrol requeue "${again[0]}"; echo "requeued one"; else echo "none to requeue"; fi
wait_idle || exit 1
echo "the chain stopped at the cancelled task: final.tsv $([ -e out/final.tsv ] && echo exists || echo absent)"
echo "--- the driver again: only what is missing"
"$root/scripts/slurm/pipeline.sh" p.conf | norm
wait_idle || exit 1
echo "--- against one process without shards"
"$root/scripts/slurm/pipeline.sh" --one-process p.conf 2>&1 | norm
for f in mined.tsv filtered.tsv dedup.tsv final.tsv; do
  cmp out/$f out/one/$f && echo "$f: identical ($(wc -l < out/$f) lines)"
done
echo "temporary files left: $(find out -name '*.tmp*' | wc -l)"
echo "--- the driver once more: nothing to do"
"$root/scripts/slurm/pipeline.sh" p.conf | norm
