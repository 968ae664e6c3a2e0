#!/usr/bin/env bash
# Peak resident memory of each tool on a large input, measured with GNU time (/usr/bin/time -v),
# beside the bound its man page states.
#
# Generates, in a temporary folder removed at exit, a 10M-line text corpus from the Tatoeba
# sample (about 40% repeated lines), a 10M-row bitext and a JSONL web corpus, then runs:
#   dedup       exact, on the 10M lines: with the default --memory, and with --memory 64M (spills)
#   filter      bitext rules with language ID, on the 10M rows
#   filter      --mono (FineWeb/Gopher/C4 rules), on --docs JSONL documents
#   embed       the default model, on the first --embed lines (10M at 175k lines/s is a minute;
#               the streaming path is the same for any length)
#   index       IVF1024,Flat over the --embed rows, and a search of --mine queries (--nprobe 16)
#   mine        exact k-NN both ways on --mine x --mine rows
#   eval        tatoeba on --mine x --mine rows
# and prints a table (tool, input, peak RSS, wall time) on stdout; progress goes to stderr.
#
# Usage: scripts/bench/peak_rss.sh [--lines N] [--docs N] [--embed N] [--mine N] [--bin DIR] [--keep DIR]
#   --lines N   lines of the dedup and bitext inputs (default 10000000)
#   --docs N    JSONL documents for filter --mono (default 1000000)
#   --embed N   lines embedded (default 1000000), also the rows indexed
#   --mine N    rows per side for mine and eval (default 50000)
#   --bin DIR   the tools (default build/bin of this checkout)
#   --keep DIR  generate into DIR and keep it, or reuse the inputs found there (default: a mktemp
#               folder, removed at exit)
# Needs: /usr/bin/time (Debian package `time`), /usr/bin/python3.
set -euo pipefail
export LC_ALL=C
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
lines=10000000 docs=1000000 embed=1000000 mine=50000 bin=$root/build/bin keep=
usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; }
while (($#)); do
  case $1 in
    --lines) lines=$2; shift 2 ;;
    --docs) docs=$2; shift 2 ;;
    --embed) embed=$2; shift 2 ;;
    --mine) mine=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "peak_rss.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ -x /usr/bin/time ] || { echo "peak_rss.sh: needs GNU time (/usr/bin/time; apt-get install time)" >&2; exit 2; }
for t in dedup filter embed index mine eval; do
  [ -x "$bin/bitmill-$t" ] || { echo "peak_rss.sh: $bin/bitmill-$t: not built (or pass --bin)" >&2; exit 2; }
done
if [ -n "$keep" ]; then
  d=$keep
  mkdir -p "$d"
else
  d=$(mktemp -d "${TMPDIR:-/tmp}/bitmill-rss-XXXXXX")
  trap 'rm -rf "$d"' EXIT
fi
log() { echo "[peak_rss] $*" >&2; }

if [ -s "$d/docs.jsonl" ] && [ "$(wc -l <"$d/lines.txt")" = "$lines" ] && [ "$(wc -l <"$d/docs.jsonl")" = "$docs" ]; then
  log "reusing the inputs in $d"
else
  log "generating inputs in $d"
  /usr/bin/python3 - "$root/data/samples/deu-eng.tsv" "$d" "$lines" "$docs" <<'PY'
import json, random, sys
sample, d, lines, docs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
pairs = [l.rstrip("\n").split("\t")[:2] for l in open(sample, encoding="utf-8") if "\t" in l]
rng = random.Random(10)
distinct = lines * 6 // 10 // len(pairs) + 1
with open(f"{d}/lines.txt", "w") as f:
    for i in range(lines):
        p = pairs[rng.randrange(len(pairs))]
        f.write(f"{p[i & 1]} {rng.randrange(distinct)}\n")
with open(f"{d}/bitext.tsv", "w") as f:
    for i in range(lines):
        de, en = pairs[rng.randrange(len(pairs))]
        f.write(f"{de} ({i})\t{en} ({i})\n")
with open(f"{d}/docs.jsonl", "w") as f:
    for i in range(docs):
        text = "\n".join("  ".join(pairs[rng.randrange(len(pairs))][1] for _ in range(rng.randint(3, 8)))
                         for _ in range(rng.randint(2, 5)))
        f.write(json.dumps({"id": i, "text": text}) + "\n")
PY
fi
head -n "$embed" "$d/lines.txt" >"$d/embed.txt"
# head first: a cut that head leaves behind dies of SIGPIPE, which pipefail would make fatal.
head -n "$mine" "$d/bitext.tsv" | cut -f1 >"$d/src.txt"
head -n "$mine" "$d/bitext.tsv" | cut -f2 >"$d/tgt.txt"

echo "| tool | input | peak RSS | wall time |"
echo "|---|---|--:|--:|"
# measure LABEL INPUT COMMAND...: runs the command under GNU time, prints a table row.
measure() {
  local label=$1 input=$2
  shift 2
  log "$label"
  if ! /usr/bin/time -v -o "$d/time.txt" "$@" >/dev/null 2>"$d/err.txt"; then
    echo "peak_rss.sh: $label failed:" >&2
    cat "$d/err.txt" "$d/time.txt" >&2
    exit 1
  fi
  local kb wall
  kb=$(sed -n 's/^\tMaximum resident set size (kbytes): //p' "$d/time.txt")
  wall=$(sed -n 's/^\tElapsed (wall clock) time (h:mm:ss or m:ss): //p' "$d/time.txt")
  echo "| $label | $input | $((kb / 1024)) MiB | $wall |"
}
mb() { echo "$(($(stat -c %s "$1") / 1000000)) MB"; }

measure "dedup (default --memory)" "$lines lines, $(mb "$d/lines.txt")" \
  "$bin/bitmill-dedup" -q -o "$d/out.txt" "$d/lines.txt"
measure "dedup --memory 64M (spills)" "$lines lines, $(mb "$d/lines.txt")" \
  "$bin/bitmill-dedup" -q --memory 64M --tmp-dir "$d" -o "$d/out.txt" "$d/lines.txt"
measure "filter (bitext, language ID)" "$lines rows, $(mb "$d/bitext.tsv")" \
  "$bin/bitmill-filter" -q --src-lang de --tgt-lang en --rejected "$d/rej.tsv" -o "$d/out.tsv" "$d/bitext.tsv"
measure "filter --mono (JSONL)" "$docs documents, $(mb "$d/docs.jsonl")" \
  "$bin/bitmill-filter" -q --mono --lang en --rejected "$d/rej.jsonl" -o "$d/out.jsonl" "$d/docs.jsonl"
measure "embed (default model)" "$embed lines, $(mb "$d/embed.txt")" \
  "$bin/bitmill-embed" -q -o "$d/embed.npy" "$d/embed.txt"
measure "index (IVF1024,Flat)" "$embed x 256 f32 rows" \
  "$bin/bitmill-index" -q --force --factory IVF1024,Flat -o "$d/index.faiss" "$d/embed.npy"
"$bin/bitmill-embed" -q -o "$d/src.npy" "$d/src.txt"
"$bin/bitmill-embed" -q -o "$d/tgt.npy" "$d/tgt.txt"
measure "index search" "$mine queries, k = 4, nprobe 16" \
  "$bin/bitmill-index" search -q --index "$d/index.faiss" --queries "$d/src.npy" -k 4 --nprobe 16 -o "$d/search.tsv"
measure "mine (exact)" "$mine x $mine rows of 256" \
  "$bin/bitmill-mine" -q --src "$d/src.txt" --tgt "$d/tgt.txt" --src-emb "$d/src.npy" --tgt-emb "$d/tgt.npy" -o "$d/mined.tsv"
measure "eval tatoeba" "$mine x $mine rows of 256" \
  "$bin/bitmill-eval" tatoeba -q --src-emb "$d/src.npy" --tgt-emb "$d/tgt.npy" -o "$d/tatoeba.tsv"

