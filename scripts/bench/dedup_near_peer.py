#!/usr/bin/python3
"""The peer of scripts/bench/dedup_near.sh: datatrove's MinHash deduplication algorithm in NumPy,
on bitmill's shingles, in one process (one core).

  dedup_near_peer.py make-data OUT.jsonl --mb N --source FILE [--near 0.2] [--seed S]
        [--min-words 100] [--max-words 1000]
  dedup_near_peer.py run DOCS.jsonl --clusters OUT.tsv [--bands 14] [--rows 8] [--ngram 5]
  dedup_near_peer.py compare DOCS.jsonl PEER.tsv BITMILL.tsv [--ngram 5]

make-data: documents of --min-words to --max-words words (default 100 to 1000), sentences drawn at random from --source (one sentence
per line; a TSV's second column), --near of them followed by a copy with 1 to 30% of its words
replaced by words of the source, as JSON lines {"id": ..., "text": ...} until the file holds --mb
megabytes.

run: datatrove's MinhashDedupSignature / Buckets / Cluster stages, written with NumPy: each
shingle (the same as bitmill's: NFKC case folding, punctuation and symbols to spaces, digits to 0,
`ngram` words) hashes to the first 4 bytes of its SHA-1 (datatrove's default sha1 hash), the
permutations are ((a * h + b) mod (2^61 - 1)) & (2^32 - 1) with a, b drawn from a seeded NumPy
generator, the signature is the minimum per permutation, the bands are bands x rows values;
records sharing a band's values are joined to the bucket's first (union-find), and a cluster's
first record is kept. Writes ID<TAB>CLUSTER<TAB>SIZE for every record of a cluster of two or more,
as bitmill's --clusters does, and the seconds of each stage on stderr.

compare: how far the two clusterings agree. They use different hash families, so they differ on
pairs near the S-curve's slope; printed: records clustered by each, and the share of the pairs of
records that either puts in one cluster that both do, overall and for pairs of exact Jaccard
similarity >= 0.9.
"""
import argparse
import collections
import hashlib
import json
import random
import sys
import time
import unicodedata

import numpy as np

MERSENNE = (1 << 61) - 1
MAX32 = (1 << 32) - 1


def fold(text):
    t = unicodedata.normalize("NFKC", text).casefold()
    t = unicodedata.normalize("NFKC", t)
    out = []
    for ch in t:
        cat = unicodedata.category(ch)
        if cat == "Nd":
            out.append("0")
        elif cat[0] in "PSZC":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out).split()


def shingles(text, n):
    w = fold(text)
    if not w:
        return []
    if len(w) < n:
        return [" ".join(w)]
    return [" ".join(w[i:i + n]) for i in range(len(w) - n + 1)]


def make_data(a):
    rng = random.Random(a.seed)
    sentences, words = [], []
    for line in open(a.source, encoding="utf-8", errors="replace"):
        cols = line.rstrip("\n").split("\t")
        text = cols[1] if len(cols) > 1 else cols[0]
        if text.split():
            sentences.append(text)
            words.extend(text.split())
    limit = a.mb * 1_000_000
    size, i = 0, 0
    with open(a.out, "w", encoding="utf-8") as f:
        while size < limit:
            # Sentences drawn at random: documents share sentences now and then, as web pages share
            # quotes and boilerplate, but not runs of them.
            target, doc = rng.randint(a.min_words, a.max_words), []
            while len(doc) < target:
                doc.extend(rng.choice(sentences).split())
            line = json.dumps({"id": f"d{i}", "text": " ".join(doc)}) + "\n"
            f.write(line)
            size += len(line.encode())
            if rng.random() < a.near:
                copy = list(doc)
                for k in rng.sample(range(len(copy)), max(1, round(rng.uniform(0.01, 0.30) * len(copy)))):
                    copy[k] = rng.choice(words)
                line = json.dumps({"id": f"d{i}c", "text": " ".join(copy)}) + "\n"
                f.write(line)
                size += len(line.encode())
            i += 1


def run(a):
    k = a.bands * a.rows
    gen = np.random.RandomState(42)
    perm_a = gen.randint(1, MERSENNE, size=k, dtype=np.uint64)
    perm_b = gen.randint(0, MERSENNE, size=k, dtype=np.uint64)
    ids, sigs = [], []
    t0 = time.time()
    for line in open(a.docs, encoding="utf-8"):
        d = json.loads(line)
        ids.append(d["id"])
        sh = shingles(d["text"], a.ngram)
        if not sh:
            sigs.append(None)
            continue
        h = np.array([int.from_bytes(hashlib.sha1(s.encode()).digest()[:4], "little") for s in sh], dtype=np.uint64)
        # (a * h + b) mod p in 64-bit NumPy arithmetic, as datatrove does: h < 2^32 and a < 2^61
        # overflow 64 bits, which datatrove's uint64 arithmetic accepts as its hash family.
        phv = ((h[:, None] * perm_a + perm_b) % MERSENNE) & MAX32
        sigs.append(phv.min(axis=0).astype(np.uint32))
    t1 = time.time()
    buckets = collections.defaultdict(list)
    for i, s in enumerate(sigs):
        if s is None:
            continue
        for band in range(a.bands):
            buckets[(band, s[band * a.rows:(band + 1) * a.rows].tobytes())].append(i)
    t2 = time.time()
    parent = list(range(len(ids)))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for members in buckets.values():
        for m in members[1:]:
            ra, rb = find(members[0]), find(m)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    size = collections.Counter(find(i) for i in range(len(ids)))
    with open(a.clusters, "w", encoding="utf-8") as f:
        for i in range(len(ids)):
            r = find(i)
            if size[r] >= 2:
                f.write(f"{ids[i]}\t{ids[r]}\t{size[r]}\n")
    t3 = time.time()
    print(f"signatures {t1 - t0:.1f} s, buckets {t2 - t1:.1f} s, clusters {t3 - t2:.1f} s", file=sys.stderr)


def pairs_of(path):
    """Every pair of records in one cluster (clusters of more than 300 records: their first 300)."""
    members = collections.defaultdict(list)
    for line in open(path, encoding="utf-8"):
        doc, cluster, _ = line.rstrip("\n").split("\t")
        members[cluster].append(doc)
    out = set()
    for docs in members.values():
        docs = sorted(docs)[:300]
        for i, x in enumerate(docs):
            for y in docs[i + 1:]:
                out.add((x, y))
    return out, sum(len(v) for v in members.values())


def compare(a):
    peer, n_peer = pairs_of(a.peer)
    ours, n_ours = pairs_of(a.bitmill)
    texts = {}
    for line in open(a.docs, encoding="utf-8"):
        d = json.loads(line)
        texts[d["id"]] = d["text"]

    def jac(x, y):
        sx, sy = set(shingles(texts[x], a.ngram)), set(shingles(texts[y], a.ngram))
        return len(sx & sy) / max(1, len(sx | sy))

    either = peer | ours
    both = peer & ours
    high = [p for p in either if jac(*p) >= 0.9]
    high_both = [p for p in high if p in both]
    print(f"clustered records: peer {n_peer}, bitmill {n_ours}")
    print(f"pairs of records in one cluster, by either: {len(either)}, by both: {len(both)} "
          f"({100 * len(both) / max(1, len(either)):.1f}%)")
    print(f"of those with exact Jaccard >= 0.9: {len(high)}, by both: {len(high_both)} "
          f"({100 * len(high_both) / max(1, len(high)):.1f}%)")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("make-data")
    m.add_argument("out")
    m.add_argument("--mb", type=int, default=1000)
    m.add_argument("--source", required=True)
    m.add_argument("--near", type=float, default=0.2)
    m.add_argument("--min-words", type=int, default=100)
    m.add_argument("--max-words", type=int, default=1000)
    m.add_argument("--seed", type=int, default=1)
    r = sub.add_parser("run")
    r.add_argument("docs")
    r.add_argument("--clusters", required=True)
    r.add_argument("--bands", type=int, default=14)
    r.add_argument("--rows", type=int, default=8)
    r.add_argument("--ngram", type=int, default=5)
    c = sub.add_parser("compare")
    c.add_argument("docs")
    c.add_argument("peer")
    c.add_argument("bitmill")
    c.add_argument("--ngram", type=int, default=5)
    a = ap.parse_args()
    {"make-data": make_data, "run": run, "compare": compare}[a.cmd](a)


if __name__ == "__main__":
    main()
