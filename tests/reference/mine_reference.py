#!/usr/bin/python3
"""Independent reference for bitmill-mine: margin-based bitext mining (Artetxe & Schwenk 2019) with
the definitions of LASER's source/mine_bitexts.py, written simply with numpy, and with faiss's
IndexFlatIP when Debian's python3-faiss is installed (otherwise, or with MINE_REFERENCE_KNN=numpy,
an exact numpy search that returns the same neighbours).

  mine_reference.py mine --src SRC.txt --tgt TGT.txt --src-emb SRC.npy --tgt-emb TGT.npy [-k 4]
        [--margin ratio|distance|absolute] [--retrieval max|fwd|bwd|intersect] [--threshold T]
        [--ids] [--unify] -o OUT.tsv
  mine_reference.py score --src ... --tgt ... --src-emb ... --tgt-emb ... [-k 4] [--margin M]
        [--unify] -o OUT.tsv
  mine_reference.py make-data DIR --n-src N --n-tgt M --dim D [--planted P] [--noise X]
        [--dtype f32|f16] [--seed S] [--dup D] [--dup-noise X] [--unit]

The contract (what bitmill-mine implements):
- One text line per embedding row. Rows are cast to float32 and L2-normalised (zero rows stay 0).
- --unify: identical lines are mined once, with the embedding row of their first occurrence, and
  --ids reports the first occurrence's line. (LASER's unique_embeddings keeps the row of the last
  occurrence; the two agree whenever equal texts have equal rows.)
- k-NN: exact inner-product search, k_eff = min(k, rows of the other side); neighbours ordered by
  similarity descending, then index ascending. mean_x[i] = mean of the k_eff similarities of x_i
  to its neighbours among the targets; mean_y[j] likewise among the sources.
- score(i, j) = margin(cos(x_i, y_j), (mean_x[i] + mean_y[j]) / 2), where margin(a, b) is a
  (absolute), a - b (distance) or a / b (ratio).
- fwd_best[i]: the neighbour of x_i with the largest score, the first in neighbour order on ties;
  bwd_best[j] likewise.
- Retrieval: fwd = (i, fwd_best[i]) for every source; bwd = (bwd_best[j], j) for every target;
  intersect = the fwd rows with bwd_best[fwd_best[i]] == i; max = the fwd and bwd rows by score
  descending (ties: source, then target ascending), each kept if neither its source nor its
  target was kept before (LASER's seen_src / seen_trg).
- --threshold T keeps the rows with score > T (strictly), in every retrieval mode.
- Output sorted by score descending, then source line, then target line; rows are
  score<TAB>src<TAB>tgt, or with --ids score<TAB>src_line<TAB>tgt_line<TAB>src<TAB>tgt (0-based
  lines). Scores are printed in full (Python's repr), so that equal scores print alike and
  distinct ones differently.
- score: line r of SRC with line r of TGT (the line counts must match), in input order.
Here every similarity is a float64 dot product of the normalised float32 rows (LASER uses faiss's
float32 ones; they differ by rounding), and the float32 search only shortlists the neighbours.
"""
import argparse
import os
import sys

import numpy as np

try:
    import faiss
except ImportError:  # Debian's python3-faiss is optional: the numpy search below is exact too
    faiss = None
if os.environ.get("MINE_REFERENCE_KNN") == "numpy":  # to check one search against the other
    faiss = None

MARGINS = {
    "absolute": lambda a, b: a,
    "distance": lambda a, b: a - b,
    "ratio": lambda a, b: a / b,
}
RETRIEVALS = ("max", "fwd", "bwd", "intersect")


def knn_backend():
    if faiss:
        return f"faiss {faiss.__version__} IndexFlatIP"
    why = "MINE_REFERENCE_KNN=numpy" if os.environ.get("MINE_REFERENCE_KNN") == "numpy" else "no python3-faiss"
    return f"numpy/BLAS float32 search ({why})"


def read_lines(path):
    """Lines without their '\\n'; bytes that are not UTF-8 survive the round trip (surrogateescape)."""
    with open(path, "rb") as f:
        lines = f.read().decode("utf-8", "surrogateescape").split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def normalize(x):
    """In place, like faiss.normalize_L2."""
    if faiss:
        faiss.normalize_L2(x)
        return
    for s in range(0, len(x), 65536):  # in blocks: a float64 copy of 200k x 1024 rows is 1.6 GB
        c = x[s:s + 65536]
        n = np.sqrt(np.square(c, dtype=np.float64).sum(axis=1))
        c /= np.where(n > 0, n, 1.0).astype(np.float32)[:, None]


class Side:
    """One side of the corpus: its lines and the normalised float32 rows that are mined."""

    def __init__(self, text_path, emb_path, unify):
        self.lines = read_lines(text_path)
        emb = np.load(emb_path, mmap_mode="r")
        if emb.ndim != 2 or emb.shape[0] != len(self.lines):
            sys.exit(f"{emb_path}: shape {emb.shape} does not give one row per line of {text_path} "
                     f"({len(self.lines)} lines)")
        n = len(self.lines)
        if unify:
            first = {}  # text -> line of its first occurrence, in order of first occurrence
            for r, t in enumerate(self.lines):
                first.setdefault(t, r)
            unique = {t: u for u, t in enumerate(first)}
            self.line_of = np.fromiter(first.values(), np.int64, len(first))  # mined row -> line
            self.row_of = np.fromiter((unique[t] for t in self.lines), np.int64, n)  # line -> mined row
            self.x = np.array(emb[self.line_of], dtype=np.float32)
        else:
            self.line_of = self.row_of = np.arange(n)
            self.x = np.array(emb, dtype=np.float32)
        normalize(self.x)

    def text(self, row):
        return self.lines[self.line_of[row]]


SLACK = 8  # extra neighbours the float32 search shortlists for the exact ranking


def dots(a, b, i, j):
    """a[i[n]] . b[j[n]] in float64: exact products of the float32 values, summed the same way for
    every pair, so equal rows give equal values wherever they sit (a BLAS product's rounding
    depends on the position, which would break ties between repeated rows arbitrarily)."""
    out = np.empty(len(i))
    for s in range(0, len(i), 8192):
        out[s:s + 8192] = np.einsum("nd,nd->n", a[i[s:s + 8192]].astype(np.float64),
                                    b[j[s:s + 8192]].astype(np.float64))
    return out


def shortlist(q, base, k):
    """(float32 similarities, indices) of k rows of base with the largest inner products with each
    row of q, in no particular order."""
    if faiss:
        index = faiss.IndexFlatIP(base.shape[1])
        index.add(base)
        return index.search(q, k)
    sim = np.empty((len(q), k), np.float32)
    ind = np.empty((len(q), k), np.int64)
    step = max(1, (1 << 26) // len(base))  # 256 MB of similarities at a time
    for s in range(0, len(q), step):
        S = q[s:s + step] @ base.T
        part = np.argpartition(S, S.shape[1] - k, axis=1)[:, S.shape[1] - k:]
        ind[s:s + step] = part
        sim[s:s + step] = np.take_along_axis(S, part, axis=1)
    return sim, ind


def knn(q, base, k):
    """Exact inner-product k-NN of the rows of q among the rows of base: (similarities float64,
    indices int64), k_eff = min(k, len(base)) per row, ordered by similarity descending, then
    index ascending. The similarities are dots() of the float32 rows: a float32 search shortlists
    SLACK more rows, which are ranked by dots(); a row whose shortlist may have missed one within
    rounding of its k-th neighbour is ranked in full."""
    n = len(base)
    k, k2 = min(k, n), min(k + SLACK, n)
    sim32, ind = shortlist(q, base, k2)
    sim = dots(q, base, np.repeat(np.arange(len(q)), k2), ind.ravel()).reshape(len(q), k2)
    order = np.lexsort((ind, -sim), axis=1)[:, :k]
    sim, ind = np.take_along_axis(sim, order, axis=1), np.take_along_axis(ind, order, axis=1)
    if k2 < n:
        for r in np.flatnonzero(sim32.min(axis=1) >= sim[:, k - 1] - 1e-5):
            full = dots(q, base, np.full(n, r), np.arange(n))
            top = np.lexsort((np.arange(n), -full))[:k]
            sim[r], ind[r] = full[top], top
    return sim, ind


class Miner:
    def __init__(self, src, tgt, k):
        self.src, self.tgt = src, tgt
        self.empty = len(src.x) == 0 or len(tgt.x) == 0
        if not self.empty:
            # Every similarity, in the means as in the scores, is the same dots() value, so that a
            # pair's cosine and its share of a mean agree exactly (with k = 1, the distance margin
            # of mutual nearest neighbours is exactly 0).
            sim, self.x2y = knn(src.x, tgt.x, k)
            self.mean_x = sim.mean(axis=1)
            sim, self.y2x = knn(tgt.x, src.x, k)
            self.mean_y = sim.mean(axis=1)

    def cos(self, i, j):
        """cos(x_i[n], y_j[n]) for index arrays i (sources) and j (targets), in float64."""
        return dots(self.src.x, self.tgt.x, i, j)

    def scores(self, i, j, margin):
        """score(i[n], j[n]) for index arrays i (sources) and j (targets), in float64."""
        return MARGINS[margin](self.cos(i, j), (self.mean_x[i] + self.mean_y[j]) / 2)

    def best(self, margin):
        """(fwd_best, fwd_score, bwd_best, bwd_score)."""
        nx, kx = self.x2y.shape
        ny, ky = self.y2x.shape
        fwd = self.scores(np.repeat(np.arange(nx), kx), self.x2y.ravel(), margin).reshape(nx, kx)
        bwd = self.scores(self.y2x.ravel(), np.repeat(np.arange(ny), ky), margin).reshape(ny, ky)
        fc, bc = fwd.argmax(axis=1), bwd.argmax(axis=1)  # argmax: the first maximum on ties
        return (self.x2y[np.arange(nx), fc], fwd[np.arange(nx), fc],
                self.y2x[np.arange(ny), bc], bwd[np.arange(ny), bc])

    def mine(self, margin, retrieval, threshold=None):
        """[(score, source row, target row)] in output order."""
        if self.empty:
            return []
        fb, fs, bb, bs = self.best(margin)
        fwd = list(zip(fs.tolist(), range(len(fb)), fb.tolist()))
        bwd = list(zip(bs.tolist(), bb.tolist(), range(len(bb))))
        key = lambda r: (-r[0], r[1], r[2])
        if retrieval == "fwd":
            rows = fwd
        elif retrieval == "bwd":
            rows = bwd
        elif retrieval == "intersect":
            rows = [r for r in fwd if bb[r[2]] == r[1]]
        else:
            rows, seen_src, seen_tgt = [], set(), set()
            for r in sorted(fwd + bwd, key=key):
                if r[1] not in seen_src and r[2] not in seen_tgt:
                    seen_src.add(r[1])
                    seen_tgt.add(r[2])
                    rows.append(r)
        if threshold is not None:
            rows = [r for r in rows if r[0] > threshold]
        # Rows are mined rows, whose order is that of their lines (first occurrences with --unify).
        return sorted(rows, key=key)

    def format(self, rows, ids):
        out = []
        for s, i, j in rows:
            ln = f"\t{self.src.line_of[i]}\t{self.tgt.line_of[j]}" if ids else ""
            out.append(f"{s!r}{ln}\t{self.src.text(i)}\t{self.tgt.text(j)}\n")
        return "".join(out)

    def score_lines(self, margin):
        """LASER's --mode score: line r of the source with line r of the target."""
        src, tgt = self.src, self.tgt
        if len(src.lines) != len(tgt.lines):
            sys.exit(f"score: {len(src.lines)} source lines but {len(tgt.lines)} target lines")
        if self.empty:
            return ""
        s = self.scores(src.row_of, tgt.row_of, margin)
        return "".join(f"{v!r}\t{a}\t{b}\n" for v, a, b in zip(s.tolist(), src.lines, tgt.lines))


def write_text(path, text):
    data = text.encode("utf-8", "surrogateescape")
    if path == "-":
        sys.stdout.buffer.write(data)
    else:
        with open(path, "wb") as f:
            f.write(data)


def make_data(a):
    """Random rows with random norms (so that normalisation matters), planted pairs (target = the
    source's direction plus noise), and optionally repeated lines for --unify."""
    rng = np.random.default_rng(a.seed)
    os.makedirs(a.dir, exist_ok=True)
    dtype = np.float16 if a.dtype == "f16" else np.float32
    from numpy.lib.format import open_memmap  # written in blocks: 200k x 1024 rows need no RAM

    def unit(v):
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    def scaled(v):
        return v if a.unit else v * rng.uniform(0.5, 2.0, (len(v), 1))

    def rows(path, n):
        m = open_memmap(path, mode="w+", dtype=dtype, shape=(n, a.dim))
        for s in range(0, n, 16384):
            c = min(16384, n - s)
            m[s:s + c] = scaled(unit(rng.standard_normal((c, a.dim))))
        return m

    x = rows(os.path.join(a.dir, "src.npy"), a.n_src)
    y = rows(os.path.join(a.dir, "tgt.npy"), a.n_tgt)
    p = min(a.planted, a.n_src, a.n_tgt)
    si = rng.choice(a.n_src, p, replace=False)
    tj = rng.choice(a.n_tgt, p, replace=False)
    for s in range(0, p, 16384):
        v = unit(x[si[s:s + 16384]].astype(np.float64))
        v += a.noise / np.sqrt(a.dim) * rng.standard_normal(v.shape)
        y[tj[s:s + 16384]] = scaled(unit(v))
    width = max(6, len(str(max(a.n_src, a.n_tgt) - 1)))

    def texts(prefix, m, planted):
        t = [f"{prefix}{i:0{width}d}" for i in range(len(m))]
        # A repeated line copies an earlier line's text and row (with --dup-noise, a perturbed
        # row); planted lines are never overwritten, so gold.tsv stays true.
        free = np.setdiff1d(np.arange(1, len(m)), planted)
        for b in np.sort(rng.choice(free, min(a.dup, len(free)), replace=False)):
            c = int(rng.integers(0, b))
            t[b] = t[c]
            v = m[c].astype(np.float64)
            if a.dup_noise:
                v = v + a.dup_noise * np.linalg.norm(v) / np.sqrt(a.dim) * rng.standard_normal(a.dim)
            m[b] = v
        return "".join(s + "\n" for s in t)

    write_text(os.path.join(a.dir, "src.txt"), texts("s", x, si))
    write_text(os.path.join(a.dir, "tgt.txt"), texts("t", y, tj))
    order = np.argsort(si)
    write_text(os.path.join(a.dir, "gold.tsv"), "".join(f"{i}\t{j}\n" for i, j in zip(si[order], tj[order])))
    x.flush()
    y.flush()


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("mine", "score"):
        c = sub.add_parser(name)
        for opt in ("--src", "--tgt", "--src-emb", "--tgt-emb"):
            c.add_argument(opt, required=True)
        c.add_argument("-k", type=int, default=4)
        c.add_argument("--margin", choices=sorted(MARGINS), default="ratio")
        c.add_argument("--unify", action="store_true")
        c.add_argument("-o", "--output", default="-")
        if name == "mine":
            c.add_argument("--retrieval", choices=RETRIEVALS, default="max")
            c.add_argument("--threshold", type=float)
            c.add_argument("--ids", action="store_true")
    c = sub.add_parser("make-data")
    c.add_argument("dir")
    c.add_argument("--n-src", type=int, required=True)
    c.add_argument("--n-tgt", type=int, required=True)
    c.add_argument("--dim", type=int, required=True)
    c.add_argument("--planted", type=int, default=0)
    c.add_argument("--noise", type=float, default=0.3, help="planted noise, relative to the row norm")
    c.add_argument("--dtype", choices=("f32", "f16"), default="f32")
    c.add_argument("--seed", type=int, default=1)
    c.add_argument("--dup", type=int, default=0, help="repeated lines on each side")
    c.add_argument("--dup-noise", type=float, default=0.0, help="perturb the rows of repeated lines")
    c.add_argument("--unit", action="store_true", help="unit-norm rows")
    a = p.parse_args(argv)

    if a.cmd == "make-data":
        make_data(a)
        return
    if a.k < 1:
        p.error("-k must be at least 1")
    miner = Miner(Side(a.src, a.src_emb, a.unify), Side(a.tgt, a.tgt_emb, a.unify), a.k)
    if a.cmd == "score":
        write_text(a.output, miner.score_lines(a.margin))
    else:
        write_text(a.output, miner.format(miner.mine(a.margin, a.retrieval, a.threshold), a.ids))


if __name__ == "__main__":
    main()
