# A model directory without spm_unigram.model (train.py --no-spm, to keep the shipped model small):
# scripts/train/st_export.py rebuilds the SentencePiece model from tokenizer.json. Checked against
# the original, not against stored output:
# - on a toy model (a case-folding tokenizer trained here on the sample data: the bundled model
#   ships without its spm_unigram.model, so tests/cli/embed_default.sh checks the rebuilt one
#   there against bitmill-embed), the rebuilt model has the same pieces, scores (as float32) and
#   types as its spm_unigram.model, and tokenises every line of the sample data, and lines made to
#   test the normaliser (full-width forms, combining marks, runs of spaces, tabs, case), to the
#   same ids;
# - a toy model trained with --no-spm --dtype int8 --scale-dtype f16 has no spm file and an F16
#   scale, train.py can start a stage from it (--init), and its table as loaded equals the scales
#   times the int8 values, within half an int8 step of the f32 table it came from.
set -e
export TMPDIR=$PWD  # where st_export.py writes the rebuilt SentencePiece model
py=/usr/bin/python3
train=$CASES/../../scripts/train
samples=$CASES/../../data/samples/deu-eng.tsv

mkdir corpus
head -n 200 "$samples" | zstd -q -o corpus/deu-eng.tsv.zst
$py "$train/tokenizer.py" --corpus corpus --out tok --vocab 500 --pairs 200 --lowercase --seed 3 2> tok.log ||
  { cat tok.log; exit 1; }
args=(--corpus corpus --tokenizer tok.model --dim 16 --batch 32 --seed 3 --threads 1 --cache '')
$py "$train/train.py" "${args[@]}" --out f32 --steps 20 --dtype f32 2> a.log || { cat a.log; exit 1; }
$py - "$train" f32 "$samples" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import numpy as np
import sentencepiece as spm
from sentencepiece import sentencepiece_model_pb2 as pb
import st_export
sub = sys.argv[2] + "/0_StaticEmbedding"
orig = pb.ModelProto()
orig.ParseFromString(open(f"{sub}/spm_unigram.model", "rb").read())
data = st_export.spm_from_tokenizer_json(f"{sub}/tokenizer.json")
new = pb.ModelProto()
new.ParseFromString(data)
same = len(orig.pieces) == len(new.pieces) and all(
    a.piece == b.piece and np.float32(a.score) == np.float32(b.score) and a.type == b.type
    for a, b in zip(orig.pieces, new.pieces))
print("rebuilt model: same pieces, scores and types as spm_unigram.model:", same)
print("rebuilt model: same charsmap and whitespace flags:",
      (orig.normalizer_spec.precompiled_charsmap, orig.normalizer_spec.add_dummy_prefix,
       orig.normalizer_spec.remove_extra_whitespaces) ==
      (new.normalizer_spec.precompiled_charsmap, new.normalizer_spec.add_dummy_prefix,
       new.normalizer_spec.remove_extra_whitespaces))
lines = [c for line in open(sys.argv[3], encoding="utf-8") for c in line.rstrip("\n").split("\t")]
lines += ["  Runs   of  spaces  ", "\tTabs\tinside\t", "ＦＵＬＬ－ＷＩＤＴＨ ｶﾀｶﾅ", "A\u0301ngstro\u0308m",
          "ÉCOLE école Straße STRASSE", "ﬁnance ﬀ ①②③", "", " "]
a = spm.SentencePieceProcessor(model_file=f"{sub}/spm_unigram.model")
b = spm.SentencePieceProcessor(model_proto=data)
print(f"rebuilt model: the same ids on all {len(lines)} lines:", a.encode(lines) == b.encode(lines))
PY
$py "$train/train.py" "${args[@]}" --out small --init f32 --steps 0 --dtype int8 --scale-dtype f16 --no-spm 2> b.log ||
  { cat b.log; exit 1; }
[ ! -e small/0_StaticEmbedding/spm_unigram.model ] && echo "--no-spm: no spm_unigram.model"
$py "$train/train.py" "${args[@]}" --out next --init small --steps 5 2> c.log || { cat c.log; exit 1; }
echo "train.py --init from a directory without spm_unigram.model: $(grep -c 'wrote next' c.log) model written"
$py - "$train" <<'PY'
import json, struct, sys
sys.path.insert(0, sys.argv[1])
import numpy as np
import st_export
path = "small/0_StaticEmbedding/model.safetensors"
with open(path, "rb") as f:
    n = struct.unpack("<Q", f.read(8))[0]
    header = json.loads(f.read(n))
    blob = f.read()
print("int8 table, scale dtype:", header["embedding.weight"]["dtype"], header["embedding.scale"]["dtype"])
w0, w1 = header["embedding.weight"]["data_offsets"]
s0, s1 = header["embedding.scale"]["data_offsets"]
q = np.frombuffer(blob[w0:w1], dtype=np.int8).reshape(header["embedding.weight"]["shape"]).astype(np.float32)
scale = np.frombuffer(blob[s0:s1], dtype="<f2").astype(np.float32)
table, spm_path, _ = st_export.load_static_model("small")
ref = st_export.read_safetensors("f32/0_StaticEmbedding/model.safetensors", "embedding.weight")
print("loaded table = scale x int8 values:", np.array_equal(table, (q * scale[:, None]).astype(np.float32)))
print("within half an int8 step of the f32 table:", bool((np.abs(table - ref) <= scale[:, None] * 0.5 + 1e-7).all()))
print("SentencePiece model rebuilt for training:", spm_path.endswith(".model") and "bitmill-spm-" in spm_path)
PY
