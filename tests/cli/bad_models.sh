# Model directories with fields of the wrong type and a damaged tokenizer (issue 15): each is a
# one-line error naming the file and the field, exit status 2 and no output file, where
# bitmill-embed used to abort on an uncaught nlohmann::json exception (exit 134) or, for the
# charsmap, die of SIGSEGV in the Unigram tokenizer.
py=/usr/bin/python3
$py "$CASES/../reference/encoder_reference.py" make m --arch bert --seed 7 --vocab-words 700 >/dev/null || exit 1
printf 'A\n' > in.txt
check() { echo "exit=$1 out_exists=$([ -e out.npy ] && echo yes || echo no) tmp_left=$(ls | grep -c '\.tmp\.')"; }
# broken NAME FILE PYTHON: a copy of m as NAME whose FILE (relative to it) is rewritten: PYTHON gets
# the parsed JSON as `j` and leaves the new content in `j`.
broken() {
  cp -r m "$1"
  $py - "$1/$2" "$3" <<'PY'
import json, sys
path, code = sys.argv[1], sys.argv[2]
j = json.load(open(path))
exec(code)
json.dump(j, open(path, "w"))
PY
}
broken act config.json 'j["hidden_act"] = 3'
broken eps config.json 'j["layer_norm_eps"] = "tiny"'
broken cfg config.json 'j = [1]'
broken mods modules.json 'j = [1, 2]'
broken path modules.json 'j[1]["path"] = 0'
broken cls 1_Pooling/config.json 'j["pooling_mode_cls_token"] = "yes"'
broken seq sentence_bert_config.json 'j["max_seq_length"] = "long"'
broken pad config.json 'j["pad_token_id"] = 100000'
for d in act eps cfg mods path cls seq pad; do
  echo "--- $d"
  bitmill-embed --model $d -o out.npy in.txt; check $?
done
echo "--- the unchanged model works"
bitmill-embed -q --model m -o out.npy in.txt; check $?
rm -f out.npy

# The XLM-R tokenizer fixture, its charsmap damaged: four base64 characters (three bytes) moved, so
# that a replacement offset lands inside a UTF-8 sequence, which the load now rejects.
cp -r m spliced
$py - "$CASES/../fixtures/tokenizers/unigram_xlmr/tokenizer.json" spliced/tokenizer.json <<'PY'
import json, sys
j = json.load(open(sys.argv[1], encoding="utf-8"))
pre = j["normalizer"]["normalizers"][0]
s = pre["precompiled_charsmap"]
P, Q, N = 1268, 2800, 4
chunk, rest = s[P:P + N], s[:P] + s[P + N:]
pre["precompiled_charsmap"] = rest[:Q] + chunk + rest[Q:]
json.dump(j, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
echo "--- a spliced precompiled_charsmap"
bitmill-embed --model spliced -o out.npy in.txt; check $?
echo "--- the fixture as it is loads"
cp -r m whole && cp "$CASES/../fixtures/tokenizers/unigram_xlmr/tokenizer.json" whole/
bitmill-embed -q --model whole -o out.npy in.txt; check $?

# bitmill's int8 static tables (I8 embedding.weight with per-row embedding.scale): a missing,
# misshapen or non-finite scale is an error naming the tensor.
$py "$CASES/../reference/encoder_reference.py" make s8 --arch static --dtype int8 --seed 3 --vocab-words 700 >/dev/null || exit 1
rm -f out.npy
for case in missing short nan; do
  cp -r s8 s8_$case
  $py - s8_$case/0_StaticEmbedding/model.safetensors $case <<'PY'
import json, struct, sys
import numpy as np
path, case = sys.argv[1], sys.argv[2]
raw = open(path, "rb").read()
n = struct.unpack("<Q", raw[:8])[0]
header, data = json.loads(raw[8:8 + n]), raw[8 + n:]
w, s = header["embedding.weight"], header["embedding.scale"]
q = data[w["data_offsets"][0]:w["data_offsets"][1]]
scale = np.frombuffer(data[s["data_offsets"][0]:s["data_offsets"][1]], dtype="<f4").copy()
tensors = {"embedding.weight": ("I8", w["shape"], q)}
if case == "short":
    tensors["embedding.scale"] = ("F32", [len(scale) - 1], scale[:-1].tobytes())
elif case == "nan":
    scale[5] = np.nan
    tensors["embedding.scale"] = ("F32", [len(scale)], scale.tobytes())
h, blobs, off = {}, b"", 0
for name, (tag, shape, b) in tensors.items():
    h[name] = {"dtype": tag, "shape": shape, "data_offsets": [off, off + len(b)]}
    blobs += b
    off += len(b)
j = json.dumps(h).encode()
j += b" " * ((8 - len(j) % 8) % 8)
open(path, "wb").write(struct.pack("<Q", len(j)) + j + blobs)
PY
  echo "--- int8 table, scale $case"
  bitmill-embed --model s8_$case -o out.npy in.txt 2>&1 | sed 's|.*/s8_|s8_|'; check ${PIPESTATUS[0]}
done
echo "--- the unchanged int8 model works"
bitmill-embed -q --model s8 -o out.npy in.txt; check $?
