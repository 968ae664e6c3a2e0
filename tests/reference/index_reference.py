#!/usr/bin/python3
"""Independent checks for bitmill-index: an exact numpy search in float64, and Debian's python3-faiss
reading the index files bitmill writes.

  index_reference.py make-data DIR [--seed S]
        clustered rows: DIR/a.npy (1200 x 32 f32), DIR/b.npy (800 x 32 f16), DIR/q.npy (60 queries),
        DIR/d33.npy (10 x 33), DIR/nan.npy (5 x 32, row 3 holds a NaN)
  index_reference.py exact TSV --queries Q.npy [-k K] EMB...
        compares `bitmill-index search` output with the exact cosine top k over EMB... (rows numbered
        globally in argument order): the same neighbours at every rank, except where two reference
        cosines are within 1e-6 (rounding may swap them), and every similarity within 1e-5
  index_reference.py recall TSV --queries Q.npy [-k K] EMB...
        recall@k of the TSV against the exact top k (the fraction of exact neighbours it lists)
  index_reference.py faiss INDEX TSV --queries Q.npy [-k K] [--nprobe N]
        python3-faiss reads INDEX and searches the L2-normalised queries: the same neighbours as TSV
  index_reference.py ids INDEX N
        whether INDEX holds each of the ids 0..N-1 exactly once (IVF lists or an id map)

The contract checked: rows and queries are L2-normalised float32 (zero rows stay zero), the
similarity is their inner product (the cosine), ids are global row numbers, and each TSV row is
query_row<TAB>rank<TAB>id<TAB>sim with ranks from 1, best first, equal similarities by id.
"""
import argparse
import sys

import numpy as np

TOL_SIM, TOL_TIE = 1e-5, 1e-6


def load_rows(paths):
    return np.concatenate([np.load(p).astype(np.float64) for p in paths])


def unit(x):
    n = np.linalg.norm(x, axis=1, keepdims=True)
    return np.divide(x, n, out=np.zeros_like(x), where=n > 0)


def read_tsv(path, nq, k):
    ids = np.full((nq, k), -1, dtype=np.int64)
    sims = np.full((nq, k), np.nan)
    with open(path) as f:
        for line in f:
            q, r, i, s = line.rstrip("\n").split("\t")
            ids[int(q), int(r) - 1] = int(i)
            sims[int(q), int(r) - 1] = float(s)
    return ids, sims


def exact(a):
    base, q = unit(load_rows(a.emb)), unit(np.load(a.queries).astype(np.float64))
    cos = q @ base.T
    ids, sims = read_tsv(a.tsv, len(q), a.k)
    order = np.lexsort((np.broadcast_to(np.arange(cos.shape[1]), cos.shape), -cos), axis=1)[:, : a.k]
    same = all(
        ids[i, t] == order[i, t] or (ids[i, t] >= 0 and abs(cos[i, ids[i, t]] - cos[i, order[i, t]]) < TOL_TIE)
        for i in range(len(q))
        for t in range(a.k)
    )
    got = np.where(ids >= 0, cos[np.arange(len(q))[:, None], np.maximum(ids, 0)], np.nan)
    err = np.nanmax(np.abs(got - sims)) if np.isfinite(sims).all() else np.inf
    print(f"{a.tsv}: {len(q)} queries x {a.k}: the exact neighbours: {'yes' if same else 'NO'}, "
          f"similarities within {TOL_SIM:g}: {'yes' if err < TOL_SIM else f'NO ({err:.3g})'}")


def recall(a):
    base, q = unit(load_rows(a.emb)), unit(np.load(a.queries).astype(np.float64))
    cos = q @ base.T
    ids, _ = read_tsv(a.tsv, len(q), a.k)
    top = np.argsort(-cos, axis=1, kind="stable")[:, : a.k]
    hits = sum(len(set(top[i]) & set(ids[i])) for i in range(len(q)))
    print(f"{a.tsv}: recall@{a.k} against numpy's exact search: {hits / top.size:.4f} ({hits} of {top.size})")


def faiss_check(a):
    import faiss

    index = faiss.read_index(a.index)
    if a.nprobe:
        faiss.extract_index_ivf(index).nprobe = a.nprobe
    q = np.load(a.queries).astype(np.float32)
    faiss.normalize_L2(q)
    _, fi = index.search(q, a.k)
    ids, _ = read_tsv(a.tsv, len(q), a.k)
    # FAISS's own order among equal similarities is unspecified: compare the sets per query.
    same = all(set(fi[i]) == set(ids[i]) for i in range(len(q)))
    metric = {faiss.METRIC_INNER_PRODUCT: "inner product", faiss.METRIC_L2: "L2"}.get(index.metric_type, "?")
    print(f"python3-faiss reads {a.index} ({index.ntotal} vectors of dimension {index.d}, {metric}) "
          f"and finds the neighbours of {a.tsv}: {'yes' if same else 'NO'}")


def ids_check(a):
    import faiss

    index = faiss.read_index(a.index)
    held = []
    ivf = faiss.try_extract_index_ivf(index)
    if hasattr(index, "id_map"):
        held = faiss.vector_to_array(index.id_map).tolist()
    elif ivf is not None:
        inv = ivf.invlists
        for lst in range(ivf.nlist):
            n = inv.list_size(lst)
            if n:
                held += faiss.rev_swig_ptr(inv.get_ids(lst), n).tolist()
    else:
        held = list(range(index.ntotal))
    ok = sorted(held) == list(range(a.n))
    print(f"{a.index} holds the ids 0..{a.n - 1} exactly once: {'yes' if ok else 'NO'}")


def make_data(a):
    rng = np.random.default_rng(a.seed)
    d = 32
    centers = rng.standard_normal((40, d))

    def rows(n):
        return centers[rng.integers(0, len(centers), n)] + 0.35 * rng.standard_normal((n, d))

    x = rows(2000) * rng.uniform(0.5, 3.0, (2000, 1))  # random norms: normalisation matters
    np.save(f"{a.dir}/a.npy", x[:1200].astype(np.float32))
    np.save(f"{a.dir}/b.npy", x[1200:].astype(np.float16))
    np.save(f"{a.dir}/q.npy", rows(60).astype(np.float32))
    np.save(f"{a.dir}/d33.npy", rng.standard_normal((10, 33)).astype(np.float32))
    nan = rng.standard_normal((5, d)).astype(np.float32)
    nan[3, 7] = np.nan
    np.save(f"{a.dir}/nan.npy", nan)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("make-data")
    c.add_argument("dir")
    c.add_argument("--seed", type=int, default=5)
    for name in ("exact", "recall"):
        c = sub.add_parser(name)
        c.add_argument("tsv")
        c.add_argument("emb", nargs="+")
        c.add_argument("--queries", required=True)
        c.add_argument("-k", type=int, default=4)
    c = sub.add_parser("faiss")
    c.add_argument("index")
    c.add_argument("tsv")
    c.add_argument("--queries", required=True)
    c.add_argument("-k", type=int, default=4)
    c.add_argument("--nprobe", type=int, default=0)
    c = sub.add_parser("ids")
    c.add_argument("index")
    c.add_argument("n", type=int)
    a = p.parse_args(argv)
    {"make-data": make_data, "exact": exact, "recall": recall, "faiss": faiss_check, "ids": ids_check}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
