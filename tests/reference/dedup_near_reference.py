#!/usr/bin/python3
"""Independent reference for bitmill-dedup --mode near: exact Jaccard similarities by brute force
and the theoretical S-curve of MinHash LSH, to check what bitmill catches.

  dedup_near_reference.py make-data OUT.jsonl --vocab FILE [--bases N] [--seed S]
        [--chains N]
  dedup_near_reference.py check-curve DOCS.jsonl CLUSTERS.tsv --bands B --rows R [--ngram 5]
  dedup_near_reference.py check-verify DOCS.jsonl CLUSTERS.tsv --verify J [--ngram 5]

The contract (what bitmill implements for such documents): a document's text is cut into words
at whitespace after lower-casing (the generated texts hold lower-case letters and spaces only, so
bitmill's NFKC case folding and punctuation and digit folding leave them as they are); its
shingles are the sets of `ngram` consecutive words; the similarity of two documents is the
Jaccard similarity of their shingle sets. With B bands of R rows, a pair of similarity J shares a
bucket with probability 1 - (1 - J^R)^B.

make-data: --bases documents of 100 to 1000 words drawn from the word stream of --vocab (real
text: every token of the file, lower-cased, letters only, so frequencies are real ones), each
followed by a copy with a share of its words replaced by other words (uniform in 1% to 30%,
different for each copy), all ids "b<i>" and "b<i>c"; and --chains chains of five documents, each
a copy of the one before with 1.5% of its words edited ("c<i>-<k>"): neighbours are about 0.86
similar, documents two apart about 0.75, the ends of a chain less. Documents are shuffled.

check-curve: for every base/copy pair, its exact similarity and whether bitmill put both in one
cluster (the generated documents are unrelated otherwise, so that happens only when the pair
itself shared a bucket). Per similarity band of width 0.1, the share caught must lie within four
standard errors (binomial, from the S-curve) of the S-curve's mean over the band's pairs.

check-verify: every cluster of CLUSTERS.tsv must be connected by pairs of its documents whose exact
similarity is at least J (bitmill --verify J never joins through a pair below it).
"""
import argparse
import collections
import itertools
import json
import math
import random
import re
import sys


def words_of(text):
    return text.split()


def shingles(text, n):
    w = words_of(text)
    if not w:
        return set()
    if len(w) < n:
        return {tuple(w)}
    return {tuple(w[i:i + n]) for i in range(len(w) - n + 1)}


def jaccard(a, b):
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def edit(words, share, stream, rng):
    out = list(words)
    k = max(1, round(share * len(out)))
    for i in rng.sample(range(len(out)), k):
        out[i] = rng.choice(stream)
    return out


def make_data(a):
    rng = random.Random(a.seed)
    stream = [t.lower() for t in re.findall(r"[^\W\d_]+", open(a.vocab, encoding="utf-8").read())]
    stream = [t for t in stream if t.isascii() and t.isalpha()]
    docs = []
    for i in range(a.bases):
        base = [rng.choice(stream) for _ in range(rng.randint(100, 1000))]
        docs.append({"id": f"b{i}", "text": " ".join(base)})
        docs.append({"id": f"b{i}c", "text": " ".join(edit(base, rng.uniform(0.01, 0.30), stream, rng))})
    for i in range(a.chains):
        cur = [rng.choice(stream) for _ in range(rng.randint(200, 600))]
        for k in range(5):
            docs.append({"id": f"c{i}-{k}", "text": " ".join(cur)})
            cur = edit(cur, 0.015, stream, rng)
    rng.shuffle(docs)
    with open(a.out, "w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps(d) + "\n")


def read_docs(path):
    return {d["id"]: d["text"] for d in (json.loads(line) for line in open(path, encoding="utf-8"))}


def read_clusters(path):
    cluster_of = {}
    for line in open(path, encoding="utf-8"):
        doc, cluster, _size = line.rstrip("\n").split("\t")
        cluster_of[doc] = cluster
    return cluster_of


def s_curve(j, b, r):
    return 1 - (1 - j ** r) ** b


def check_curve(a):
    docs = read_docs(a.docs)
    cluster_of = read_clusters(a.clusters)
    bins = collections.defaultdict(list)  # band -> [(predicted, caught)]
    for doc_id in docs:
        if not re.fullmatch(r"b\d+", doc_id):
            continue
        j = jaccard(shingles(docs[doc_id], a.ngram), shingles(docs[doc_id + "c"], a.ngram))
        caught = doc_id in cluster_of and cluster_of.get(doc_id + "c") == cluster_of[doc_id]
        bins[min(9, int(j * 10))].append((s_curve(j, a.bands, a.rows), caught))
    failed = False
    for band in sorted(bins):
        rows = bins[band]
        expected = sum(p for p, _ in rows) / len(rows)
        observed = sum(1 for _, c in rows if c) / len(rows)
        sd = math.sqrt(sum(p * (1 - p) for p, _ in rows)) / len(rows)
        ok = abs(observed - expected) <= 4 * sd + 1e-9
        failed |= not ok
        print(f"J {band / 10:.1f}-{(band + 1) / 10:.1f}: {len(rows)} pairs, caught {observed:.3f}, "
              f"S-curve {expected:.3f} +- {sd:.3f} {'ok' if ok else 'OUTSIDE'}")
    # Unrelated documents must not be clustered: a base with another base, for instance.
    members = collections.defaultdict(list)
    for doc, cluster in cluster_of.items():
        members[cluster].append(doc)
    for cluster, docs_in in members.items():
        groups = {re.sub(r"c$", "", d) if d.startswith("b") else d.split("-")[0] for d in docs_in}
        if len(groups) > 1:
            print(f"cluster {cluster} joins unrelated documents: {sorted(docs_in)[:6]}")
            failed = True
    sys.exit(1 if failed else 0)


def check_verify(a):
    docs = read_docs(a.docs)
    cluster_of = read_clusters(a.clusters)
    members = collections.defaultdict(list)
    for doc, cluster in cluster_of.items():
        members[cluster].append(doc)
    failed = False
    below = 0
    for cluster, ids in sorted(members.items()):
        sh = {d: shingles(docs[d], a.ngram) for d in ids}
        parent = {d: d for d in ids}

        def find(x):
            while parent[x] != x:
                x = parent[x]
            return x

        for x, y in itertools.combinations(ids, 2):
            if jaccard(sh[x], sh[y]) >= a.verify:
                parent[find(x)] = find(y)
            else:
                below += 1
        if len({find(d) for d in ids}) > 1:
            print(f"cluster {cluster} is not connected by pairs of similarity >= {a.verify}: {sorted(ids)}")
            failed = True
    print(f"{len(members)} clusters, every one connected by pairs >= {a.verify} "
          f"({below} pairs below it inside clusters, joined through others)" if not failed else "FAILED")
    sys.exit(1 if failed else 0)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("make-data")
    m.add_argument("out")
    m.add_argument("--vocab", required=True)
    m.add_argument("--bases", type=int, default=1500)
    m.add_argument("--chains", type=int, default=0)
    m.add_argument("--seed", type=int, default=1)
    for name in ("check-curve", "check-verify"):
        c = sub.add_parser(name)
        c.add_argument("docs")
        c.add_argument("clusters")
        c.add_argument("--ngram", type=int, default=5)
        if name == "check-curve":
            c.add_argument("--bands", type=int, required=True)
            c.add_argument("--rows", type=int, required=True)
        else:
            c.add_argument("--verify", type=float, required=True)
    a = ap.parse_args()
    {"make-data": make_data, "check-curve": check_curve, "check-verify": check_verify}[a.cmd](a)


if __name__ == "__main__":
    main()
