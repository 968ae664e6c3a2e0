#!/usr/bin/env bash
# Benchmark of bitmill-embed against batched PyTorch and ONNX Runtime, all on the same threads
# (default 2), the same sentences and the same random-weight checkpoints, measured in one run.
#
# Model shapes (checkpoints written by tests/reference/encoder_reference.py make):
#   minilm  paraphrase-multilingual-MiniLM-L12-v2 shape: XLM-R SentencePiece tokenizer (8000
#           pieces trained on data/samples), 12 layers, hidden 384, 12 heads, FFN 1536, mean pooling
#   labse   LaBSE shape: BERT WordPiece, 12 layers, hidden 768, 12 heads, FFN 3072, CLS pooling,
#           Dense 768 + Tanh, Normalize
# Both truncate at 128 tokens. The small test vocabularies split words into more pieces than the
# real tokenizers would, so sentences are longer in tokens than with the published models: the
# mean token count is printed, compare rates only at similar counts.
#
# Engines (each on --threads threads):
#   PyTorch fp32       scripts/bench/embed_torch.py: the model as a torch.nn.Module, run the way
#                      sentence-transformers' encode() runs it (longest text first, batches of 32,
#                      padding + attention mask, torch.no_grad, torch.set_num_threads); Debian's
#                      python3-torch on the BLAS that libblas.so.3 points to (printed; should be
#                      OpenBLAS)
#   ONNX Runtime fp32  the same Module exported with torch.onnx.export (opset 14, dynamic batch
#                      and sequence), run by npm onnxruntime-node (CPU EP, intraOpNumThreads =
#                      threads, interOpNumThreads 1, all graph optimisations) with the same
#                      batches: scripts/bench/embed_ort.mjs
#   ONNX Runtime int8  the same graph with every Linear's MatMul dynamically quantised as ORT's
#                      quantize_dynamic does (int8 per-column weights, uint8 per-tensor
#                      activations; DynamicQuantizeLinear + MatMulInteger, which ORT fuses into
#                      its DynamicQuantizeMatMul): scripts/bench/embed_onnx_int8.py, with
#                      Debian's python3-onnx (skipped with the reason when it is missing)
#   bitmill fp32       bitmill-embed -t THREADS
#   bitmill int8       bitmill-embed -t THREADS --quantize int8, when the binary accepts it (tried
#                      on one sentence first; skipped with its error message otherwise)
#   bitmill bf16       bitmill-embed -t THREADS --quantize bf16, likewise (bf16 products where the
#                      CPU has AVX512-BF16; the f32 kernels on rounded values elsewhere)
# Timing excludes model loading everywhere. PyTorch and ONNX Runtime time the encode loop alone
# (padding and tensor creation included; tokenisation, done once in Python, is excluded and its
# time printed; one warm-up batch is run first). bitmill is timed as a whole process on the N
# sentences (reading, tokenising, encoding, writing .npy) minus the wall time of the same command
# on one sentence (start-up and model load). "cores" is CPU time / encode wall time.
# Correctness: the cosine between each engine's rows and PyTorch's (fp32: mean must be > 0.9999;
# int8: every sentence >= 0.995), and bitmill int8 against bitmill fp32. The header prints the
# CPU's vector flags and bitmill's kernel level (its -v line); the goals printed per shape are
# issue 19's for an AVX-512 machine.
#
# Text: --text FILE (first N lines), else assembled from real sentences: 3/4 longer sentences,
# mostly WMT news (German and English sides of ../shared/data/train/deu-eng.tsv.zst, relative to
# the repository root, pairs with >= 12 German words) and 1/4 Tatoeba sentences (both sides of
# data/samples/deu-eng.tsv). Without ../shared, the Tatoeba sample alone (short sentences).
#
# Usage: scripts/bench/embed.sh [options]
#   --n N            sentences (default 2000)
#   --labse-n N      sentences for the labse shape (default: 500; the first of the same text)
#   --shapes LIST    comma-separated: minilm,labse (default both)
#   --text FILE      sentences, one per line (default: assembled as above)
#   --threads N      threads of every engine (default 2)
#   --repeat N       runs of each engine, interleaved; the best counts (default 1)
#   --bin PATH       bitmill-embed to test (default: build/bin/bitmill-embed; copied first, so a
#                    rebuild during the run does not change it)
#   --npm-dir DIR    a directory where `npm install --prefix DIR onnxruntime-node` was done;
#                    default: install into the work dir (needs the npm registry)
#   --no-ort         skip ONNX Runtime
#   --work DIR       work dir (default: mktemp under ${TMPDIR:-/tmp}, removed at exit)
#   --keep           keep the work dir
#   -h, --help       this text
# Needs /usr/bin/python3 with python3-torch, python3-numpy, python3-sentencepiece; node and npm
# for ONNX Runtime; zstd for the news text. The table goes to stdout, progress to stderr. The
# machine should be otherwise idle. Exit status: 0 done, 1 a correctness check failed or an
# engine other than ONNX Runtime failed, 2 usage error.
set -euo pipefail
export LC_ALL=C.UTF-8

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE="$REPO_ROOT/scripts/bench"
PY=/usr/bin/python3
N=2000
LABSE_N=500
SHAPES=minilm,labse
TEXT=""
THREADS=2
REPEAT=1
BIN="$REPO_ROOT/build/bin/bitmill-embed"
NPM_DIR=""
ORT=1
WORK=""
KEEP=0

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; }
die() { echo "embed.sh: $*" >&2; exit 2; }
log() { echo "[bench] $*" >&2; }

while (($#)); do
  case $1 in
    --n) N=${2:?--n needs a value}; shift 2 ;;
    --labse-n) LABSE_N=${2:?--labse-n needs a value}; shift 2 ;;
    --shapes) SHAPES=${2:?--shapes needs a list}; shift 2 ;;
    --text) TEXT=${2:?--text needs a file}; shift 2 ;;
    --threads) THREADS=${2:?--threads needs a value}; shift 2 ;;
    --repeat) REPEAT=${2:?--repeat needs a value}; shift 2 ;;
    --bin) BIN=${2:?--bin needs a path}; shift 2 ;;
    --npm-dir) NPM_DIR=${2:?--npm-dir needs a directory}; shift 2 ;;
    --no-ort) ORT=0; shift ;;
    --work) WORK=${2:?--work needs a directory}; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done
for v in N LABSE_N THREADS REPEAT; do
  [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "--$(tr 'A-Z_' 'a-z-' <<<"$v") must be a positive integer"
done
IFS=, read -r -a shape_list <<<"$SHAPES"
for s in "${shape_list[@]}"; do
  [[ $s == minilm || $s == labse ]] || die "unknown shape: $s (minilm or labse)"
done
[[ -x $BIN ]] || die "bitmill-embed not found or not executable: $BIN (build it first, or pass --bin)"
[[ -z $TEXT || -r $TEXT ]] || die "cannot read --text $TEXT"
[[ -x $PY ]] || die "$PY not found"
$PY -c 'import torch, numpy, sentencepiece' 2>/dev/null ||
  die "$PY needs torch, numpy and sentencepiece (apt-get install python3-torch python3-numpy python3-sentencepiece)"

OWN_WORK=0
if [[ -z $WORK ]]; then
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/bitmill-embed-bench.XXXXXX")
  OWN_WORK=1
else
  mkdir -p "$WORK"
  WORK=$(cd "$WORK" && pwd)
fi
cleanup() {
  if ((KEEP)); then log "kept: $WORK"; elif ((OWN_WORK)); then rm -rf "$WORK"; fi
}
trap cleanup EXIT

# Every engine on THREADS threads, whichever threading layer its BLAS or runtime uses.
export OMP_NUM_THREADS=$THREADS OPENBLAS_NUM_THREADS=$THREADS MKL_NUM_THREADS=$THREADS
export PYTHONDONTWRITEBYTECODE=1

BE="$WORK/bitmill-embed"
cp "$BIN" "$BE"
RESULTS="$WORK/results.jsonl"
: >"$RESULTS"
status=0

# --- header -----------------------------------------------------------------------------------
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
flags=$(grep -m1 -o -w -E 'avx2|avx512f|avx512bw|avx512_vnni|avx_vnni|avx512_bf16|amx_tile|amx_int8|amx_bf16' /proc/cpuinfo |
  sort -u | tr '\n' ' ' || true)
torch_info=$($PY "$HERE/embed_torch.py" info --threads "$THREADS")
torch_deb=$(dpkg-query -W -f '${Version}' python3-torch 2>/dev/null || echo "?")
echo "bitmill-embed benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $THREADS threads per engine"
echo "machine:  ${cpu:-?} ($(nproc) cores; ${flags% }), load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
echo "bitmill:  $("$BE" --version 2>&1 | head -n 1) ($BIN, copied)"
$PY - "$torch_info" "$torch_deb" <<'PY'
import json, sys
i = json.loads(sys.argv[1])
libs = ", ".join(i["blas_libs"]) or "none mapped"
print(f"PyTorch:  {i['torch']} (Debian python3-torch {sys.argv[2]}; BLAS_INFO={i['blas_info']}; BLAS library: {libs}; "
      f"{'OpenBLAS' if i['openblas'] else 'NOT OpenBLAS'}; 1024^3 SGEMM {i['sgemm_gflops']} GFLOP/s on {i['threads']} threads)")
PY
if ! grep -q '"openblas": true' <<<"$torch_info"; then
  echo "warning:  python3-torch is not running on OpenBLAS (install libopenblas0-pthread)"
fi

ORT_REASON=""
if ((ORT)); then
  if [[ -z $NPM_DIR ]]; then
    NPM_DIR="$WORK/npm"
    if ! command -v npm >/dev/null || ! command -v node >/dev/null; then
      ORT_REASON="node/npm not installed"
    else
      log "npm install onnxruntime-node into $NPM_DIR"
      if ! npm install --prefix "$NPM_DIR" onnxruntime-node --ignore-scripts --no-audit --no-fund \
        >"$WORK/npm.log" 2>&1; then
        ORT_REASON="npm install failed: $(grep -m1 -iE 'err' "$WORK/npm.log" || tail -n 1 "$WORK/npm.log")"
      fi
    fi
  fi
  if [[ -z $ORT_REASON ]]; then
    ort_version=$(node -e "console.log(require(process.argv[1] + '/node_modules/onnxruntime-node/package.json').version)" \
      "$NPM_DIR" 2>/dev/null) || ORT_REASON="onnxruntime-node not found under $NPM_DIR"
  fi
  if [[ -z $ORT_REASON ]]; then
    echo "ORT:      onnxruntime-node $ort_version (npm, CPU EP), node $(node --version)"
  else
    echo "ORT:      not measured: $ORT_REASON"
  fi
else
  ORT_REASON="skipped (--no-ort)"
fi

# --- text -------------------------------------------------------------------------------------
TEXTS="$WORK/texts.txt"
if [[ -n $TEXT ]]; then
  head -n "$N" "$TEXT" >"$TEXTS"
  N=$(wc -l <"$TEXTS")
  ((N > 0)) || die "--text $TEXT is empty"
  echo "text:     $N lines of $TEXT"
else
  mix=$($PY "$HERE/embed_util.py" text "$TEXTS" --n "$N" --samples "$REPO_ROOT/data/samples/deu-eng.tsv" \
    --news "$REPO_ROOT/../shared/data/train/deu-eng.tsv.zst")
  $PY - "$mix" <<'PY'
import json, sys
m = json.loads(sys.argv[1])
if m["long"]:
    print(f"text:     {m['sentences']} sentences: {m['long']} longer ones, German and English alternating, "
          f"from ../shared/data/train/deu-eng.tsv.zst ({m['news']}; mostly WMT news) + {m['short']} Tatoeba "
          f"sentences from data/samples/deu-eng.tsv (both sides); {m['mean_words']} words, {m['mean_chars']} "
          f"characters per sentence on average")
else:
    print(f"text:     {m['sentences']} sentences: the {m['distinct_short']} distinct Tatoeba sentences of "
          f"data/samples/deu-eng.tsv (both sides), repeated as needed; ../shared news text {m['news']}; "
          f"{m['mean_words']} words per sentence on average")
PY
fi
head -n 1 "$TEXTS" >"$WORK/one.txt"

# --- one model shape --------------------------------------------------------------------------
run_shape() {
  local shape=$1 n=$2 d="$WORK/$1" desc texts
  mkdir -p "$d"
  texts="$d/texts.txt"
  head -n "$n" "$TEXTS" >"$texts"
  n=$(wc -l <"$texts")
  local make=(--max-positions 512 --max-seq-length 128)
  if [[ $shape == minilm ]]; then
    make+=(--arch xlmr --hidden 384 --layers 12 --heads 12 --intermediate 1536 --spm-vocab 8000)
    desc="XLM-R (SentencePiece 8000), 12 layers, hidden 384, 12 heads, FFN 1536, mean pooling"
  else
    make+=(--arch bert --hidden 768 --layers 12 --heads 12 --intermediate 3072 --pooling cls --dense
      --dense-out 768 --normalize)
    desc="BERT WordPiece (small test vocab, lower-cased), 12 layers, hidden 768, 12 heads, FFN 3072, CLS + Dense 768 tanh + Normalize"
  fi
  log "$shape: writing the checkpoint"
  $PY "$REPO_ROOT/tests/reference/encoder_reference.py" make "$d/model" "${make[@]}" >"$d/make.log" 2>&1 ||
    { echo "$shape: encoder_reference.py make failed:"; tail -n 5 "$d/make.log"; status=1; return; }

  local ort_ok=0 ort8_ok=0 int8_ok=0 bf16_ok=0
  ORT_SHAPE_REASON=""
  ORT8_SHAPE_REASON=""
  if [[ -z $ORT_REASON ]]; then
    log "$shape: exporting to ONNX"
    if $PY -W ignore "$HERE/embed_torch.py" export "$d/model" "$d/model.onnx" >"$d/export.log" 2>&1; then
      ort_ok=1
      if ! $PY -c 'import onnx' 2>/dev/null; then
        ORT8_SHAPE_REASON="python3-onnx not installed (apt-get install python3-onnx)"
      elif $PY "$HERE/embed_onnx_int8.py" "$d/model.onnx" "$d/model.int8.onnx" >"$d/int8.log" 2>&1; then
        ort8_ok=1
      else
        ORT8_SHAPE_REASON="embed_onnx_int8.py failed: $(tail -n 1 "$d/int8.log")"
      fi
    else
      ORT_SHAPE_REASON="torch.onnx.export failed: $(grep -v '^[[:space:]]' "$d/export.log" | tail -n 1)"
    fi
  else
    ORT_SHAPE_REASON=$ORT_REASON
  fi
  [[ -n $ORT8_SHAPE_REASON ]] || ORT8_SHAPE_REASON=$ORT_SHAPE_REASON
  log "$shape: probing --quantize int8"
  if "$BE" -v --model "$d/model" -t "$THREADS" --quantize int8 -o "$d/probe.npy" "$WORK/one.txt" \
    2>"$d/int8_probe.err"; then
    int8_ok=1
  fi
  echo "$shape: bitmill-embed -v says: $(grep -m1 -o 'kernels: .*' "$d/int8_probe.err" || echo '?')"
  if "$BE" -v --model "$d/model" -t "$THREADS" --quantize bf16 -o "$d/probe.npy" "$WORK/one.txt" \
    2>"$d/bf16_probe.err"; then
    bf16_ok=1
    echo "$shape: bitmill-embed -v says: $(grep -m1 -o 'linear layers .*' "$d/bf16_probe.err" || echo '?')"
  fi

  local r torch_runs=() torch_timed=() ort_runs=() ort_timed=() ort8_runs=() ort8_timed=() full=() one=() full8=() one8=() full16=() one16=()
  for ((r = 1; r <= REPEAT; r++)); do
    log "$shape: PyTorch, run $r/$REPEAT ($n sentences)"
    if $PY "$HERE/embed_util.py" timed "$d/torch.$r.timed.json" --stdout "$d/torch.$r.json" -- \
      $PY "$HERE/embed_torch.py" bench "$d/model" "$texts" --out "$d/torch.npy" --ids "$d/ids.json" \
      --threads "$THREADS" --batch 32 2>"$d/torch.err"; then
      torch_runs+=("$d/torch.$r.json"); torch_timed+=("$d/torch.$r.timed.json")
    else
      echo "$shape: PyTorch failed: $(tail -n 1 "$d/torch.err")"
      status=1
    fi
    if ((ort_ok)) && [[ -f $d/ids.json ]]; then
      log "$shape: ONNX Runtime, run $r/$REPEAT"
      if $PY "$HERE/embed_util.py" timed "$d/ort.$r.timed.json" --stdout "$d/ort.$r.json" -- \
        node "$HERE/embed_ort.mjs" "$NPM_DIR" "$d/model.onnx" "$d/ids.json" "$d/ort.f32" "$THREADS" \
        2>"$d/ort.err"; then
        ort_runs+=("$d/ort.$r.json"); ort_timed+=("$d/ort.$r.timed.json")
      else
        ort_ok=0
        ORT_SHAPE_REASON="onnxruntime-node failed: $(grep -v '^[[:space:]]' "$d/ort.err" | tail -n 1)"
      fi
    fi
    if ((ort8_ok)) && [[ -f $d/ids.json ]]; then
      log "$shape: ONNX Runtime int8, run $r/$REPEAT"
      if $PY "$HERE/embed_util.py" timed "$d/ort8.$r.timed.json" --stdout "$d/ort8.$r.json" -- \
        node "$HERE/embed_ort.mjs" "$NPM_DIR" "$d/model.int8.onnx" "$d/ids.json" "$d/ort.i8" "$THREADS" \
        2>"$d/ort8.err"; then
        ort8_runs+=("$d/ort8.$r.json"); ort8_timed+=("$d/ort8.$r.timed.json")
      else
        ort8_ok=0
        ORT8_SHAPE_REASON="onnxruntime-node failed on the int8 graph: $(grep -v '^[[:space:]]' "$d/ort8.err" | tail -n 1)"
      fi
    fi
    for q in fp32 int8 bf16; do
      local qargs=()
      if [[ $q == int8 ]]; then
        ((int8_ok)) || continue
        qargs=(--quantize int8)
      elif [[ $q == bf16 ]]; then
        ((bf16_ok)) || continue
        qargs=(--quantize bf16)
      fi
      log "$shape: bitmill $q, run $r/$REPEAT"
      if $PY "$HERE/embed_util.py" timed "$d/bm_$q.one.$r.json" -- "$BE" --model "$d/model" -t "$THREADS" \
        "${qargs[@]}" -o "$d/bm_$q.one.npy" "$WORK/one.txt" &&
        $PY "$HERE/embed_util.py" timed "$d/bm_$q.full.$r.json" -- "$BE" --model "$d/model" -t "$THREADS" \
          "${qargs[@]}" -o "$d/bm_$q.npy" "$texts"; then
        if [[ $q == fp32 ]]; then
          one+=("$d/bm_$q.one.$r.json"); full+=("$d/bm_$q.full.$r.json")
        elif [[ $q == bf16 ]]; then
          one16+=("$d/bm_$q.one.$r.json"); full16+=("$d/bm_$q.full.$r.json")
        else
          one8+=("$d/bm_$q.one.$r.json"); full8+=("$d/bm_$q.full.$r.json")
        fi
      else
        echo "$shape: bitmill-embed $q failed (see $d/bm_$q.*.$r.json)"
        status=1
      fi
    done
  done

  local U=("$PY" "$HERE/embed_util.py" row "$RESULTS" --shape "$shape")
  local rows=()
  ((${#torch_runs[@]})) && "${U[@]}" --engine meta --kind meta --runs "${torch_runs[0]}" --desc "$desc" --max-len 128
  if ((${#torch_runs[@]})); then
    "${U[@]}" --engine "PyTorch fp32" --kind torch --runs "${torch_runs[@]}" --timed "${torch_timed[@]}" --rows "$d/torch.npy" \
      --notes "batches of 32, sorted, padded"
  else
    "${U[@]}" --engine "PyTorch fp32" --kind skip --notes "failed"
  fi
  if ((${#ort_runs[@]})); then
    "${U[@]}" --engine "ONNX Runtime fp32" --kind ort --runs "${ort_runs[@]}" --timed "${ort_timed[@]}" --rows "$d/ort.f32" \
      --notes "same batches, opset 14"
  else
    "${U[@]}" --engine "ONNX Runtime fp32" --kind skip --notes "not measured: $ORT_SHAPE_REASON"
  fi
  if ((${#ort8_runs[@]})); then
    "${U[@]}" --engine "ONNX Runtime int8" --kind ort --runs "${ort8_runs[@]}" --timed "${ort8_timed[@]}" \
      --rows "$d/ort.i8" --notes "same batches, $(cat "$d/int8.log")"
  else
    "${U[@]}" --engine "ONNX Runtime int8" --kind skip --notes "not measured: $ORT8_SHAPE_REASON"
  fi
  if ((${#full[@]})); then
    "${U[@]}" --engine "bitmill fp32" --kind bitmill --runs "${full[@]}" --load-runs "${one[@]}" --n "$n" \
      --rows "$d/bm_fp32.npy"
  else
    "${U[@]}" --engine "bitmill fp32" --kind skip --notes "failed"
  fi
  if ((int8_ok)) && ((${#full8[@]})); then
    "${U[@]}" --engine "bitmill int8" --kind bitmill --runs "${full8[@]}" --load-runs "${one8[@]}" --n "$n" \
      --rows "$d/bm_int8.npy"
  else
    local why
    why=$(tail -n 1 "$d/int8_probe.err" 2>/dev/null)
    "${U[@]}" --engine "bitmill int8" --kind skip --notes "skipped: --quantize int8 exits non-zero on one sentence (${why:-failed})"
  fi
  if ((bf16_ok)) && ((${#full16[@]})); then
    "${U[@]}" --engine "bitmill bf16" --kind bitmill --runs "${full16[@]}" --load-runs "${one16[@]}" --n "$n" \
      --rows "$d/bm_bf16.npy"
  else
    "${U[@]}" --engine "bitmill bf16" --kind skip --notes "skipped: --quantize bf16 exits non-zero on one sentence"
  fi
}

for s in "${shape_list[@]}"; do
  if [[ $s == minilm ]]; then run_shape minilm "$N"; else run_shape labse "$((LABSE_N < N ? LABSE_N : N))"; fi
done

echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "columns: sentences/s of the encode step (model load excluded, see --help); vs ORT fp32 = ratio to"
echo "ONNX Runtime; cores = CPU time / encode time of the engine; others = cores kept busy by other"
echo "processes during the engine's run (should be ~0: more means the numbers are disturbed)"
$PY "$HERE/embed_util.py" report "$RESULTS" || status=1
exit $status
