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
