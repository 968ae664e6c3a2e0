#!/usr/bin/env bash
# A private single-node Slurm on this machine, for tests and for trying the pipeline scripts:
# Debian's slurm-wlm and munge, every file (config, keys, state, logs, sockets) under DIR, ports of
# its own, so nothing of a system Slurm is touched.
#
#   scripts/slurm/local_cluster.sh start DIR   # prints "export SLURM_CONF=DIR/slurm.conf"
#   scripts/slurm/local_cluster.sh stop DIR
#
# start writes DIR/slurm.conf (this host, its cores and memory, one partition "debug", no cgroups:
# proctrack/linuxproc, task/none), starts munged, slurmctld and slurmd as root, and waits (30 s at
# most) until sinfo shows the node idle. It exits 77 with the reason on stderr when it cannot
# (not root, slurm-wlm or munge missing, a daemon that does not come up): tests skip then.
set -euo pipefail
cmd=${1:-} dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 1; }
skip() { echo "local_cluster.sh: $*" >&2; exit 77; }

stop() {
  export SLURM_CONF=$dir/slurm.conf
  for d in slurmd slurmctld munged; do
    [ -f "$dir/run/$d.pid" ] || continue
    pid=$(cat "$dir/run/$d.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$dir/run/$d.pid"
  done
}

if [ "$cmd" = stop ]; then
  stop
  exit 0
fi
[ "$cmd" = start ] || { echo "local_cluster.sh: start or stop, not '$cmd'" >&2; exit 1; }
[ "$(id -u)" = 0 ] || skip "needs root (slurmd runs jobs as their users)"
for b in munged slurmctld slurmd sinfo sbatch; do
  command -v "$b" > /dev/null || skip "$b not found (scripts/install-deps.sh installs slurm-wlm and munge)"
done
dir=$(realpath -m "$dir")
mkdir -p "$dir"/{state,spool,log,run}
host=$(hostname -s)
mem_mb=$(awk '/^MemTotal/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)
# Ports from the directory's name, so that two clusters on one machine do not meet.
port=$((17000 + $(cksum <<< "$dir" | cut -d' ' -f1) % 2000 * 2))
head -c 1024 /dev/urandom > "$dir/munge.key"
chmod 400 "$dir/munge.key"
cat > "$dir/slurm.conf" <<CONF
ClusterName=bitmill-local
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
AuthInfo=socket=$dir/run/munge.sock
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
JobRequeue=1
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=2,sched_min_interval=0,batch_sched_delay=0,bf_interval=2
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
NodeName=$host CPUs=$(nproc) RealMemory=$mem_mb State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
trap 'stop' ERR
munged --key-file="$dir/munge.key" --socket="$dir/run/munge.sock" --pid-file="$dir/run/munged.pid" \
  --log-file="$dir/log/munged.log" --seed-file="$dir/run/munge.seed" --force ||
  { stop; skip "munged does not start (see $dir/log/munged.log)"; }
export SLURM_CONF=$dir/slurm.conf
slurmctld -f "$SLURM_CONF" || { stop; skip "slurmctld does not start (see $dir/log/slurmctld.log)"; }
slurmd -f "$SLURM_CONF" || { stop; skip "slurmd does not start (see $dir/log/slurmd.log)"; }
for _ in $(seq 60); do
  if sinfo -h -o %T 2>/dev/null | grep -qx idle; then
    echo "export SLURM_CONF=$SLURM_CONF"
    exit 0
  fi
  sleep 0.5
done
stop
skip "the node did not become idle in 30 s (see $dir/log/)"
