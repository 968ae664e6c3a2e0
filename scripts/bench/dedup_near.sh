#!/usr/bin/env bash
# Benchmark of bitmill-dedup --mode near against a NumPy implementation of datatrove's MinHash
# deduplication (scripts/bench/dedup_near_peer.py: the same shingles, the same bands x rows, its
# own hash family), measured in the same run on the same JSONL documents.
#
# Usage: scripts/bench/dedup_near.sh [--mb N] [--source FILE] [--work DIR] [--threads T]
#        scripts/bench/dedup_near.sh --scale MB [--memory SIZE] [--source FILE] [--work DIR]
#   --mb N         size of the generated documents (default 1000: 1 GB)
#   --source FILE  sentences to build documents from (default ../shared/data/train/deu-eng.tsv.zst
#                  beside the checkout, English side; else data/samples/deu-eng.tsv)
#   --work DIR     where the data and outputs go (default a temporary directory, removed); the
#                  generated documents are reused from it
#   --threads T    threads for the second bitmill run (default: all cores)
#   --scale MB     instead: the one-process run alone on MB megabytes of short documents (20 to 80
#                  words: about 10M documents in 3300 MB) under --memory (default 2G), all cores:
#                  time, peak RSS, bytes of state per document
# Printed (Markdown, stdout): wall time, MB/s and peak RSS of bitmill on 1 thread and on T, and of
# the peer (one process, one core); the throughput ratio per core; bytes of state per document;
# and how far the two clusterings agree (different hash families: they differ near the threshold).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
mb=1000 work="" threads=$(nproc) scale=0 memory=2G
source_file="$root/../shared/data/train/deu-eng.tsv.zst"
while [ $# -gt 0 ]; do
  case $1 in
    --mb) mb=${2:?}; shift 2 ;;
    --source) source_file=${2:?}; shift 2 ;;
    --work) work=${2:?}; shift 2 ;;
    --threads) threads=${2:?}; shift 2 ;;
    --scale) scale=${2:?}; shift 2 ;;
    --memory) memory=${2:?}; shift 2 ;;
    *) echo "dedup_near.sh: unknown option $1" >&2; exit 1 ;;
  esac
done
[ -f "$source_file" ] || source_file="$root/data/samples/deu-eng.tsv"
own=0
if [ -z "$work" ]; then work=$(mktemp -d "${TMPDIR:-/tmp}/bitmill-dedup-near.XXXXXX"); own=1; fi
mkdir -p "$work"
cleanup() { if [ $own = 1 ]; then rm -rf "$work"; fi; }
trap cleanup EXIT
py=/usr/bin/python3
peer="$root/scripts/bench/dedup_near_peer.py"
# A snapshot of the binary: the build tree may be rebuilt while the benchmark runs.
cp "$root/build/bin/bitmill-dedup" "$work/bitmill-dedup"
bin="$work/bitmill-dedup"
if [ "$scale" != 0 ]; then
  docs="$work/short-$scale.jsonl"
  if [ ! -f "$docs" ]; then
    src="$work/source.txt"
    case $source_file in *.zst) zstd -dc "$source_file" > "$src" ;; *) cp "$source_file" "$src" ;; esac
    echo "[bench] making $scale MB of short documents" >&2
    $py "$peer" make-data "$docs.partial" --mb "$scale" --source "$src" --min-words 20 --max-words 80 &&
      mv "$docs.partial" "$docs"
  fi
  /usr/bin/time -f '%e %M' -o "$work/scale.time" "$bin" -v -t "$threads" --memory "$memory" --tmp-dir "$work" \
    --mode near --format jsonl -o /dev/null "$docs" 2> "$work/scale.err"
  read -r wall rss < "$work/scale.time"
  echo "## bitmill-dedup --mode near, one process, --memory $memory, $threads threads"
  echo
  echo "- $(wc -l < "$docs") documents, $(($(stat -c %s "$docs") / 1000000)) MB; $(lscpu | sed -n 's/^Model name: *//p' | head -1)"
  echo "- wall $wall s, peak RSS $((rss / 1024)) MB"
  grep -h "documents in\|bucket join\|clusters of" "$work/scale.err" | sed 's/^bitmill-dedup: /- /'
  exit 0
fi
docs="$work/docs-v2-$mb.jsonl"
if [ ! -f "$docs" ]; then
  src="$work/source.txt"
  case $source_file in *.zst) zstd -dc "$source_file" > "$src" ;; *) cp "$source_file" "$src" ;; esac
  echo "[bench] making $mb MB of documents from $source_file" >&2
  $py "$peer" make-data "$docs.partial" --mb "$mb" --source "$src" && mv "$docs.partial" "$docs"
fi
bytes=$(stat -c %s "$docs")
docs_n=$(wc -l < "$docs")
measure() { # name command... -> "wall_s rss_kb" in $work/name.time
  local name=$1; shift
  /usr/bin/time -f '%e %M' -o "$work/$name.time" "$@" 2> "$work/$name.err"
}
echo "[bench] bitmill, 1 thread" >&2
measure bitmill1 "$bin" -v -t 1 --mode near --format jsonl --id-field id --clusters "$work/bitmill.tsv" -o /dev/null "$docs"
echo "[bench] bitmill, $threads threads" >&2
measure bitmillT "$bin" -v -t "$threads" --mode near --format jsonl --id-field id --clusters "$work/bitmillT.tsv" \
  -o /dev/null "$docs"
cmp -s "$work/bitmill.tsv" "$work/bitmillT.tsv" || { echo "dedup_near.sh: 1 and $threads threads differ" >&2; exit 1; }
echo "[bench] bitmill, sharded phases (--work): 4 sign, 2 join, 1 cluster, 4 apply tasks, one after another" >&2
rm -rf "$work/parts" "$work/near-work" && mkdir -p "$work/parts"
split -d -n l/8 "$docs" "$work/parts/docs."
parts=("$work"/parts/docs.0*)
near=("$bin" -v -t "$threads" --mode near --format jsonl --id-field id --tmp-dir "$work" --work "$work/near-work")
for i in 0 1 2 3; do measure sign$i "${near[@]}" --phase sign --shard $i/4 "${parts[@]}"; done
for i in 0 1; do measure join$i "${near[@]}" --phase join --shard $i/2; done
measure cluster "${near[@]}" --phase cluster
for i in 0 1 2 3; do
  measure apply$i "${near[@]}" --phase apply --shard $i/4 -o /dev/null --clusters "$work/sharded.$i.tsv" "${parts[@]}"
done
cat "$work"/sharded.[0-3].tsv > "$work/sharded.tsv"
cmp -s "$work/sharded.tsv" "$work/bitmillT.tsv" || { echo "dedup_near.sh: sharded and one-process clusters differ" >&2; exit 1; }
echo "[bench] peer (NumPy, one process)" >&2
measure peer $py "$peer" run "$docs" --clusters "$work/peer.tsv"
row() { # name label threads
  read -r wall rss < "$work/$1.time"
  awk -v l="$2" -v t="$3" -v w="$wall" -v r="$rss" -v b="$bytes" \
    'BEGIN { printf "| %s | %s | %.1f | %.1f | %.0f |\n", l, t, w, b / 1e6 / w, r / 1024 }'
}
cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
echo "## bitmill-dedup --mode near against datatrove's algorithm in NumPy"
echo
echo "- data: $docs_n JSONL documents, $((bytes / 1000000)) MB ($source_file); 5-word shingles, 14 bands x 8 rows"
echo "- machine: $cpu, $(nproc) cores; $(date -u +%F)"
echo
echo "| run | threads | wall s | MB/s | peak RSS MB |"
echo "|---|--:|--:|--:|--:|"
row bitmill1 "bitmill-dedup" 1
row bitmillT "bitmill-dedup" "$threads"
row peer "NumPy peer" 1
read -r w1 _ < "$work/bitmill1.time"
read -r wp _ < "$work/peer.time"
echo
awk -v a="$w1" -v b="$wp" 'BEGIN { printf "Throughput per core, bitmill against the peer: %.1fx\n", b / a }'
echo
grep -h "bytes of state" "$work/bitmill1.err" | sed 's/^bitmill-dedup: /- bitmill: /'
grep -h "signatures" "$work/peer.err" | sed 's/^/- peer stages: /'
echo
echo "### Sharded phases (--work, $threads threads per task, tasks run one after another; clusters identical to one process)"
echo
echo "| phase | tasks | wall s (sum) | peak RSS MB (max) | work files MB |"
echo "|---|--:|--:|--:|--:|"
phase_row() { # label files-glob names...
  local label=$1 glob=$2; shift 2
  local n=$# sum=0 max=0 w r
  for t in "$@"; do
    read -r w r < "$work/$t.time"
    sum=$(awk -v a="$sum" -v b="$w" 'BEGIN { print a + b }')
    [ "$r" -gt "$max" ] && max=$r
  done
  local size
  size=$(cat "$work"/near-work/$glob 2>/dev/null | wc -c || true)
  awk -v l="$label" -v n="$n" -v s="$sum" -v m="$max" -v z="$size" \
    'BEGIN { printf "| %s | %d | %.1f | %.0f | %.0f |\n", l, n, s, m / 1024, z / 1e6 }'
}
phase_row sign 'sign.*' sign0 sign1 sign2 sign3
phase_row join 'join.*' join0 join1
phase_row cluster 'clusters.bin' cluster
phase_row apply 'none' apply0 apply1 apply2 apply3
echo
echo "### Agreement (different hash families: pairs near the threshold differ)"
echo
$py "$peer" compare "$docs" "$work/peer.tsv" "$work/bitmill.tsv" | sed 's/^/- /'
