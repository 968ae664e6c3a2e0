#!/usr/bin/env bash
# Regenerates data/samples/mine/ (the mining sample of scripts/quickstart.sh) from Tatoeba
# (CC BY 2.0 FR): German and English sentences, some of them translations of each other, the rest
# distractors, as in the BUCC mining task.
# Usage: data/samples/make_mine_sample.sh DIR   (DIR holds tatoeba.<x>-eng.<x> and tatoeba.<x>-eng.eng)
#
#   mine/deu.txt   1000 German sentences: 600 with their translation in eng.txt, 400 without
#   mine/eng.txt   3000 English sentences: the 600 translations and 2400 English sentences of the
#                  other languages' Tatoeba files (none of them a sentence of the German file's
#                  English side, so a distractor is never the German side's own translation)
#   mine/gold.tsv  the 600 true pairs: deu_line<TAB>eng_line, 0-based
# Both files are shuffled with a fixed seed; the output is the same on every run.
set -euo pipefail
export LC_ALL=C
dir=${1:?usage: make_mine_sample.sh DIR}
out=$(dirname "$0")/mine
mkdir -p "$out"
/usr/bin/python3 - "$dir" "$out" <<'PY'
import glob, os, random, sys
src_dir, out = sys.argv[1], sys.argv[2]
rng = random.Random(20261123)
de = open(os.path.join(src_dir, "tatoeba.deu-eng.deu"), encoding="utf-8").read().split("\n")[:-1]
en = open(os.path.join(src_dir, "tatoeba.deu-eng.eng"), encoding="utf-8").read().split("\n")[:-1]
pairs = [(d.strip(), e.strip()) for d, e in zip(de, en) if d.strip() and e.strip()]
rng.shuffle(pairs)
planted, lone = pairs[:600], pairs[600:1000]
own_english = {e.lower() for _, e in pairs}
others = []
for path in sorted(glob.glob(os.path.join(src_dir, "tatoeba.*-eng.eng"))):
    if path.endswith("tatoeba.deu-eng.eng"):
        continue
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if line and line.lower() not in own_english:
            others.append(line)
others = sorted(set(others))
rng.shuffle(others)
distractors = others[:2400]
german = [(d, i) for i, (d, _) in enumerate(planted)] + [(d, None) for d, _ in lone]
english = [(e, i) for i, (_, e) in enumerate(planted)] + [(e, None) for e in distractors]
rng.shuffle(german)
rng.shuffle(english)
where_en = {i: n for n, (_, i) in enumerate(english) if i is not None}
with open(os.path.join(out, "deu.txt"), "w", encoding="utf-8") as f:
    f.writelines(d + "\n" for d, _ in german)
with open(os.path.join(out, "eng.txt"), "w", encoding="utf-8") as f:
    f.writelines(e + "\n" for e, _ in english)
gold = sorted((n, where_en[i]) for n, (_, i) in enumerate(german) if i is not None)
with open(os.path.join(out, "gold.tsv"), "w", encoding="utf-8") as f:
    f.writelines(f"{a}\t{b}\n" for a, b in gold)
print(f"deu.txt {len(german)} lines, eng.txt {len(english)} lines, gold.tsv {len(gold)} pairs", file=sys.stderr)
PY
