#!/usr/bin/python3
"""Independent NumPy reference of bitmill-align's exact alignment (man/bitmill-align.1.md,
lib/include/bitmill/align/vecalign.h state the method), for tests/cli/align_reference.sh.

  align_reference.py synth DIR --docs N --seed S
      writes DIR/src.txt and DIR/tgt.txt (documents separated by empty lines, built from random
      gold beads: 1-1, 2-1, 1-2, deletions, insertions), DIR/src.npy and DIR/tgt.npy (float32
      embeddings of every overlap, in the order `bitmill-align overlaps` writes them: a sentence
      has a random meaning vector, a target sentence the sum of its bead's source meanings plus
      noise, an overlap the sum of its sentences) and DIR/gold.tsv (doc, src_lines, tgt_lines).
  align_reference.py align SRC TGT SRC.npy TGT.npy [--max-size 4] [--del-percentile 0.2] [--seed 42]
      prints the exact alignment's beads as bitmill-align's first four columns (doc, src_lines,
      tgt_lines, score), computed here with the full dynamic programme in float64.

Nothing here imports bitmill; the sampler (splitmix64) and the cost model follow the written
definitions.
"""
import argparse
import math
import sys

import numpy as np

M64 = (1 << 64) - 1


class Sampler:
    def __init__(self, seed, pair, depth, purpose):
        self.state = (seed ^ ((0x9E3779B97F4A7C15 * (1 + (pair << 8) + (depth << 2) + purpose)) & M64)) & M64

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & M64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
        return z ^ (z >> 31)

    def index(self, n):
        return self.next() % n


def read_docs(path):
    docs, cur, lines = [], [], []
    with open(path, encoding="utf-8") as f:
        for no, line in enumerate(f):
            line = line.rstrip("\n")
            if line == "":
                docs.append((cur, lines))
                cur, lines = [], []
            else:
                cur.append(line)
                lines.append(no)
    if cur:
        docs.append((cur, lines))
    return docs


def unit(rows):
    """As bitmill scales rows: the squared norm in float64, 1/sqrt rounded to float32, one float32 multiply."""
    out = np.zeros_like(rows, dtype=np.float32)
    for i, r in enumerate(rows.astype(np.float32)):
        ss = float(np.sum(r.astype(np.float64) ** 2))
        out[i] = r * np.float32(1.0 / math.sqrt(ss)) if ss > 0 else r
    return out


def sides(n_sent, emb, row0, layers):
    """layer l row j (j >= l) from the matrix rows in overlap order."""
    side = np.zeros((layers, n_sent, emb.shape[1]), dtype=np.float32)
    r = row0
    for l in range(layers):
        for j in range(l, n_sent):
            side[l, j] = emb[r]
            r += 1
    return side, r


def normaliser(side, other, samples, rng):
    layers_o, len_o = other.shape[0], other.shape[1]
    per = (samples + layers_o - 1) // layers_o if layers_o else 0
    acc, drawn = np.zeros(other.shape[2], dtype=np.float64), 0
    for l in range(layers_o):
        if len_o <= l:
            continue
        for _ in range(per):
            acc += other[l, l + rng.index(len_o - l)].astype(np.float64)
            drawn += 1
    out = np.ones(side.shape[:2], dtype=np.float64)
    if drawn == 0:
        return out
    m = (acc / drawn).astype(np.float32).astype(np.float64)
    for l in range(side.shape[0]):
        for j in range(l, side.shape[1]):
            out[l, j] = 1.0 - float(side[l, j].astype(np.float64) @ m)
    return out


def align_pair(src, tgt, pair, max_size, q, seed, samples=100, cost_samples=20000):
    S, T = src.shape[1], tgt.shape[1]
    ns = normaliser(src, tgt, samples, Sampler(seed, pair, 0, 0))
    nt = normaliser(tgt, src, samples, Sampler(seed, pair, 0, 1))

    def dot(x, y, i, j):
        return float(src[x - 1, i].astype(np.float64) @ tgt[y - 1, j].astype(np.float64))

    def cost(x, y, i, j):
        return 2.0 * x * y * (1.0 - dot(x, y, i, j)) / (1e-6 + ns[x - 1, i] + nt[y - 1, j])

    if S * T <= cost_samples:
        costs = [cost(1, 1, i, j) for i in range(S) for j in range(T)]
    else:
        rng = Sampler(seed, pair, 0, 2)
        costs = []
        for _ in range(cost_samples):
            i = rng.index(S)
            j = rng.index(T)
            costs.append(cost(1, 1, i, j))
    pen = float(np.quantile(np.array(costs), q)) if costs else 0.0
    shapes = [(x, y) for x in range(1, max_size) for y in range(1, max_size) if x + y <= max_size]
    shapes += [(0, 1), (1, 0)]
    C = np.full((S + 1, T + 1), np.inf)
    bp = np.full((S + 1, T + 1), -1, dtype=int)
    for X in range(S + 1):
        for Y in range(T + 1):
            if X == 0 or Y == 0:
                C[X, Y] = pen * (X + Y)
                bp[X, Y] = -1 if X == Y == 0 else (len(shapes) - 2 if X == 0 else len(shapes) - 1)
                continue
            for k, (x, y) in enumerate(shapes):
                if x > X or y > Y or C[X - x, Y - y] == np.inf:
                    continue
                v = C[X - x, Y - y] + (pen if x == 0 or y == 0 else cost(x, y, X - 1, Y - 1))
                if v < C[X, Y]:
                    C[X, Y], bp[X, Y] = v, k
    beads, X, Y = [], S, T
    while X > 0 or Y > 0:
        x, y = shapes[bp[X, Y]]
        score = dot(x, y, X - 1, Y - 1) if x and y else 0.0
        beads.append((list(range(X - x, X)), list(range(Y - y, Y)), score))
        X, Y = X - x, Y - y
    return beads[::-1]


def cmd_align(a):
    src_docs, tgt_docs = read_docs(a.src), read_docs(a.tgt)
    es, et = unit(np.load(a.src_emb)), unit(np.load(a.tgt_emb))
    layers = a.max_size - 1
    rs = rt = 0
    for k, ((ss, sl), (ts, tl)) in enumerate(zip(src_docs, tgt_docs)):
        s, rs = sides(len(ss), es, rs, layers)
        t, rt = sides(len(ts), et, rt, layers)
        for bs, bt, score in align_pair(s, t, k, a.max_size, a.del_percentile, a.seed):
            print(f"{k}\t{','.join(str(sl[i]) for i in bs)}\t{','.join(str(tl[j]) for j in bt)}\t{score:.4f}")


def cmd_synth(a):
    rng = np.random.default_rng(a.seed)
    dim = 32
    src_txt, tgt_txt, src_rows, tgt_rows, gold = [], [], [], [], []
    src_line = tgt_line = 0
    for k in range(a.docs):
        n_beads = int(rng.integers(5, 60))
        s_vecs, t_vecs, s_words, t_words = [], [], [], []
        for b in range(n_beads):
            r = rng.random()
            x, y = (1, 1) if r < 0.8 else (2, 1) if r < 0.87 else (1, 2) if r < 0.94 else (1, 0) if r < 0.97 else (0, 1)
            meaning = np.zeros(dim)
            bs = []
            for _ in range(x):
                v = rng.normal(size=dim)
                meaning += v
                bs.append(src_line + len(s_vecs))
                s_vecs.append(v)
                s_words.append(f"s{k}_{len(s_words)}")
            bt = []
            for _ in range(y):
                v = rng.normal(size=dim) if x == 0 else meaning / y + 0.3 * rng.normal(size=dim)
                bt.append(tgt_line + len(t_vecs))
                t_vecs.append(v)
                t_words.append(f"t{k}_{len(t_words)}")
            gold.append(f"{k}\t{','.join(map(str, bs))}\t{','.join(map(str, bt))}")
        for words, vecs, txt, rows in ((s_words, s_vecs, src_txt, src_rows), (t_words, t_vecs, tgt_txt, tgt_rows)):
            txt.extend(words)
            txt.append("")
            for n in range(1, 4):
                for j in range(n - 1, len(vecs)):
                    rows.append(np.sum(vecs[j - n + 1:j + 1], axis=0))
        src_line += len(s_words) + 1
        tgt_line += len(t_words) + 1
    for name, txt in (("src.txt", src_txt), ("tgt.txt", tgt_txt)):
        with open(f"{a.dir}/{name}", "w") as f:
            f.write("\n".join(txt) + "\n")
    np.save(f"{a.dir}/src.npy", np.array(src_rows, dtype=np.float32))
    np.save(f"{a.dir}/tgt.npy", np.array(tgt_rows, dtype=np.float32))
    with open(f"{a.dir}/gold.tsv", "w") as f:
        f.write("\n".join(gold) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("synth")
    s.add_argument("dir")
    s.add_argument("--docs", type=int, default=10)
    s.add_argument("--seed", type=int, default=1)
    al = sub.add_parser("align")
    for n in ("src", "tgt", "src_emb", "tgt_emb"):
        al.add_argument(n)
    al.add_argument("--max-size", type=int, default=4)
    al.add_argument("--del-percentile", type=float, default=0.2)
    al.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    {"synth": cmd_synth, "align": cmd_align}[a.cmd](a)


if __name__ == "__main__":
    main()
