# bitmill-embed on bad input: a one-line error naming the file (and tensor or line), a non-zero
# exit status, and no output file.
ref=$CASES/../reference/encoder_reference.py
/usr/bin/python3 "$ref" make m --arch bert --seed 7 >/dev/null || exit 1
printf 'hello world\n' > in.txt
check() { echo "exit=$1 out_exists=$([ -e out.npy ] && echo yes || echo no) tmp_left=$(ls | grep -c '\.tmp\.')"; }
echo "--- no --model, no BITMILL_MODEL, and no default model beside the program (a lone copy)"
mkdir -p lone/bin && cp "$BIN/bitmill-embed" lone/bin/
(unset BITMILL_MODEL; lone/bin/bitmill-embed -o out.npy in.txt); check $?
echo "--- BITMILL_MODEL names a missing directory"
BITMILL_MODEL=nowhere bitmill-embed -o out.npy in.txt; check $?
echo "--- model directory missing"
bitmill-embed --model nowhere -o out.npy in.txt; check $?
echo "--- input missing"
bitmill-embed --model m -o out.npy missing.txt; check $?
echo "--- --max-length above the model's limit"
bitmill-embed --model m --max-length 100000 -o out.npy in.txt; check $?
echo "--- --quantize with an unknown value"
bitmill-embed --model m --quantize int4 -o out.npy in.txt; check $?
echo "--- --column beyond the line"
bitmill-embed --model m --column 2 -o out.npy in.txt; check $?
echo "--- truncated checkpoint"
cp -r m t && head -c 100000 m/model.safetensors > t/model.safetensors
bitmill-embed --model t -o out.npy in.txt 2>&1 >/dev/null | sed -E 's/[0-9]+ data bytes/N data bytes/'; check ${PIPESTATUS[0]}
echo "--- a tensor with the wrong shape"
cp -r m s && sed -i 's/"hidden_size": 64/"hidden_size": 32/' s/config.json
bitmill-embed --model s -o out.npy in.txt; check $?
echo "--- invalid UTF-8 at line 2"
printf 'ok\n\xff\n' > bad.txt
bitmill-embed --model m -o out.npy bad.txt; check $?
