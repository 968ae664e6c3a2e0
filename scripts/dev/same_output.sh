#!/usr/bin/env bash
# Refactoring check: runs every bitmill tool with two builds on the same inputs and compares what
# they write, byte for byte (output files, stdout, and stderr with timings replaced by [TIME]).
#
# What runs (each command once per build, in its own directory):
#   bitmill-embed   data/samples/mine (f32 .npy, f16 raw, -t 1, --column, stdout) with the default
#                   model, and with small random BERT and XLM-R checkpoints (f32, --quantize int8,
#                   made by tests/reference/encoder_reference.py); with --shared,
#                   every dev/tatoeba, dev/ntrex and dev/mine text
#   bitmill-mine    the sample and each dev/mine task: default, --ids --unify, score, --knn-method
#                   f32 and int8, other margins and retrievals, a 3-shard --work run and its merge,
#                   FAISS-index search
#   bitmill-index   Flat and IVF builds (--stats without its timings), --train-only, shards,
#                   merge, search, --check-recall
#   bitmill-eval    tatoeba on each dev pair, bucc on each mined output
#   bitmill-filter  bitext on the sample (--rejected, --stats, --all-reasons, --annotate, --model
#                   default); with --shared, the train pairs of a dozen languages and the NTREX pairs
#                   of all 46 languages; mono: JSONL and plain documents built from NTREX news
#   bitmill-dedup   the sample (pair key, nfkc-casefold, folded white space), train shards with a
#                   forced spill, --removed, --key src, --hash-bits 128
# Nothing here is timed: speed is scripts/bench/'s business. HNSW builds run on one thread (FAISS
# builds them differently on several).
#
# Usage: scripts/dev/same_output.sh OLD_BIN_DIR NEW_BIN_DIR [--shared DIR] [--work DIR] [--only TOOL]
#   --shared DIR   the shared data folder (default: ../shared/data beside the repository, when present)
#   --work DIR     keep the outputs in DIR (default: a temporary folder, removed at exit)
#   --only TOOL    run only the commands of one tool (embed, mine, index, eval, filter, dedup)
# Prints one line per command (same / DIFFERENT) and exits 1 when any differs.
set -euo pipefail
export LC_ALL=C.UTF-8 TZ=UTC
unset SLURM_ARRAY_TASK_ID SLURM_ARRAY_TASK_COUNT SLURM_ARRAY_TASK_MIN
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }
[ $# -ge 2 ] || { usage >&2; exit 2; }
OLD=$(realpath "$1") NEW=$(realpath "$2")
shift 2
SHARED="$ROOT/../shared/data" WORK="" ONLY=""
while [ $# -gt 0 ]; do
  case $1 in
    --shared) SHARED=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "same_output: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -d "$SHARED/dev" ] || SHARED=""
if [ -n "$WORK" ]; then mkdir -p "$WORK"; else
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/same_output.XXXXXX")
  trap 'rm -rf "$WORK"' EXIT
fi
WORK=$(realpath "$WORK")
S=$ROOT/data/samples
PY=/usr/bin/python3
differ=0 count=0

# Timings and rates are the only things allowed to differ.
normalize() {
  sed -E 's/ \[[0-9.]+ (s|min [0-9]+ s|h [0-9]+ min)(, [0-9.]+ [kMGT]?B\/s)?\]$/ [TIME]/;
    s/[0-9.]+ sentences\/s/N sentences\/s/; s/"(train|add|recall|total)": [0-9.]+/"\1": T/g' "$1"
}

# run NAME TOOL ARGS...: the command in WORK/{old,new}/NAME/ with ./in -> the shared inputs; the
# inputs it names are absolute paths or files made by earlier commands (in WORK/inputs).
run() {
  local name=$1
  shift
  [ -z "$ONLY" ] || [[ $name == "$ONLY"-* ]] || return 0
  local side bin dir
  for side in old new; do
    bin=$OLD
    [ $side = new ] && bin=$NEW
    dir=$WORK/$side/$name
    rm -rf "$dir"
    mkdir -p "$dir"
    (cd "$dir" && PATH="$bin:$PATH" "$@" >stdout 2>stderr.raw </dev/null; echo "exit $?" >rc) || true
    normalize "$dir/stderr.raw" >"$dir/stderr"
    rm "$dir/stderr.raw"
    for j in "$dir"/stats.json; do [ ! -f "$j" ] || { normalize "$j" >"$j.n" && mv "$j.n" "$j"; }; done
  done
  count=$((count + 1))
  if diff -r "$WORK/old/$name" "$WORK/new/$name" >"$WORK/$name.diff" 2>&1; then
    echo "same       $name"
    rm "$WORK/$name.diff"
  else
    echo "DIFFERENT  $name (see $WORK/$name.diff)"
    differ=$((differ + 1))
  fi
}

IN=$WORK/inputs
mkdir -p "$IN"
# Inputs made once, with the new build's embeddings where they are inputs to other tools (the
# embed commands themselves compare the two builds' embeddings).
cp "$S/mine/deu.txt" "$S/mine/eng.txt" "$S/mine/gold.tsv" "$S/deu-eng.tsv" "$IN/"
"$NEW/bitmill-embed" -q -o "$IN/deu.npy" "$IN/deu.txt"
"$NEW/bitmill-embed" -q -o "$IN/eng.npy" "$IN/eng.txt"

# ---- embed
run embed-sample bitmill-embed -o out.npy "$IN/deu.txt" "$IN/eng.txt"
run embed-sample-f16-raw bitmill-embed --dtype f16 --format raw -o out.f16 "$IN/deu.txt"
run embed-sample-t1 bitmill-embed -t 1 -o out.npy "$IN/eng.txt"
run embed-sample-column bitmill-embed --column 2 -o out.npy "$IN/deu-eng.tsv"
run embed-sample-stdout bash -c "bitmill-embed < '$IN/eng.txt' | md5sum"
# Small random BERT and XLM-R checkpoints (tests/reference/encoder_reference.py), for the
# transformer path: f32 and int8.
for arch in bert xlmr; do
  [ -d "$IN/$arch" ] || $PY "$ROOT/tests/reference/encoder_reference.py" make "$IN/$arch" --arch $arch \
    $([ $arch = bert ] && echo --pooling cls --dense --normalize) >/dev/null 2>&1
  run "embed-$arch" bitmill-embed --model "$IN/$arch" -o out.npy "$IN/deu.txt"
  run "embed-$arch-int8" bitmill-embed --model "$IN/$arch" --quantize int8 -t 1 -o out.npy "$IN/eng.txt"
done
if [ -n "$SHARED" ]; then
  run embed-tatoeba bash -c "for f in '$SHARED'/dev/tatoeba/tatoeba.*; do bitmill-embed -q -o \$(basename \$f).npy \$f; done"
  run embed-ntrex bash -c "for f in '$SHARED'/dev/ntrex/ntrex.*; do bitmill-embed -q -o \$(basename \$f).npy \$f; done"
fi

# ---- mine
M="--src $IN/deu.txt --tgt $IN/eng.txt --src-emb $IN/deu.npy --tgt-emb $IN/eng.npy"
run mine-sample bitmill-mine $M -o mined.tsv
run mine-sample-ids-unify bitmill-mine $M --ids --unify -o mined.tsv
run mine-sample-f32 bitmill-mine $M --knn-method f32 --ids -o mined.tsv
run mine-sample-int8 bitmill-mine $M --knn-method int8 --ids -o mined.tsv
run mine-sample-distance bitmill-mine $M --margin distance --retrieval intersect --threshold 0.05 -v
run mine-sample-absolute bitmill-mine $M --margin absolute --retrieval fwd -k 8 --block 100 -t 1
run mine-score bitmill-mine score --src "$IN/deu.txt" --tgt "$IN/deu.txt" --src-emb "$IN/deu.npy" --tgt-emb "$IN/deu.npy" --unify
run mine-shards bash -c "mkdir knn && for i in 0 1 2; do bitmill-mine $M --work knn --shard \$i/3; done &&
  bitmill-mine $M --work knn --shard 1/3 && bitmill-mine merge $M --work knn --ids -o merged.tsv && rm -r knn"
run mine-index bash -c "bitmill-index -q -o s.faiss $IN/deu.npy && bitmill-index -q --factory IVF16,Flat --nprobe 4 -o t.faiss $IN/eng.npy &&
  bitmill-mine $M --src-index s.faiss --tgt-index t.faiss --ids -o mined.tsv && rm s.faiss t.faiss"
run mine-errors bash -c "bitmill-mine --src $IN/deu.txt --tgt $IN/eng.txt --src-emb $IN/eng.npy --tgt-emb $IN/deu.npy; echo \$?;
  bitmill-mine $M --src-index x; echo \$?; bitmill-mine $M -k 0; echo \$?"
if [ -n "$SHARED" ]; then
  for t in "$SHARED"/dev/mine/*; do
    p=$(basename "$t")
    [ -f "$IN/$p.src.npy" ] || {
      "$NEW/bitmill-embed" -q -o "$IN/$p.src.npy" "$t/src.txt"
      "$NEW/bitmill-embed" -q -o "$IN/$p.eng.npy" "$t/eng.txt"
    }
    run "mine-dev-$p" bitmill-mine --src "$t/src.txt" --tgt "$t/eng.txt" --src-emb "$IN/$p.src.npy" --tgt-emb "$IN/$p.eng.npy" --ids -o mined.tsv
    run "embed-dev-mine-$p" bitmill-embed -o src.npy "$t/src.txt"
  done
fi

# ---- index
E="$IN/deu.npy $IN/eng.npy"
run index-flat bash -c "bitmill-index -o flat.faiss $E --check-recall=200 -k 5 --stats stats.json &&
  bitmill-index search --index flat.faiss --queries $IN/deu.npy -k 5 -o s.tsv && bitmill-index -o flat.faiss $E"
run index-ivf bash -c "bitmill-index --factory IVF32,Flat --nprobe 8 -o ivf.faiss $E --check-recall --stats stats.json &&
  bitmill-index search --index ivf.faiss --queries $IN/eng.npy -k 3 --nprobe 2 -o s.tsv -v"
run index-shards bash -c "bitmill-index --factory IVF16,Flat --train-only -o tr.faiss $E &&
  for i in 0 1 2; do bitmill-index --trained tr.faiss --shard \$i/3 -o sh\$i.faiss $E; done &&
  bitmill-index merge -o m.faiss sh0.faiss sh1.faiss sh2.faiss --nprobe 16 && bitmill-index search --index m.faiss --queries $IN/deu.npy -o s.tsv"
run index-hnsw bash -c "bitmill-index -t 1 --factory HNSW16 --ef-search 64 -o h.faiss $E --check-recall=100 && bitmill-index search --index h.faiss --queries $IN/eng.npy -k 2"
run index-errors bash -c "bitmill-index -o x.faiss; echo \$?; bitmill-index --factory Nope -o x.faiss $E; echo \$?; bitmill-index merge -o y.faiss; echo \$?"

# ---- eval
run eval-bucc-sample bash -c "bitmill-mine -q $M --ids -o mined.tsv && bitmill-eval bucc --mined mined.tsv --gold $IN/gold.tsv &&
  bitmill-eval bucc --mined mined.tsv --gold $IN/gold.tsv --threshold 1.1 --no-header"
run eval-tatoeba-sample bitmill-eval tatoeba --src-emb "$IN/deu.npy" --tgt-emb "$IN/deu.npy" -k 3
if [ -n "$SHARED" ]; then
  for t in "$SHARED"/dev/mine/*; do
    p=$(basename "$t")
    run "eval-bucc-$p" bash -c "bitmill-mine -q --src $t/src.txt --tgt $t/eng.txt --src-emb $IN/$p.src.npy --tgt-emb $IN/$p.eng.npy --ids -o m.tsv &&
      bitmill-eval bucc --mined m.tsv --gold $t/gold.tsv"
  done
  run eval-tatoeba-dev bash -c "for f in '$SHARED'/dev/tatoeba/tatoeba.*-eng.eng; do x=\${f%.eng}; l=\${x##*.}; l=\${l%-eng};
    bitmill-embed -q -o a.npy \$x.\$l && bitmill-embed -q -o b.npy \$f && bitmill-eval tatoeba --no-header --src-emb a.npy --tgt-emb b.npy --name \$l; done; rm a.npy b.npy"
fi

# ---- filter
run filter-sample bitmill-filter --src-lang de --tgt-lang en --rejected rej.tsv --stats st.json -o kept.tsv "$IN/deu-eng.tsv"
run filter-sample-all bitmill-filter --src-lang deu --tgt-lang eng --all-reasons --annotate -t 1 "$IN/deu-eng.tsv"
run filter-sample-semantic bitmill-filter --src-lang de --tgt-lang en --model default --annotate -o a.tsv "$IN/deu-eng.tsv"
run filter-sample-margin bitmill-filter --src-lang de --tgt-lang en --model default --margin --min-score 0.9 --rejected r.tsv "$IN/deu-eng.tsv"
run filter-sample-sets bitmill-filter --src-lang de --tgt-lang en --disable lang-id,numbers --set length-ratio.max=1.5 --rejected r.tsv -- "$IN/deu-eng.tsv"
run filter-sample-cld2 bitmill-filter --src-lang de --tgt-lang en --lid cld2 --rejected r.tsv "$IN/deu-eng.tsv"
run filter-explain bash -c "bitmill-filter --explain --src-lang de --tgt-lang en; bitmill-filter --mono --explain"
run filter-errors bash -c "bitmill-filter $IN/deu-eng.tsv; echo \$?; bitmill-filter --src-lang xx --tgt-lang en $IN/deu-eng.tsv; echo \$?;
  bitmill-filter --src-lang de --tgt-lang en --set nope.x=1 -- $IN/deu-eng.tsv; echo \$?; bitmill-filter --mono --set gopher-words.min=-1 -- $IN/deu-eng.tsv; echo \$?"
if [ -n "$SHARED" ]; then
  for f in deu-eng ces-eng eng-rus eng-zho eng-jpn eng-tha eng-kor ara-eng eng-hin eng-swa eng-tur eng-fin eng-ell; do
    [ -f "$SHARED/train/$f.tsv.zst" ] || continue
    a=${f%-*} b=${f#*-}
    run "filter-train-$f" bitmill-filter --src-lang "$a" --tgt-lang "$b" --all-reasons --rejected r.tsv --stats s.json -o k.tsv "$SHARED/train/$f.tsv.zst"
  done
  [ -f "$IN/ntrex.tsv" ] || for x in "$SHARED"/dev/ntrex/ntrex.*-eng.eng; do
    b=${x%.eng}; l=${b##*.}; l=${l%-eng}
    paste "$b.$l" "$x" >"$IN/ntrex.$l.tsv"
  done
  run filter-ntrex bash -c "for f in $IN/ntrex.*.tsv; do l=\${f%.tsv}; l=\${l##*.}; echo \$l;
    bitmill-filter --src-lang \$l --tgt-lang en --all-reasons --rejected \$l.rej --stats \$l.json -o \$l.kept \$f; done"
  run filter-ntrex-semantic bash -c "for f in $IN/ntrex.{fra,mya,tha,swa}.tsv; do l=\${f%.tsv}; l=\${l##*.};
    bitmill-filter --src-lang \$l --tgt-lang en --model default --annotate -o \$l.ann \$f; done"
  # Mono documents: 25 NTREX lines per document, as JSONL with an extra field, and as plain lines.
  [ -f "$IN/docs.jsonl" ] || $PY - "$SHARED/dev/ntrex" "$IN" <<'EOF'
import json, os, sys
src, out = sys.argv[1], sys.argv[2]
docs = []
for name in sorted(os.listdir(src)):
    lines = open(os.path.join(src, name), encoding="utf-8").read().split("\n")
    for i in range(0, len(lines), 25):
        sep = "\n\n" if i % 50 == 0 else "\n"
        docs.append({"id": f"{name}:{i}", "text": sep.join(lines[i:i + 25]), "meta": {"n": i}})
with open(os.path.join(out, "docs.jsonl"), "w", encoding="utf-8") as f:
    for d in docs:
        f.write(json.dumps(d, ensure_ascii=False) + "\n")
with open(os.path.join(out, "docs.txt"), "w", encoding="utf-8") as f:
    for d in docs:
        f.write(d["text"].replace("\n", " ") + "\n")
EOF
  run filter-mono-jsonl bitmill-filter --mono --all-reasons --rejected r.jsonl --stats s.json -o k.jsonl "$IN/docs.jsonl"
  run filter-mono-lang bitmill-filter --mono --lang en --set c4-lines.terminal-punct=false --annotate -o a.jsonl -- "$IN/docs.jsonl"
  run filter-mono-text bitmill-filter --mono --format text --rejected r.txt -o k.txt "$IN/docs.txt"
  run filter-mono-no-newlines bitmill-filter --mono --disable fineweb-newlines --all-reasons --annotate -o a.jsonl -- "$IN/docs.jsonl"
  run filter-mono-no-c4-lines bitmill-filter --mono --disable c4-lines --all-reasons --annotate -o a.jsonl -- "$IN/docs.jsonl"
  run filter-mono-lenient bitmill-filter --mono --set gopher-words.min=5 --set c4-min-sentences.min=1 --disable gopher-stop-words --lid none -o k.jsonl -- "$IN/docs.jsonl"
fi

# ---- dedup
run dedup-sample bitmill-dedup --key pair --normalize nfkc-casefold --fold-whitespace --removed rm.tsv -o k.tsv "$IN/deu-eng.tsv"
run dedup-sample-src bitmill-dedup --key src --hash-bits 128 -t 1 "$IN/deu-eng.tsv"
if [ -n "$SHARED" ]; then
  all=("$SHARED"/train/*.tsv.zst)
  TR="${all[*]:0:120}"
  run dedup-train-spill bitmill-dedup -v --memory 1M --key tgt --normalize casefold --removed rm.tsv.zst -o k.tsv.gz $TR
  run dedup-train-line bitmill-dedup --normalize nfkc -o k.tsv --shard 1/3 --shard-by file $TR
fi

echo "$count commands, $differ different (outputs in $WORK)"
[ $differ -eq 0 ]
