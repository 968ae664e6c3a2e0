# The bundled default model through bitmill-embed against an independent reference: Python's
# sentencepiece on the model's own spm_unigram.model (its normaliser included), then the mean of
# the safetensors rows (read by scripts/train/st_export.py), L2-normalised, in NumPy. Catches a tokenizer.json, normaliser or pooling
# that drifts from what the model was trained with.
set -e
model=$CASES/../../data/models/default
py=/usr/bin/python3
head -n 60 "$CASES/../../data/samples/deu-eng.tsv" | tr '\t' '\n' > texts.txt
cat >> texts.txt <<'EOF'
THE QUICK BROWN FOX, Ünïcödé Ĳ ﬁ ＦＵＬＬＷＩＤＴＨ ½ ＡＢＣ！
Москва — СТОЛИЦА России; «кавычки» и ёЁ.
Η ΕΛΛΗΝΙΚΗ γλώσσα έχει τόνους και Σίγμα τελικό: ΟΔΟΣ.
東京は日本の首都です。我们在北京见面吧！
हिन्दी में लिखा गया वाक्य।   Tabs	and   spaces.

İstanbul'da ISTANBUL ıi Iİ; Straße STRASSE.
EOF
bitmill-embed -q --model "$model" -t 1 -o got1.npy texts.txt
bitmill-embed -q --model "$model" -t 2 --batch-tokens 64 -o got2.npy texts.txt
$py - "$model" <<'PY'
import os, sys
import numpy as np
import sentencepiece as spm

model = sys.argv[1]
sys.path.insert(0, os.path.join(os.environ["CASES"], "..", "..", "scripts", "train"))
import st_export  # the safetensors reader of the training scripts (Python, not bitmill's C++)

table, spm_model, _ = st_export.load_static_model(model)
sp = spm.SentencePieceProcessor(model_file=spm_model)

texts = open("texts.txt", encoding="utf-8").read().split("\n")[:-1]
ref = np.zeros((len(texts), table.shape[1]), dtype=np.float32)
for i, t in enumerate(texts):
    ids = sp.encode(t)
    if ids:
        v = table[ids].mean(axis=0)
        ref[i] = v / max(np.linalg.norm(v), 1e-12)
got1, got2 = np.load("got1.npy").astype(np.float32), np.load("got2.npy")
print(f"{len(texts)} lines, {table.shape[0]} x {table.shape[1]} table")
print("same shape as the reference:", got1.shape == ref.shape)
d = float(np.abs(got1 - ref).max())
print("max |diff| vs reference <= 1e-4:", d <= 1e-4 or d)
print("same rows with 2 threads and small batches:", bool(np.array_equal(got1, got2)))
PY
