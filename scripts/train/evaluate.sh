#!/usr/bin/env bash
# Evaluate a sentence encoder on the dev sets with bitmill's own tools, and write a Markdown
# table for a model card.
#
# What: for every dev/tatoeba/tatoeba.<xx>-eng.{<xx>,eng} pair, bitmill-embed both sides and
# bitmill-eval tatoeba (retrieval accuracy xx->en and en->xx, cosine and ratio margin); for every
# dev/mine/<xx>-eng/ task, bitmill-embed src.txt and eng.txt, bitmill-mine them with its defaults
# (ratio margin, k = 4, max retrieval, no threshold) and bitmill-eval bucc against gold.tsv (F1 at
# the default and at the best threshold). The headline number is the mean xx->en cosine accuracy.
# Why: one command that measures any model bitmill-embed loads, through the same binaries users
# run, so the numbers in model cards and notes are reproducible.
#
# Usage: scripts/train/evaluate.sh MODEL [--dev DIR] [--out FILE] [-t THREADS] [--work DIR]
#            [--bin DIR] [--batch-tokens N]
#   MODEL           model directory for bitmill-embed --model
#   --dev DIR       dev sets (default: ../shared/data/dev relative to the repository root)
#   --out FILE      the Markdown report (default: standard output)
#   -t THREADS      threads for every tool (default 0: all cores)
#   --work DIR      keep the embeddings, mined pairs and TSV tables in DIR (default: a temporary
#                   directory, removed on exit)
#   --bin DIR       where the bitmill binaries are (default: build/bin of this checkout)
#   --batch-tokens  passed to bitmill-embed (default: its own)
# Logs go to standard error. Not part of scripts/test.sh: the dev sets are not in the repository.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }
die() { echo "evaluate: error: $*" >&2; exit 1; }
log() { echo "evaluate: $*" >&2; }

MODEL="" DEV="$ROOT/../shared/data/dev" OUT="" THREADS=0 WORK="" BIN="$ROOT/build/bin" BATCH=()
while (($#)); do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --dev) DEV=${2:?--dev needs a directory}; shift 2 ;;
    --out | -o) OUT=${2:?--out needs a file}; shift 2 ;;
    -t | --threads) THREADS=${2:?-t needs a number}; shift 2 ;;
    --work) WORK=${2:?--work needs a directory}; shift 2 ;;
    --bin) BIN=${2:?--bin needs a directory}; shift 2 ;;
    --batch-tokens) BATCH=(--batch-tokens "${2:?--batch-tokens needs a number}"); shift 2 ;;
    -*) die "unknown option '$1' (see --help)" ;;
    *) [[ -z $MODEL ]] || die "more than one MODEL ('$MODEL', '$1')"; MODEL=$1; shift ;;
  esac
done
[[ -n $MODEL ]] || { usage >&2; die "MODEL is required"; }
[[ -d $MODEL ]] || die "model directory '$MODEL' not found"
[[ -d $DEV/tatoeba && -d $DEV/mine ]] || die "'$DEV' has no tatoeba/ and mine/ dev sets (use --dev)"
[[ $THREADS =~ ^[0-9]+$ ]] || die "-t expects a number, not '$THREADS'"
for tool in bitmill-embed bitmill-mine bitmill-eval; do
  [[ -x $BIN/$tool ]] || die "$BIN/$tool not found: build first (cmake --build build) or pass --bin"
done
EMBED=$BIN/bitmill-embed MINE=$BIN/bitmill-mine EVAL=$BIN/bitmill-eval

if [[ -n $WORK ]]; then
  mkdir -p "$WORK"
else
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/bitmill-evaluate.XXXXXX")
  trap 'rm -rf "$WORK"' EXIT
fi
mkdir -p "$WORK/tatoeba" "$WORK/mine"
START=$SECONDS

embed() {  # embed IN.txt OUT.npy
  "$EMBED" -q --model "$MODEL" -t "$THREADS" "${BATCH[@]}" -o "$2" "$1" || die "bitmill-embed failed on $1"
}

# --- Tatoeba retrieval -------------------------------------------------------------------------
shopt -s nullglob
tat_files=("$DEV"/tatoeba/tatoeba.*-eng.eng)
((${#tat_files[@]})) || die "no tatoeba.<xx>-eng.eng files in $DEV/tatoeba"
: >"$WORK/tatoeba.tsv"
for eng in "${tat_files[@]}"; do
  pair=${eng##*/tatoeba.}; pair=${pair%.eng}; xx=${pair%-eng}
  src=$DEV/tatoeba/tatoeba.$pair.$xx
  [[ -f $src ]] || die "$eng has no source side $src"
  t0=$SECONDS
  embed "$src" "$WORK/tatoeba/$xx.npy"
  embed "$eng" "$WORK/tatoeba/$xx-eng.npy"
  "$EVAL" tatoeba -q --no-header -t "$THREADS" --name "$xx" \
    --src-emb "$WORK/tatoeba/$xx.npy" --tgt-emb "$WORK/tatoeba/$xx-eng.npy" >>"$WORK/tatoeba.tsv" ||
    die "bitmill-eval tatoeba failed on $pair"
  log "tatoeba $pair: $(tail -n1 "$WORK/tatoeba.tsv" | cut -f3)% xx->en (cosine) [$((SECONDS - t0)) s]"
done

# --- BUCC-style mining -------------------------------------------------------------------------
mine_dirs=("$DEV"/mine/*/)
((${#mine_dirs[@]})) || die "no mining tasks in $DEV/mine"
: >"$WORK/mine.tsv"
for dir in "${mine_dirs[@]}"; do
  dir=${dir%/}; pair=${dir##*/}; w=$WORK/mine/$pair
  for f in src.txt eng.txt gold.tsv; do [[ -f $dir/$f ]] || die "$dir/$f not found"; done
  mkdir -p "$w"
  t0=$SECONDS
  embed "$dir/src.txt" "$w/src.npy"
  embed "$dir/eng.txt" "$w/eng.npy"
  "$MINE" -q -t "$THREADS" --ids --src "$dir/src.txt" --tgt "$dir/eng.txt" \
    --src-emb "$w/src.npy" --tgt-emb "$w/eng.npy" -o "$w/mined.tsv" || die "bitmill-mine failed on $pair"
  "$EVAL" bucc -q --no-header --mined "$w/mined.tsv" --gold "$dir/gold.tsv" -o "$w/bucc.tsv" ||
    die "bitmill-eval bucc failed on $pair"
  # One row: pair, sentences, gold, then the at_threshold and best rows (set threshold P R F1 pairs).
  dflt_row=$(grep -P '^at_threshold\t' "$w/bucc.tsv") || die "no at_threshold row in $w/bucc.tsv"
  best_row=$(grep -P '^best\t' "$w/bucc.tsv") || die "no best row in $w/bucc.tsv"
  IFS=$'\t' read -r -a dflt <<<"$dflt_row"
  IFS=$'\t' read -r -a best <<<"$best_row"
  ((${#dflt[@]} == 6 && ${#best[@]} == 6)) || die "unexpected bitmill-eval bucc output in $w/bucc.tsv"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$pair" \
    "$(wc -l <"$dir/src.txt")" "$(wc -l <"$dir/eng.txt")" "$(wc -l <"$dir/gold.tsv")" \
    "${dflt[@]:2}" "${best[@]:1}" >>"$WORK/mine.tsv"
  log "mine $pair: F1 ${dflt[4]}% (default), ${best[4]}% (best, --threshold ${best[1]}) [$((SECONDS - t0)) s]"
done
ELAPSED=$((SECONDS - START))

# --- Report --------------------------------------------------------------------------------------
model_digest=$(cd "$MODEL" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
report() {
  local ntat
  ntat=$(wc -l <"$WORK/tatoeba.tsv")
  cat <<EOF
## Evaluation of \`$MODEL\`

- model: \`$(cd "$MODEL" && pwd)\` (sha256 over its files, sorted by name: \`$model_digest\`)
- tools: $("$EMBED" --version), $("$MINE" --version), $("$EVAL" --version); checkout $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown)
- dev sets: \`$(cd "$DEV" && pwd)\`; run $(date -u +%Y-%m-%dT%H:%MZ) on $(hostname) with -t $THREADS (0 = all cores) in ${ELAPSED} s
- commands (\`scripts/train/evaluate.sh\`), per language / pair:
  - \`bitmill-embed --model MODEL -t $THREADS${BATCH[*]:+ ${BATCH[*]}} -o X.npy X.txt\` for each side
  - \`bitmill-eval tatoeba --src-emb xx.npy --tgt-emb xx-eng.npy --name xx\`
  - \`bitmill-mine --src src.txt --tgt eng.txt --src-emb src.npy --tgt-emb eng.npy --ids -o mined.tsv\` (defaults: ratio margin, k = 4, max retrieval, no threshold)
  - \`bitmill-eval bucc --mined mined.tsv --gold gold.tsv\`

**Headline: mean xx→en Tatoeba accuracy (cosine) over $ntat languages: $(awk -F'\t' '{s += $3} END {printf "%.2f", s / NR}' "$WORK/tatoeba.tsv")%**

### Tatoeba retrieval accuracy (%)

Each of the n sentences retrieves one among the n of the other side; margin = ratio margin over the k = 4 cosine neighbours.

| lang | n | xx→en cosine | en→xx cosine | xx→en margin | en→xx margin |
|------|--:|--:|--:|--:|--:|
EOF
  awk -F'\t' '{printf "| %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6}' "$WORK/tatoeba.tsv"
  awk -F'\t' '{n += $2; for (i = 3; i <= 6; i++) s[i] += $i}
    END {printf "| **mean (%d)** | %d | **%.2f** | %.2f | %.2f | %.2f |\n", NR, n / NR, s[3] / NR, s[4] / NR, s[5] / NR, s[6] / NR}' \
    "$WORK/tatoeba.tsv"
  cat <<EOF

### Mining (BUCC-style, WMT newstest 2017 dev tasks; P, R, F1 in %)

Default: every pair bitmill-mine outputs with its defaults (no threshold). Best: the
\`--threshold\` that maximises F1 on the same task (an oracle; choose it on dev, apply it on test).

| pair | src lines | eng lines | gold | mined | P | R | F1 (default) | best --threshold | P | R | F1 (best) | pairs kept |
|------|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|
EOF
  awk -F'\t' '{printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
    $1, $2, $3, $4, $8, $5, $6, $7, $9, $10, $11, $12, $13}' "$WORK/mine.tsv"
  awk -F'\t' '{p += $5; r += $6; f += $7; bp += $10; br += $11; bf += $12}
    END {printf "| **mean (%d)** | | | | | %.2f | %.2f | **%.2f** | | %.2f | %.2f | **%.2f** | |\n",
      NR, p / NR, r / NR, f / NR, bp / NR, br / NR, bf / NR}' "$WORK/mine.tsv"
}
if [[ -n $OUT ]]; then
  report >"$OUT.tmp.$$" || { rm -f "$OUT.tmp.$$"; die "could not write $OUT"; }
  mv "$OUT.tmp.$$" "$OUT"
  log "wrote $OUT"
else
  report
fi
log "done in $((SECONDS - START)) s"
