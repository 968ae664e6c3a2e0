#!/usr/bin/env bash
# Plans a pipeline run at scale from per-core rates measured by scripts/bench/: CPU-hours, tasks,
# memory and disk per stage, wall time on the cores given, and the stage that bounds the whole.
#
#   scripts/slurm/plan.sh mine --sentences 1e9 --cores 2000 [--dim 256] [--bytes 100] [--k 4]
#   scripts/slurm/plan.sh near --tb 10 --cores 2000 [--doc-kb 3.3] [--bands 14]
#
# mine: both sides of --sentences sentences (of --bytes bytes each); near: --tb terabytes of JSONL
# documents. Rates (per core, override with --rate-NAME X) are those measured on an AMD EPYC Zen 5
# (2 cores; scripts/slurm/README.md says by which commands); measure yours with the same scripts.
set -euo pipefail
kind=${1:-}
[ "$kind" = mine ] || [ "$kind" = near ] || { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 1; }
shift
sentences=1e9 cores=1000 dim=256 bytes=100 k=4 tb=10 doc_kb=3.3 bands=14
# Per-core rates: sentences/s (bitmill-embed, bundled model), multiply-adds/s of the exact k-NN
# (scripts/bench/mine.sh: 200k x 200k x 1024 in 109.5 s on 2 cores), MB/s of bitmill-filter,
# exact and near dedup.
rate_embed=164000 rate_knn=1.87e11 rate_filter=20.7 rate_exact=440 rate_near=141
while [ $# -gt 0 ]; do
  case $1 in
    --sentences) sentences=$2 ;;
    --cores) cores=$2 ;;
    --dim) dim=$2 ;;
    --bytes) bytes=$2 ;;
    --k) k=$2 ;;
    --tb) tb=$2 ;;
    --doc-kb) doc_kb=$2 ;;
    --bands) bands=$2 ;;
    --rate-embed) rate_embed=$2 ;;
    --rate-knn) rate_knn=$2 ;;
    --rate-filter) rate_filter=$2 ;;
    --rate-exact) rate_exact=$2 ;;
    --rate-near) rate_near=$2 ;;
    *) echo "plan.sh: unknown option $1" >&2; exit 1 ;;
  esac
  [[ ${2:-} =~ ^[0-9.]+(e[0-9]+)?$ ]] || { echo "plan.sh: $1 needs a number, not '${2:-}'" >&2; exit 1; }
  shift 2
done

awk -v kind="$kind" -v n="$sentences" -v cores="$cores" -v dim="$dim" -v bytes="$bytes" -v k="$k" \
  -v tb="$tb" -v doc_kb="$doc_kb" -v bands="$bands" -v re="$rate_embed" -v rk="$rate_knn" \
  -v rf="$rate_filter" -v rx="$rate_exact" -v rn="$rate_near" '
function size(b) {
  if (b >= 1e12) return sprintf("%.1f TB", b / 1e12)
  if (b >= 1e9) return sprintf("%.1f GB", b / 1e9)
  return sprintf("%.0f MB", b / 1e6)
}
function hours(s) { return s < 0 ? "not measured" : s >= 36000 ? sprintf("%.0f", s / 3600) : sprintf("%.2f", s / 3600) }
# A stage of `tasks` tasks of one core each runs min(tasks, cores) at a time.
function row(stage, core_s, tasks, mem, disk, note,   par, wall) {
  par = tasks < cores ? tasks : cores
  wall = core_s < 0 ? -1 : core_s / par
  printf "| %s | %s | %d | %s | %s | %s | %s |\n", stage, hours(core_s), tasks, hours(wall), mem, disk, note
  if (wall > 0) total_wall += wall
  if (wall > worst) { worst = wall; bound = stage }
}
BEGIN {
  print "| stage | CPU-hours | tasks | wall hours | memory per task | output on disk | notes |"
  print "|---|--:|--:|--:|--:|--:|---|"
  if (kind == "mine") {
    text = n * bytes
    pieces = int(text / 1e9) + 1                   # about 1 GB of text per embedding task
    emb = n * dim * 2                               # f16 rows, one side
    row("embed (both sides)", 2 * n / re, 2 * pieces, "1 GB", size(2 * emb), sprintf("%d pieces of ~1 GB per side, --dtype f16", pieces))
    macs = n * n * dim
    shards = int(n / 2e6) + 1                       # 2M sources per k-NN task
    row("knn (exact)", macs / rk, shards, size(n * k * 12 + 2e6 * dim * 4), size(shards * (2e6 + n) * k * 12),
        sprintf("every task holds each target'\''s k best (12 bytes each) and reads all %s of target rows", size(emb)))
    row("mine merge", -1, 1, size(2 * n * k * 12 + 2 * text), size(text * 0.4), "holds both sides'\'' lists and text")
    pairs = n * 0.2 * bytes * 2                     # a fifth of the sentences mined, both sides
    row("filter", pairs / 1e6 / rf, int(pairs / 1e9) + 1, "1 GB", size(pairs), "one piece per GB of pairs")
    row("exact dedup", pairs / 1e6 / rx, 1, "4 GB", size(pairs), "--memory 4G, spills beyond")
    row("near dedup", pairs / 1e9 * (1e3 / rn + 0.9), 3 * (int(pairs / 5e9) + 1) + bands, "2 GB", size(pairs * 1.05),
        "sign, join, cluster, apply")
    printf "\nExact search of %.3g x %.3g sentences of dimension %d: %.3g multiply-adds, %.3g per core-second.\n",
      n, n, dim, macs, rk
    printf "Mined pairs assumed: a fifth of the sentences (%s of pairs).\n", size(pairs)
  } else {
    bytes_all = tb * 1e12
    docs = bytes_all / (doc_kb * 1e3)
    pieces = int(bytes_all / 5e9) + 1               # 5 GB of documents per sign/apply task
    gb = bytes_all / 1e9
    row("near sign", bytes_all / 1e6 / rn, pieces, "0.5 GB", size(bytes_all * 0.042), "42 MB of sign files per GB (14 bands, --verify)")
    row("near join", gb * 0.6, bands, "--memory (spills)", size(docs * 16 * 2),
        sprintf("0.6 core-s per GB in memory; %s of bucket records per band", size(docs * 16)))
    row("near cluster", gb * 0.05, 1, size(docs * 0.3 * 64), size(docs * 0.3 * 24), "if 30% of documents are clustered")
    row("near apply", gb * 0.3, pieces, "0.2 GB", size(bytes_all * 0.8), "re-reads the input (I/O bound)")
    printf "\n%.3g documents of %.1f kB.\n", docs, doc_kb
  }
  printf "\nOn %d cores: about %.1f hours of wall time with the stages one after another (measured stages); bound by: %s.\n",
    cores, total_wall / 3600, bound
}'
