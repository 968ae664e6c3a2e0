# --shard I/N by line and by file, and from Slurm array variables.
seq 1 10 > a.txt
seq 11 15 > b.txt
for i in 0 1 2; do echo "line shard $i/3: $(bitmill-dedup -q --shard $i/3 a.txt b.txt | tr '\n' ' ')"; done
for i in 0 1; do echo "file shard $i/2: $(bitmill-dedup -q --shard $i/2 --shard-by file a.txt b.txt | tr '\n' ' ')"; done
echo "slurm --array=1-3, task 3: $(SLURM_ARRAY_TASK_ID=3 SLURM_ARRAY_TASK_COUNT=3 SLURM_ARRAY_TASK_MIN=1 bitmill-dedup -q a.txt b.txt | tr '\n' ' ')"
echo "explicit --shard wins: $(SLURM_ARRAY_TASK_ID=3 SLURM_ARRAY_TASK_COUNT=3 SLURM_ARRAY_TASK_MIN=1 bitmill-dedup -q --shard 0/3 a.txt b.txt | tr '\n' ' ')"
echo "--- the shards together are the whole input"
for i in 0 1 2 3; do bitmill-dedup -q --shard $i/4 a.txt b.txt; done | sort -n | tr '\n' ' '
echo
