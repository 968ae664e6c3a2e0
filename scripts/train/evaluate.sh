#!/usr/bin/env bash
# Evaluate a sentence encoder on the dev sets with bitmill's own tools, and write a Markdown
# table for a model card.
#
# What, through the binaries users run (bitmill-embed, bitmill-mine, bitmill-eval):
# - tatoeba: every dev/tatoeba/tatoeba.<xx>-eng.{<xx>,eng} pair: bitmill-embed both sides and
#   bitmill-eval tatoeba (retrieval accuracy xx->en and en->xx, cosine and ratio margin). The
#   headline number is the mean xx->en cosine accuracy.
# - ntrex: the same on dev/ntrex/ntrex.<xx>-eng.* (46 long-tail languages, news): the second table.
# - mine: every dev/mine/<xx>-eng/ task: bitmill-mine src.txt and eng.txt with its defaults
#   (ratio margin, k = 4, max retrieval, and the model's calibrated threshold when its directory
#   carries one, the one for the task's language pair if it has that: the task's directory name
#   gives bitmill-mine --src-lang and --tgt-lang) and bitmill-eval bucc against gold.tsv: F1 at
#   the default and at the best threshold.
# - ntrex-mine: the same on mining tasks planted from dev/ntrex (scripts/train/plant_mining.py:
#   30% of each language's pairs planted among the other sentences of the same news).
# - mine-sparse: the dev/mine tasks with 10% of their translations kept, every distractor kept
#   (scripts/train/thin_mining.py): how the default threshold fares where few sentences have a
#   translation, as in web text (dev/mine has one for half of its source sentences).
# Why: one command that measures any model bitmill-embed loads, so the numbers in model cards and
# notes are reproducible; and every training change shows its effect on the long tail too.
#
# Usage: scripts/train/evaluate.sh MODEL [--dev DIR] [--out FILE] [-t THREADS] [--work DIR]
#            [--bin DIR] [--batch-tokens N] [--sets LIST]
#   MODEL           model directory for bitmill-embed --model (and bitmill-mine --model)
#   --dev DIR       dev sets (default: ../shared/data/dev relative to the repository root)
#   --out FILE      the Markdown report (default: standard output)
#   -t THREADS      threads for every tool (default 0: all cores)
#   --work DIR      keep the embeddings, mined pairs and TSV tables in DIR (default: a temporary
#                   directory, removed on exit); DIR/mine.tsv, DIR/ntrex-mine.tsv and the
#                   mined.all.tsv files under them are what scripts/train/calibrate.py reads
#   --bin DIR       where the bitmill binaries are (default: build/bin of this checkout)
#   --batch-tokens  passed to bitmill-embed (default: its own)
#   --sets LIST     comma-separated subset of tatoeba,ntrex,mine,ntrex-mine,mine-sparse (default:
#                   all five; ntrex and ntrex-mine are skipped with a warning when DEV has no ntrex/)
# Logs go to standard error. Not part of scripts/test.sh: the dev sets are not in the repository.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }
die() { echo "evaluate: error: $*" >&2; exit 1; }
log() { echo "evaluate: $*" >&2; }

MODEL="" DEV="$ROOT/../shared/data/dev" OUT="" THREADS=0 WORK="" BIN="$ROOT/build/bin" BATCH=()
SETS_ARG=tatoeba,ntrex,mine,ntrex-mine,mine-sparse PY=/usr/bin/python3
while (($#)); do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --dev) DEV=${2:?--dev needs a directory}; shift 2 ;;
    --out | -o) OUT=${2:?--out needs a file}; shift 2 ;;
    -t | --threads) THREADS=${2:?-t needs a number}; shift 2 ;;
    --work) WORK=${2:?--work needs a directory}; shift 2 ;;
    --bin) BIN=${2:?--bin needs a directory}; shift 2 ;;
    --batch-tokens) BATCH=(--batch-tokens "${2:?--batch-tokens needs a number}"); shift 2 ;;
    --sets) SETS_ARG=${2:?--sets needs a list}; shift 2 ;;
    -*) die "unknown option '$1' (see --help)" ;;
    *) [[ -z $MODEL ]] || die "more than one MODEL ('$MODEL', '$1')"; MODEL=$1; shift ;;
  esac
done
[[ -n $MODEL ]] || { usage >&2; die "MODEL is required"; }
[[ -d $MODEL ]] || die "model directory '$MODEL' not found"
[[ $THREADS =~ ^[0-9]+$ ]] || die "-t expects a number, not '$THREADS'"
SETS=()
IFS=, read -r -a requested <<<"$SETS_ARG"
for set in "${requested[@]}"; do
  case $set in
    tatoeba | mine) [[ -d $DEV/$set ]] || die "'$DEV' has no $set/ dev sets (use --dev)"; SETS+=("$set") ;;
    mine-sparse) [[ -d $DEV/mine ]] || die "'$DEV' has no mine/ dev sets (use --dev)"; SETS+=("$set") ;;
    ntrex | ntrex-mine)
      if [[ -d $DEV/ntrex ]]; then SETS+=("$set"); else log "warning: no $DEV/ntrex: skipping $set"; fi ;;
    *) die "--sets: unknown set '$set' (tatoeba, ntrex, mine, ntrex-mine, mine-sparse)" ;;
  esac
done
((${#SETS[@]})) || die "--sets: nothing to evaluate"
[[ " ${SETS[*]} " != *" ntrex-mine "* && " ${SETS[*]} " != *" mine-sparse "* || -x $PY ]] ||
  die "ntrex-mine and mine-sparse need $PY (Debian's python3)"
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
START=$SECONDS

embed() {  # embed IN.txt OUT.npy
  "$EMBED" -q --model "$MODEL" -t "$THREADS" "${BATCH[@]}" -o "$2" "$1" || die "bitmill-embed failed on $1"
}

# --- Retrieval: Tatoeba and NTREX --------------------------------------------------------------
# retrieval_set NAME DIR PREFIX: every DIR/PREFIX.<xx>-eng.{<xx>,eng} pair into $WORK/NAME.tsv
retrieval_set() {
  local name=$1 dir=$2 prefix=$3 eng pair xx src t0
  local files=("$dir"/"$prefix".*-eng.eng)
  ((${#files[@]})) || die "no $prefix.<xx>-eng.eng files in $dir"
  mkdir -p "$WORK/$name"
  : >"$WORK/$name.tsv"
  for eng in "${files[@]}"; do
    pair=${eng##*/"$prefix".}; pair=${pair%.eng}; xx=${pair%-eng}
    src=$dir/$prefix.$pair.$xx
    [[ -f $src ]] || die "$eng has no source side $src"
    t0=$SECONDS
    embed "$src" "$WORK/$name/$xx.npy"
    embed "$eng" "$WORK/$name/$xx-eng.npy"
    "$EVAL" tatoeba -q --no-header -t "$THREADS" --name "$xx" \
      --src-emb "$WORK/$name/$xx.npy" --tgt-emb "$WORK/$name/$xx-eng.npy" >>"$WORK/$name.tsv" ||
      die "bitmill-eval tatoeba failed on $name $pair"
    log "$name $pair: $(tail -n1 "$WORK/$name.tsv" | cut -f3)% xx->en (cosine) [$((SECONDS - t0)) s]"
  done
}

# --- BUCC-style mining -------------------------------------------------------------------------
# mine_set NAME DIR: every DIR/<xx>-eng/{src.txt,eng.txt,gold.tsv} task into $WORK/NAME.tsv. Each
# task is mined twice: as a user would (bitmill-mine's defaults, including the threshold the model
# directory carries, if any) for the "default" columns, and with --threshold none for the best
# threshold (the pairs below the default threshold are needed to find it).
mine_set() {
  local name=$1 dir=$2 task pair w t0 dflt_row best_row
  local tasks=("$dir"/*/)
  ((${#tasks[@]})) || die "no mining tasks in $dir"
  : >"$WORK/$name.tsv"
  for task in "${tasks[@]}"; do
    task=${task%/}; pair=${task##*/}; w=$WORK/$name/$pair
    for f in src.txt eng.txt gold.tsv; do [[ -f $task/$f ]] || die "$task/$f not found"; done
    mkdir -p "$w"
    cp "$task/gold.tsv" "$w/gold.tsv"  # beside mined.all.tsv, for scripts/train/calibrate.py
    t0=$SECONDS
    embed "$task/src.txt" "$w/src.npy"
    embed "$task/eng.txt" "$w/eng.npy"
    local io=(--src "$task/src.txt" --tgt "$task/eng.txt" --src-emb "$w/src.npy" --tgt-emb "$w/eng.npy") langs=()
    # A task named by its languages (ISO 639-3, as dev/mine's) tells bitmill-mine its pair, for the
    # model's threshold for that pair where it has one (calibrate.py --pair-thresholds).
    [[ $pair =~ ^([a-z]{3})-([a-z]{3})$ ]] && langs=(--src-lang "${BASH_REMATCH[1]}" --tgt-lang "${BASH_REMATCH[2]}")
    "$MINE" -q -t "$THREADS" --ids --model "$MODEL" "${langs[@]}" "${io[@]}" -o "$w/mined.tsv" ||
      die "bitmill-mine failed on $name $pair"
    "$MINE" -q -t "$THREADS" --ids --model "$MODEL" --threshold none "${io[@]}" -o "$w/mined.all.tsv" ||
      die "bitmill-mine --threshold none failed on $name $pair"
    "$EVAL" bucc -q --no-header --mined "$w/mined.tsv" --gold "$task/gold.tsv" -o "$w/bucc.tsv" ||
      die "bitmill-eval bucc failed on $name $pair"
    "$EVAL" bucc -q --no-header --mined "$w/mined.all.tsv" --gold "$task/gold.tsv" -o "$w/bucc.all.tsv" ||
      die "bitmill-eval bucc failed on $name $pair"
    # One row: pair, sentences, gold, then the at_threshold row of the default run and the best
    # row of the unthresholded one (set threshold P R F1 pairs).
    dflt_row=$(grep -P '^at_threshold\t' "$w/bucc.tsv") || die "no at_threshold row in $w/bucc.tsv"
    best_row=$(grep -P '^best\t' "$w/bucc.all.tsv") || die "no best row in $w/bucc.all.tsv"
    IFS=$'\t' read -r -a dflt <<<"$dflt_row"
    IFS=$'\t' read -r -a best <<<"$best_row"
    ((${#dflt[@]} == 6 && ${#best[@]} == 6)) || die "unexpected bitmill-eval bucc output in $w"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$pair" \
      "$(wc -l <"$task/src.txt")" "$(wc -l <"$task/eng.txt")" "$(wc -l <"$task/gold.tsv")" \
      "${dflt[@]:2}" "${best[@]:1}" >>"$WORK/$name.tsv"
    log "$name $pair: F1 ${dflt[4]}% (default), ${best[4]}% (best, --threshold ${best[1]}) [$((SECONDS - t0)) s]"
  done
}

# plant_ntrex: a BUCC-style task per NTREX language (scripts/train/plant_mining.py: 30% of the
# pairs planted, the other sentences of the same news as distractors), under $WORK/ntrex-tasks.
plant_ntrex() {
  local eng pair xx
  for eng in "$DEV"/ntrex/ntrex.*-eng.eng; do
    pair=${eng##*/ntrex.}; pair=${pair%.eng}; xx=${pair%-eng}
    "$PY" "$ROOT/scripts/train/plant_mining.py" "$DEV/ntrex/ntrex.$pair.$xx" "$eng" \
      "$WORK/ntrex-tasks/$pair" || die "plant_mining.py failed on ntrex $pair"
  done
}

# thin_mine: each dev/mine task with 10% of its translations (scripts/train/thin_mining.py), under
# $WORK/mine-sparse-tasks.
thin_mine() {
  local task
  for task in "$DEV"/mine/*/; do
    task=${task%/}
    "$PY" "$ROOT/scripts/train/thin_mining.py" "$task" "$WORK/mine-sparse-tasks/${task##*/}" ||
      die "thin_mining.py failed on $task"
  done
}

shopt -s nullglob
for set in "${SETS[@]}"; do
  case $set in
    tatoeba) retrieval_set tatoeba "$DEV/tatoeba" tatoeba ;;
    ntrex) retrieval_set ntrex "$DEV/ntrex" ntrex ;;
    mine) mine_set mine "$DEV/mine" ;;
    ntrex-mine) plant_ntrex; mine_set ntrex-mine "$WORK/ntrex-tasks" ;;
    mine-sparse) thin_mine; mine_set mine-sparse "$WORK/mine-sparse-tasks" ;;
  esac
done
ELAPSED=$((SECONDS - START))

# --- Report --------------------------------------------------------------------------------------
model_digest=$(cd "$MODEL" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
mean_of() {  # mean_of FILE COLUMN: the mean of a TSV column, 2 decimals
  awk -F'\t' -v c="$2" '{s += $c} END {printf "%.2f", s / NR}' "$1"
}
retrieval_table() {  # retrieval_table NAME
  cat <<EOF
| lang | n | xx→en cosine | en→xx cosine | xx→en margin | en→xx margin |
|------|--:|--:|--:|--:|--:|
EOF
  awk -F'\t' '{printf "| %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6}' "$WORK/$1.tsv"
  awk -F'\t' '{n += $2; for (i = 3; i <= 6; i++) s[i] += $i; if (NR == 1 || $3 < lo) lo = $3; if ($3 < 30) below++}
    END {printf "| **mean (%d)** | %d | **%.2f** | %.2f | %.2f | %.2f |\n", NR, n / NR, s[3] / NR, s[4] / NR, s[5] / NR, s[6] / NR
      printf "\nLowest xx→en cosine: %.2f; languages below 30: %d.\n", lo, below}' "$WORK/$1.tsv"
}
mine_table() {  # mine_table NAME
  cat <<EOF
| pair | src lines | eng lines | gold | mined | P | R | F1 (default) | best --threshold | P | R | F1 (best) | pairs kept | gap |
|------|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|
EOF
  awk -F'\t' '{printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %.2f |\n",
    $1, $2, $3, $4, $8, $5, $6, $7, $9, $10, $11, $12, $13, $12 - $7}' "$WORK/$1.tsv"
  awk -F'\t' '{p += $5; r += $6; f += $7; bp += $10; br += $11; bf += $12; g = $12 - $7; if (g > worst) worst = g}
    END {printf "| **mean (%d)** | | | | | %.2f | %.2f | **%.2f** | | %.2f | %.2f | **%.2f** | | %.2f |\n",
      NR, p / NR, r / NR, f / NR, bp / NR, br / NR, bf / NR, (bf - f) / NR
      printf "\nLargest gap between the best and the default F1: %.2f points.\n", worst}' "$WORK/$1.tsv"
}
has_set() { [[ " ${SETS[*]} " == *" $1 "* ]]; }
report() {
  local threshold="none (keeps every pair bitmill-mine finds)"
  [[ -f $MODEL/bitmill.json ]] && threshold="the model's calibrated threshold ($MODEL/bitmill.json)"
  cat <<EOF
## Evaluation of \`$MODEL\`

- model: \`$(cd "$MODEL" && pwd)\` (sha256 over its files, sorted by name: \`$model_digest\`)
- tools: $("$EMBED" --version), $("$MINE" --version), $("$EVAL" --version); checkout $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown)
- dev sets: \`$(cd "$DEV" && pwd)\` ($(IFS=,; echo "${SETS[*]}")); run $(date -u +%Y-%m-%dT%H:%MZ) on $(hostname) with -t $THREADS (0 = all cores) in ${ELAPSED} s
- commands (\`scripts/train/evaluate.sh\`), per language / pair:
  - \`bitmill-embed --model MODEL -t $THREADS${BATCH[*]:+ ${BATCH[*]}} -o X.npy X.txt\` for each side
  - \`bitmill-eval tatoeba --src-emb xx.npy --tgt-emb xx-eng.npy --name xx\`
  - \`bitmill-mine --model MODEL --src-lang xx --tgt-lang eng --src src.txt --tgt eng.txt --src-emb src.npy --tgt-emb eng.npy --ids -o mined.tsv\` (defaults: ratio margin, k = 4, max retrieval; threshold: $threshold), and the same with \`--threshold none\` for the best threshold
  - \`bitmill-eval bucc --mined mined.tsv --gold gold.tsv\`

EOF
  if has_set tatoeba; then
    printf '**Headline: mean xx→en Tatoeba accuracy (cosine) over %s languages: %s%%**\n\n' \
      "$(wc -l <"$WORK/tatoeba.tsv")" "$(mean_of "$WORK/tatoeba.tsv" 3)"
  fi
  if has_set ntrex; then
    printf '**Long tail: mean xx→en NTREX accuracy (cosine) over %s languages: %s%%**\n\n' \
      "$(wc -l <"$WORK/ntrex.tsv")" "$(mean_of "$WORK/ntrex.tsv" 3)"
  fi
  if has_set tatoeba; then
    cat <<EOF
### Tatoeba retrieval accuracy (%)

Each of the n sentences retrieves one among the n of the other side; margin = ratio margin over the k = 4 cosine neighbours.

EOF
    retrieval_table tatoeba
    echo
  fi
  if has_set ntrex; then
    cat <<EOF
### Long-tail retrieval accuracy, dev/ntrex (%)

NTREX-128 news (newstest2019 and its human translations), the same task and metric as Tatoeba.

EOF
    retrieval_table ntrex
    echo
  fi
  local mine_intro="Default: the pairs bitmill-mine outputs with its defaults; threshold: $threshold.
Best: the \`--threshold\` that maximises F1 on the same task, found on the unthresholded output
(an oracle). Gap: best minus default F1."
  if has_set mine; then
    cat <<EOF
### Mining (BUCC-style, WMT newstest 2017 dev tasks; P, R, F1 in %)

$mine_intro

EOF
    mine_table mine
    echo
  fi
  if has_set ntrex-mine; then
    cat <<EOF
### Long-tail mining, planted in dev/ntrex (P, R, F1 in %)

Per language, 30% of the NTREX pairs are planted among 25% source-only and 45% English-only
sentences of the same news (\`scripts/train/plant_mining.py\`, fixed hash seed).
$mine_intro

EOF
    mine_table ntrex-mine
    echo
  fi
  if has_set mine-sparse; then
    cat <<EOF
### Sparse mining, dev/mine with 10% of its translations (P, R, F1 in %)

The dev/mine tasks with 10% of their gold pairs kept and every other sentence of the pairs left
out (\`scripts/train/thin_mining.py\`, fixed hash seed): where dev/mine has a translation for
half of its source sentences, these have one for about a tenth, nearer to web text. The best
threshold is higher when fewer sentences have a translation.
$mine_intro

EOF
    mine_table mine-sparse
    echo
  fi
}
if [[ -n $OUT ]]; then
  report >"$OUT.tmp.$$" || { rm -f "$OUT.tmp.$$"; die "could not write $OUT"; }
  mv "$OUT.tmp.$$" "$OUT"
  log "wrote $OUT"
else
  report
fi
log "done in $((SECONDS - START)) s"
