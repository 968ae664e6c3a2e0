# scripts/train/card.py over a toy recipe run end to end (tokenizer.py, two train.py stages, the
# second started from the first, evaluate.sh on toy dev sets, calibrate.py). Checks against the
# recipe's own files, recomputed here:
# - the card's Tatoeba mean and dev/mine F1 are those of evaluate.sh's tables;
# - its recipe lists the tokenizer command and both stages' commands, first stage first;
# - its file list has every file of the model with its size and sha256, and not the card itself;
# - the calibrated threshold is bitmill.json's; the notes are quoted as given; with --baseline, each
#   dev/mine task's change is the difference of the two tables' best F1;
# - a stage directory that is gone is an error naming its training.json, and nothing is written.
set -e
py=/usr/bin/python3
train=$CASES/../../scripts/train
bin=$(dirname "$(command -v bitmill-embed)")
samples=$CASES/../../data/samples/deu-eng.tsv
mkdir corpus dev dev/tatoeba
head -n 250 "$samples" | zstd -q -o corpus/deu-eng.tsv.zst
sed -n 251,300p "$samples" | cut -f1 > dev/tatoeba/tatoeba.deu-eng.deu
sed -n 251,300p "$samples" | cut -f2 > dev/tatoeba/tatoeba.deu-eng.eng
sed -n 301,392p "$samples" | cut -f1 > x.txt
sed -n 301,392p "$samples" | cut -f2 > e.txt
$py "$train/plant_mining.py" x.txt e.txt dev/mine/deu-eng 2>/dev/null

$py "$train/tokenizer.py" --corpus corpus --out tok --vocab 600 --pairs 250 --lowercase --seed 7 2> tok.log ||
  { echo "tokenizer.py failed"; cat tok.log; exit 1; }
args=(--corpus corpus --tokenizer tok.model --dim 32 --batch 64 --group 16 --init-std 0.1 --seed 7 --threads 1 --cache '')
$py "$train/train.py" "${args[@]}" --out stage1 --steps 40 --lr 0.05 2> s1.log || { cat s1.log; exit 1; }
$py "$train/train.py" "${args[@]}" --out model --init stage1 --steps 10 --lr 0.01 2> s2.log || { cat s2.log; exit 1; }
"$train/evaluate.sh" model --dev dev --sets tatoeba,mine --bin "$bin" -t 1 --work work --out model/EVALUATION.md 2> ev.log ||
  { cat ev.log; exit 1; }
$py "$train/calibrate.py" work model --sets mine --report model/CALIBRATION.md 2> cal.log || { cat cal.log; exit 1; }
printf 'Why this recipe: a toy.\n\nSecond paragraph *as is*.\n' > notes.md
$py "$train/card.py" model --name toy-v1 --work work --notes notes.md 2> card.log || { cat card.log; exit 1; }

$py - <<'PY'
import hashlib, json, os
card = open("model/README.md", encoding="utf-8").read()
tat = [l.split("\t") for l in open("work/tatoeba.tsv")]
mine = [l.split("\t") for l in open("work/mine.tsv")]
mean = sum(float(r[2]) for r in tat) / len(tat)
print("card: Tatoeba mean as in tatoeba.tsv:", f"| {mean:.2f} (lowest" in card)
d, b = float(mine[0][6]), float(mine[0][11])
print("card: dev/mine F1 default and best as in mine.tsv:", f"| deu-eng | {d:.2f} | {b:.2f} |" in card)
rec1, rec2 = (json.load(open(f"{m}/training.json")) for m in ("stage1", "model"))
args = lambda rec: "scripts/train/train.py " + rec["command"].partition(" ")[2]  # named from the root
i_tok, i1, i2 = (card.find(x) for x in (rec2["tokenizer_command"], args(rec1), args(rec2)))
print("card: tokenizer, stage 1, stage 2 commands in that order:", -1 < i_tok < i1 < i2)
print("card: stage steps recorded:", "Stage 1 (40 steps" in card and "Stage 2 (10 steps" in card)
ok = True
for root, _, names in os.walk("model"):
    for n in names:
        p = os.path.join(root, n); rel = os.path.relpath(p, "model")
        row = f"| `{rel}` | {os.path.getsize(p):,} | {hashlib.sha256(open(p, 'rb').read()).hexdigest()[:16]} |"
        ok &= (row in card) != (rel == "README.md")
print("card: every file listed with size and sha256, the card itself not:", ok)
t = json.load(open("model/bitmill.json"))["mining"]["threshold"]
print("card: threshold as in bitmill.json:", f"above **{t}**" in card)
print("card: notes quoted:", card.rstrip().endswith("Why this recipe: a toy.\n\nSecond paragraph *as is*."))
PY

# The same model as its own baseline: every change is zero.
$py "$train/card.py" model --name toy-v1 --work work --baseline work --baseline-name toy-v0 --out with-baseline.md 2>/dev/null
grep -q '| deu-eng | .* | +0.00 |$' with-baseline.md && echo "card --baseline: the change of each task against itself is +0.00"
mv stage1 gone
cp model/README.md before.md
set +e
$py "$train/card.py" model --name toy-v1 --work work 2> err.log
echo "card.py without stage 1: exit $?, $(sed 's/^card: error: //' err.log)"
set -e
cmp -s before.md model/README.md && echo "card.py without stage 1: README.md unchanged"

# A last stage that only converts the table (--steps 0) is shown as a conversion, not as training.
mv gone stage1
$py "$train/train.py" "${args[@]}" --out model-i8 --init model --steps 0 --dtype int8 --scale-dtype f16 2> s3.log ||
  { cat s3.log; exit 1; }
$py "$train/card.py" model-i8 --name toy-v1 --work work --out i8.md 2>/dev/null
grep -q '^Stage 2 (10 steps, 640 pairs, .* 1 thread):$' i8.md && echo "card: a training stage with its steps and thread"
grep -q "^Stage 3, a conversion (no training steps: the previous stage's table, stored as int8 with f16 scales):$" i8.md &&
  echo "card: the --steps 0 stage shown as a conversion to int8 with f16 scales"

# With thresholds per language pair: the card lists each pair's, says the tables use them, and its
# recipe calibrates with --pair-thresholds.
cp -r model model-pairs
$py "$train/calibrate.py" work model-pairs --sets mine --pair-thresholds --report cal2.md 2> cal2.log ||
  { cat cal2.log; exit 1; }
$py "$train/card.py" model-pairs --name toy-v1 --work work --out pairs.md 2>/dev/null
$py - <<'PY'
import json
card = open("pairs.md", encoding="utf-8").read()
pairs = json.load(open("model-pairs/bitmill.json"))["mining"]["pair_thresholds"]
print("card: pair thresholds as in bitmill.json:", list(pairs) == ["deu-eng"] and f"deu-eng {pairs['deu-eng']:g}" in card)
print("card: the recipe calibrates with --pair-thresholds:", "calibrate.py WORK MODEL --pair-thresholds" in card)
print("card: without them, it does not:", "--pair-thresholds" not in open("model/README.md", encoding="utf-8").read())
PY
