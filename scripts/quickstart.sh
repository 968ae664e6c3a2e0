#!/usr/bin/env bash
# Installs what is missing, builds bitmill into build/ and runs the main job on data/samples.
# Until the encoder lands, the main job is exact deduplication of the sample bitext.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
bin=build/bin
out=build/quickstart
mkdir -p "$out"
sample=data/samples/deu-eng.tsv

echo
echo "== 1. exact duplicates of whole pairs =="
"$bin/bitmill-dedup" --key pair "$sample" -o "$out/deu-eng.exact.tsv" --removed "$out/removed.exact.tsv"
echo "first removed pairs (each repeats an earlier pair exactly):"
head -n 3 "$out/removed.exact.tsv" | sed 's/^/  /'

echo
echo "== 2. duplicates up to case and white space (NFKC case folding, folded spaces) =="
"$bin/bitmill-dedup" --key pair --normalize nfkc-casefold --fold-whitespace "$sample" \
  -o "$out/deu-eng.dedup.tsv.zst" --removed "$out/removed.normalized.tsv"
echo "removed only by normalisation:"
grep -vxF -f "$out/removed.exact.tsv" "$out/removed.normalized.tsv" | head -n 4 | sed 's/^/  [/; s/\t/] <TAB> [/; s/$/]/'

echo
echo "kept pairs: $out/deu-eng.dedup.tsv.zst ($(zstd -dc "$out/deu-eng.dedup.tsv.zst" | wc -l) lines);"
echo "audit files: $out/removed.exact.tsv, $out/removed.normalized.tsv"
echo "next: man build/man/bitmill-dedup.1, or $bin/bitmill-dedup --help"
