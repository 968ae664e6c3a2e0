#!/usr/bin/env bash
# Installs what is missing, builds bitmill into build/ and runs the main job on data/samples:
# mining German-English translation pairs out of sentences with distractors, with the bundled
# default model (data/models/default), then filtering and deduplicating the result.
#
#   1. bitmill-embed    both sides of data/samples/mine/ (1000 German, 3000 English sentences)
#   2. bitmill-mine     margin-based mining (ratio margin, k = 4, max retrieval, the default
#                       model's threshold for German-English)
#   3. bitmill-eval     precision, recall and F1 against the 600 planted pairs (gold.tsv)
#   4. bitmill-filter   rule-based filtering of the mined pairs, with the reasons
#   5. bitmill-dedup    duplicates of the sample bitext data/samples/deu-eng.tsv
#   6. the same path as a sharded pipeline (scripts/make/Makefile: 4 pieces per side, 4 k-NN
#      shards, exact and near dedup in phases), as Slurm would run it (scripts/slurm/)
# Outputs go to build/quickstart/.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -n "${BITMILL_QUICKSTART_NO_SETUP:-}" ] || scripts/install-deps.sh
[ -n "${BITMILL_QUICKSTART_NO_SETUP:-}" ] || scripts/build.sh
bin=build/bin
out=build/quickstart
mkdir -p "$out"
mine=data/samples/mine

echo
echo "== 1. embed both sides with the default model =="
"$bin/bitmill-embed" -o "$out/deu.npy" "$mine/deu.txt"
"$bin/bitmill-embed" -o "$out/eng.npy" "$mine/eng.txt"

echo
echo "== 2. mine translation pairs (ratio margin, k = 4, max retrieval, the model's threshold for German-English) =="
"$bin/bitmill-mine" --src "$mine/deu.txt" --tgt "$mine/eng.txt" --src-emb "$out/deu.npy" --tgt-emb "$out/eng.npy" \
  --src-lang deu --tgt-lang eng --ids -o "$out/mined.tsv"
echo "top pairs (score, German line, English line):"
head -n 8 "$out/mined.tsv" | awk -F'\t' '{ printf "  %.3f  %s  |  %s\n", $1, $4, $5 }'

echo
echo "== 3. precision and recall against the planted pairs, at the calibrated threshold (at_threshold) and at the best one =="
"$bin/bitmill-eval" bucc -q --mined "$out/mined.tsv" --gold "$mine/gold.tsv" | tee "$out/f1.tsv" | column -t -s $'\t'

echo
echo "== 4. filter the mined pairs (rules and language ID; the reasons go to rejected.tsv) =="
cut -f 4,5 "$out/mined.tsv" > "$out/mined.pairs.tsv"
"$bin/bitmill-filter" --src-lang de --tgt-lang en --rejected "$out/rejected.tsv" -o "$out/clean.tsv" \
  "$out/mined.pairs.tsv"
echo "first rejections:"
head -n 3 "$out/rejected.tsv" | awk -F'\t' '{ printf "  [%s] %s  |  %s\n", $3, $1, $2 }'

echo
echo "== 5. duplicates in data/samples/deu-eng.tsv, up to case and white space =="
"$bin/bitmill-dedup" --key pair --normalize nfkc-casefold --fold-whitespace data/samples/deu-eng.tsv \
  -o "$out/deu-eng.dedup.tsv.zst" --removed "$out/removed.tsv"

echo
echo "== 6. the whole path as a sharded pipeline (make -j; scripts/slurm/pipeline.sh submits it to Slurm) =="
sed "s|^OUT=.*|OUT=$out/pipeline|" scripts/slurm/example.conf > "$out/pipeline.conf"
make -s -f scripts/make/Makefile CONFIG="$out/pipeline.conf" -j "$(nproc)" check

echo
echo "outputs in $out/: mined.tsv (all mined pairs), f1.tsv, clean.tsv and rejected.tsv, deu-eng.dedup.tsv.zst,"
echo "pipeline/final.tsv (the sharded pipeline's mined, filtered and deduplicated pairs)"
echo "next: man build/man/bitmill-mine.1 (and embed, filter, dedup, eval)"
