#!/usr/bin/env bash
# Regenerates data/samples/deu-eng.tsv from the Tatoeba German-English pairs (CC BY 2.0 FR).
# Usage: data/samples/make_sample.sh DIR   (DIR holds tatoeba.deu-eng.deu and tatoeba.deu-eng.eng)
# Takes the first 300 pairs and plants duplicates so that bitmill-dedup has work to show:
# exact repeats, repeats with the English side upper-cased, and repeats with extra whitespace.
set -euo pipefail
dir=${1:?usage: make_sample.sh DIR}
out=$(dirname "$0")/deu-eng.tsv
paste "$dir/tatoeba.deu-eng.deu" "$dir/tatoeba.deu-eng.eng" | awk -F'\t' 'NR > 300 { next }
  { src[NR] = $1; tgt[NR] = $2; print $1 "\t" $2 }
  NR % 7 == 0  { print src[NR-3] "\t" tgt[NR-3] }                      # exact repeat
  NR % 11 == 0 { print src[NR-5] "\t" toupper(tgt[NR-5]) }             # case variant
  NR % 13 == 0 { s = src[NR-2]; gsub(/ /, "  ", s); print s " \t " tgt[NR-2] }  # whitespace variant
' > "$out.tmp"
mv "$out.tmp" "$out"
wc -l "$out" >&2
