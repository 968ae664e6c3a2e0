# scripts/train/plant_mining.py and calibrate.py, against facts computed here independently:
# - plant_mining: every gold pair joins a source line and the English line of the same original
#   pair, no other line of one side has its partner on the other, the shares are as asked, and
#   the same input gives the same files;
# - thin_mining (on that task): every gold pair it keeps joins the same texts as a gold pair of
#   the task, the lines of the gold pairs it left out are gone and every other line is kept in its
#   order, the share kept is near the one asked, and a --keep that keeps nothing is an error;
# - calibrate: the threshold chosen is the one a brute-force search over the same grid finds
#   (largest gap to each task's best F1 smallest, then highest mean F1, then lowest threshold),
#   with F1 computed here from sets; bitmill-mine reads the bitmill.json it writes and applies it;
# - calibrate --pair-thresholds: each pair's threshold is the default moved toward the pair's own
#   brute-force best by the lambda that two-fold cross-validation (source-line parity), recomputed
#   here, prefers; bitmill-mine applies a pair's threshold when told its languages.
set -e
py=/usr/bin/python3
train=$CASES/../../scripts/train
$py - <<'PY'
import random
r = random.Random(5)
with open("x.txt", "w") as f, open("e.txt", "w") as g:
    for i in range(400):
        f.write(f"source sentence {i} " + "w" * r.randint(1, 5) + "\n")
        g.write(f"english sentence {i}\n")
PY
$py "$train/plant_mining.py" x.txt e.txt task --gold 0.3 --src-only 0.25
$py "$train/plant_mining.py" x.txt e.txt task2 --gold 0.3 --src-only 0.25
cmp task/src.txt task2/src.txt && cmp task/eng.txt task2/eng.txt && cmp task/gold.tsv task2/gold.tsv &&
  echo "plant_mining: same input, same files"
$py - <<'PY'
src = open("task/src.txt").read().split("\n")[:-1]
eng = open("task/eng.txt").read().split("\n")[:-1]
gold = [tuple(map(int, l.split("\t"))) for l in open("task/gold.tsv")]
num = lambda s: int(s.split()[2])
ok = all(num(src[a]) == num(eng[b]) for a, b in gold)
pairs_in_both = {num(s) for s in src} & {num(e) for e in eng}
print("plant_mining: gold pairs are translations:", ok)
print("plant_mining: gold = every original pair with both sides kept:", len(pairs_in_both) == len(gold))
print(f"plant_mining: {len(gold)} gold, {len(src)} source, {len(eng)} English lines (of 400)")
PY
$py "$train/thin_mining.py" task thin --keep 0.25 2>/dev/null
$py - <<'PY'
read = lambda p: open(p).read().split("\n")[:-1]
src, eng, src2, eng2 = read("task/src.txt"), read("task/eng.txt"), read("thin/src.txt"), read("thin/eng.txt")
gold = [tuple(map(int, l.split("\t"))) for l in open("task/gold.tsv")]
gold2 = [tuple(map(int, l.split("\t"))) for l in open("thin/gold.tsv")]
kept_texts = {(src2[a], eng2[b]) for a, b in gold2}
orig_texts = {(src[a], eng[b]) for a, b in gold}
dropped = orig_texts - kept_texts
gold_src, gold_eng = {s for s, _ in orig_texts}, {e for _, e in orig_texts}
print("thin_mining: kept gold pairs are gold pairs of the task:", kept_texts <= orig_texts)
print("thin_mining: left-out pairs' lines are gone:",
      not ({s for s, _ in dropped} & set(src2)) and not ({e for _, e in dropped} & set(eng2)))
print("thin_mining: distractors kept in order:",
      [s for s in src if s not in gold_src] == [s for s in src2 if s not in gold_src] and
      [e for e in eng if e not in gold_eng] == [e for e in eng2 if e not in gold_eng])
print("thin_mining: share kept between 0.15 and 0.35:", 0.15 <= len(gold2) / len(gold) <= 0.35)
PY
$py "$train/thin_mining.py" task thin0 --keep 0.0001 2>&1 | sed 's/of [0-9]*$/of N/'
[ ! -e thin0 ] && echo "thin_mining: nothing written"

# Two synthetic mining tasks in an evaluate.sh --work layout: mined.all.tsv (score, src, tgt, texts),
# gold.tsv and src.npy (for the dimension).
$py - <<'PY'
import os, random
import numpy as np
r = random.Random(11)
for task, shift in (("aaa-eng", 0.0), ("bbb-eng", 0.08)):
    d = f"work/mine/{task}"
    os.makedirs(d)
    rows, gold = [], []
    for i in range(300):
        if i < 200:  # true pairs score higher, shifted per task
            rows.append((1.25 + shift + r.gauss(0, 0.08), i, i)); gold.append((i, i))
        else:
            rows.append((1.05 + shift + r.gauss(0, 0.06), i, i + 1000))
    for i in range(200, 260):
        gold.append((i + 5000, i + 5000))  # gold pairs the miner missed
    rows.sort(key=lambda x: -x[0])
    with open(f"{d}/mined.all.tsv", "w") as f:
        for s, a, b in rows:
            f.write(f"{s:.6f}\t{a}\t{b}\tx\ty\n")
    with open(f"{d}/gold.tsv", "w") as f:
        for a, b in gold:
            f.write(f"{a}\t{b}\n")
    np.save(f"{d}/src.npy", np.zeros((3, 16), dtype=np.float32))
PY
mkdir model
$py "$train/calibrate.py" work model --sets mine --grid 0.9:1.6:0.01 --report report.md 2> calibrate.log
$py - <<'PY'
import glob, json
import numpy as np
grid = [round(0.9 + 0.01 * k, 6) for k in range(71)]
tasks = []
for d in sorted(glob.glob("work/mine/*/")):
    mined = [(float(l.split("\t")[0]), tuple(map(int, l.split("\t")[1:3]))) for l in open(d + "mined.all.tsv")]
    gold = {tuple(map(int, l.split())) for l in open(d + "gold.tsv")}
    def f1(kept):
        tp = len([p for p in kept if p in gold])
        return 0.0 if tp == 0 else 200 * tp / (len(kept) + len(gold))
    cuts = sorted({s for s, _ in mined}, reverse=True)
    best = max(f1([p for s, p in mined if s >= c]) for c in cuts)
    tasks.append((best, [f1([p for s, p in mined if s > t]) for t in grid]))
key = lambda k: (max(b - c[k] for b, c in tasks), -sum(c[k] for _, c in tasks), grid[k])
expect = grid[min(range(len(grid)), key=key)]
got = json.load(open("model/bitmill.json"))["mining"]
print("calibrate: threshold equals the brute-force choice:", abs(got["threshold"] - expect) < 1e-9)
print("calibrate: setting", got["margin"], got["k"], got["retrieval"], "dim", got["dim"])
PY
grep -c '^| mine |' report.md | sed 's/^/calibrate: report rows: /'
# bitmill-mine applies it to 16-dimensional embeddings under the default setting.
$py -c "
import numpy as np
rng = np.random.default_rng(3)
np.save('s.npy', rng.standard_normal((20, 16)).astype('f4')); np.save('t.npy', rng.standard_normal((20, 16)).astype('f4'))
open('s.txt', 'w').write(''.join(f's{i}\n' for i in range(20))); open('t.txt', 'w').write(''.join(f't{i}\n' for i in range(20)))"
bitmill-mine --model model --src s.txt --tgt t.txt --src-emb s.npy --tgt-emb t.npy -o /dev/null 2>&1 |
  grep -o 'the calibrated threshold of model (its bitmill.json)' | sed 's/^/bitmill-mine: /'

# A FIFO as --report is written through, not replaced by a regular file (as a rename would do).
mkfifo report.fifo
cat report.fifo > from_fifo.md &
$py "$train/calibrate.py" work model --sets mine --grid 0.9:1.6:0.01 --report report.fifo 2>/dev/null
wait
[ -p report.fifo ] && cmp -s from_fifo.md report.md && echo "calibrate --report FIFO: written through, still a FIFO"

# Per language pair.
mkdir model2
$py "$train/calibrate.py" work model2 --sets mine --grid 0.9:1.6:0.01 --pair-thresholds --report report2.md 2> calibrate2.log
$py - <<'PY'
import glob, json
grid = [round(0.9 + 0.01 * k, 6) for k in range(71)]
lambdas = (0.0, 0.25, 0.5, 0.75, 1.0)
def load(d, fold=None):
    mined = [(float(l.split("\t")[0]), tuple(map(int, l.split("\t")[1:3]))) for l in open(d + "mined.all.tsv")]
    gold = {tuple(map(int, l.split())) for l in open(d + "gold.tsv")}
    if fold is not None:
        mined = [(s, p) for s, p in mined if p[0] % 2 == fold]
        gold = {g for g in gold if g[0] % 2 == fold}
    def f1(t):
        kept = [p for s, p in mined if s > t]
        tp = len([p for p in kept if p in gold])
        return 0.0 if tp == 0 else 200 * tp / (len(kept) + len(gold))
    best = max(f1(c - 1e-9) for c in {s for s, _ in mined})
    return best, f1
def choose(tasks):  # the default: smallest largest gap, then highest mean, then lowest threshold
    key = lambda t: (max(b - f(t) for b, f in tasks), -sum(f(t) for _, f in tasks), t)
    return min(grid, key=key)
def own(task):  # a pair's own best grid threshold (one task: highest F1, then lowest threshold)
    return min(grid, key=lambda t: (-task[1](t), t))
def nearest(t):
    return min(grid, key=lambda g: abs(g - t))
dirs = sorted(glob.glob("work/mine/*/"))
held = {lam: [] for lam in lambdas}
for fit, test in ((0, 1), (1, 0)):
    a = [load(d, fit) for d in dirs]
    b = [load(d, test) for d in dirs]
    t = choose(a)
    for lam in lambdas:
        for ta, tb in zip(a, b):
            held[lam].append(tb[0] - tb[1](nearest(t + lam * (own(ta) - t))))
lam = min(lambdas, key=lambda x: (max(held[x]), sum(held[x]) / len(held[x]), x))
full = [load(d) for d in dirs]
t = choose(full)
expect = {d.split("/")[-2]: round(t + lam * (own(task) - t), 6) for d, task in zip(dirs, full)}
got = json.load(open("model2/bitmill.json"))["mining"]
print("calibrate --pair-thresholds: default unchanged:", got["threshold"] == json.load(open("model/bitmill.json"))["mining"]["threshold"])
print("calibrate --pair-thresholds: keys", sorted(got["pair_thresholds"]))
print("calibrate --pair-thresholds: thresholds equal the brute-force ones:",
      all(abs(got["pair_thresholds"][k] - v) < 1e-9 for k, v in expect.items()))
print("calibrate --pair-thresholds: the two pairs differ:", len(set(got["pair_thresholds"].values())) == 2)
PY
grep -c '^| mine |' report2.md | sed 's/^/calibrate --pair-thresholds: report rows: /'
bitmill-mine --model model2 --src s.txt --tgt t.txt --src-emb s.npy --tgt-emb t.npy --src-lang bbb --tgt-lang eng \
  -o /dev/null 2>&1 | grep -o 'the threshold of model2 calibrated for bbb-eng' | sed 's/^/bitmill-mine: /'
