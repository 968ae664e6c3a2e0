#!/usr/bin/python3
"""Build a BUCC-style mining task from a line-aligned test set (dev/ntrex, dev/tatoeba).

Usage: plant_mining.py SRC.txt ENG.txt OUTDIR [--gold 0.30] [--src-only 0.25] [--seed S]

Line i of SRC.txt is the translation of line i of ENG.txt. The pairs are split into three
groups by a keyed hash of i: GOLD (both sides kept: the planted translations), SRC-ONLY (source
side kept, its English left out) and ENG-ONLY (English kept, its source left out: the rest).
OUTDIR gets src.txt and eng.txt (each side's kept lines in a hashed order, so neighbouring
sentences of one document are scattered as in BUCC) and gold.tsv (0-based src_line<TAB>eng_line,
sorted), the layout of dev/mine. With the defaults, 1997 NTREX pairs give about 600 gold pairs
among 1100 source and 1500 English lines: the source side is half translations, the English side
two-fifths, and every distractor is a sentence of the same news stories.

Pairs whose source or English text already occurred earlier in the file are dropped, so a
repeated sentence (a headline, "Photo: ...") cannot be a correct answer under two line numbers.

Only the standard library: hashlib keys make the split and the orders the same on every machine
and Python version. Why not random.shuffle: its algorithm is an implementation detail.
"""
import argparse
import hashlib
import os
import sys

import atomic


def key(seed, tag, i):
    return hashlib.sha256(f"{seed}:{tag}:{i}".encode()).digest()


def read_lines(path):
    with open(path, encoding="utf-8", newline="\n") as f:
        return [line.rstrip("\n") for line in f]


def write_atomic(path, lines):
    atomic.write_text(path, "".join(line + "\n" for line in lines))


def plant(src, eng, gold_frac, src_only_frac, seed):
    seen_src, seen_eng, keep = set(), set(), []
    for i, (s, e) in enumerate(zip(src, eng)):
        if s in seen_src or e in seen_eng or not s.strip() or not e.strip():
            continue
        seen_src.add(s)
        seen_eng.add(e)
        keep.append(i)
    ranked = sorted(keep, key=lambda i: key(seed, "group", i))
    n_gold = round(gold_frac * len(ranked))
    n_src_only = round(src_only_frac * len(ranked))
    gold = set(ranked[:n_gold])
    src_side = sorted(ranked[: n_gold + n_src_only], key=lambda i: key(seed, "src", i))
    eng_side = sorted(ranked[:n_gold] + ranked[n_gold + n_src_only :], key=lambda i: key(seed, "eng", i))
    eng_pos = {i: p for p, i in enumerate(eng_side)}
    gold_rows = [(p, eng_pos[i]) for p, i in enumerate(src_side) if i in gold]
    return [src[i] for i in src_side], [eng[i] for i in eng_side], gold_rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("src")
    ap.add_argument("eng")
    ap.add_argument("out")
    ap.add_argument("--gold", type=float, default=0.30, help="share of pairs planted (default 0.30)")
    ap.add_argument("--src-only", type=float, default=0.25,
                    help="share kept on the source side only (default 0.25); the rest is English-only")
    ap.add_argument("--seed", default="bitmill-ntrex-1")
    a = ap.parse_args()
    if not (0 < a.gold and 0 <= a.src_only and a.gold + a.src_only <= 1):
        sys.exit("plant_mining: error: --gold and --src-only must be shares in (0, 1] summing to at most 1")
    src, eng = read_lines(a.src), read_lines(a.eng)
    if len(src) != len(eng):
        sys.exit(f"plant_mining: error: {a.src} has {len(src)} lines, {a.eng} has {len(eng)}")
    s, e, g = plant(src, eng, a.gold, a.src_only, a.seed)
    os.makedirs(a.out, exist_ok=True)
    write_atomic(os.path.join(a.out, "src.txt"), s)
    write_atomic(os.path.join(a.out, "eng.txt"), e)
    write_atomic(os.path.join(a.out, "gold.tsv"), [f"{p}\t{q}" for p, q in g])


if __name__ == "__main__":
    main()
