#!/usr/bin/python3
"""Helpers for scripts/bench/align.sh (standard library only).

  align_util.py make PAIR.tsv[.zst] OUTDIR [--docs N] [--min-len 20] [--max-len 200] [--seed S]
                [--long N]
      builds an alignment test set from ordered parallel text (a TSV of sentence pairs in
      document order, as the WMT news test sets are): runs of consecutive news-like pairs (both
      sides at least 6 words) cut into documents of --min-len to --max-len sentences, and realistic
      damage applied to the target side with the gold beads kept: 5% of source sentences deleted
      (1-0), 5% of target sentences merged with the next (2-1), 5% split in two at a comma or in
      the middle (1-2), 2% foreign sentences inserted (0-1). Writes OUTDIR/src.txt and
      OUTDIR/tgt.txt (documents separated by empty lines), OUTDIR/gold.tsv (doc, src_lines,
      tgt_lines: 0-based line numbers, comma-separated) and prints one JSON line of counts.
      --long N: one document of N consecutive pairs instead (the damage is the same).
  align_util.py pairs PAIR.tsv[.zst] OUTDIR [--docs 1000] [--shared 0.8] [--seed S]
      a document-pairing test: documents of 5 to 30 consecutive news pairs; --docs per side, of
      which the --shared fraction have their translation on the other side (target documents
      shuffled) and the rest have none (drawn from other documents). Writes OUTDIR/src.txt,
      OUTDIR/tgt.txt and OUTDIR/gold_pairs.tsv (src_doc, tgt_doc).
  align_util.py pair-score GOLD_PAIRS.tsv FOUND.tsv
      precision and recall of the found document pairs (first two columns); one JSON line.
  align_util.py score GOLD.tsv TEST.tsv
      strict and lax precision, recall and F1 of TEST's beads (the first three columns of
      bitmill-align's output) against GOLD, as Sennrich & Volk (2011) and vecalign's score.py
      define them (recall over the beads with both sides non-empty); prints one JSON line.
"""
import io
import json
import random
import subprocess
import sys


def read_pairs(path):
    if path.endswith(".zst"):
        data = subprocess.run(["zstd", "-dc", path], check=True, capture_output=True).stdout.decode("utf-8")
    else:
        data = open(path, encoding="utf-8").read()
    out = []
    for line in io.StringIO(data):
        f = line.rstrip("\n").split("\t")
        if len(f) >= 2:
            out.append((f[0].strip(), f[1].strip()))
    return out


def runs(pairs, min_len):
    """Maximal runs of consecutive news-like pairs, at least min_len long."""
    cur, out = [], []
    for p in pairs:
        if len(p[0].split()) >= 6 and len(p[1].split()) >= 6 and p[0] and p[1]:
            cur.append(p)
            continue
        if len(cur) >= min_len:
            out.append(cur)
        cur = []
    if len(cur) >= min_len:
        out.append(cur)
    return out


def split_sentence(t):
    words = t.split()
    for i in range(len(words) // 3, 2 * len(words) // 3 + 1):
        if words[i - 1].endswith(","):
            return " ".join(words[:i]), " ".join(words[i:])
    mid = len(words) // 2
    return " ".join(words[:mid]), " ".join(words[mid:])


def damage(doc, foreign, rng):
    """Source sentences, target sentences and gold beads (indices within the document)."""
    src = [p[0] for p in doc]
    tgt, beads, i = [], [], 0
    while i < len(doc):
        r = rng.random()
        if r < 0.02:
            tgt.append(rng.choice(foreign))
            beads.append(([], [len(tgt) - 1]))
            continue
        if r < 0.07:
            beads.append(([i], []))
            i += 1
        elif r < 0.12 and i + 1 < len(doc):
            tgt.append(doc[i][1] + " " + doc[i + 1][1])
            beads.append(([i, i + 1], [len(tgt) - 1]))
            i += 2
        elif r < 0.17 and len(doc[i][1].split()) >= 8:
            a, b = split_sentence(doc[i][1])
            tgt += [a, b]
            beads.append(([i], [len(tgt) - 2, len(tgt) - 1]))
            i += 1
        else:
            tgt.append(doc[i][1])
            beads.append(([i], [len(tgt) - 1]))
            i += 1
    return src, tgt, beads


def cmd_make(argv):
    import argparse
    ap = argparse.ArgumentParser(prog="align_util.py make")
    ap.add_argument("pairs")
    ap.add_argument("out")
    ap.add_argument("--docs", type=int, default=40)
    ap.add_argument("--min-len", type=int, default=20)
    ap.add_argument("--max-len", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--long", type=int, default=0)
    a = ap.parse_args(argv)
    rng = random.Random(a.seed)
    pairs = read_pairs(a.pairs)
    foreign = [p[1] for p in pairs[: len(pairs) // 10]]
    docs = []
    if a.long:
        news = [p for r in runs(pairs, 2) for p in r]
        docs.append(news[: a.long])
    else:
        for r in runs(pairs, a.min_len):
            k = 0
            while len(r) - k >= a.min_len and len(docs) < a.docs:
                n = min(len(r) - k, rng.randint(a.min_len, a.max_len))
                docs.append(r[k:k + n])
                k += n
    src_lines, tgt_lines, gold = [], [], []
    for d, doc in enumerate(docs):
        src, tgt, beads = damage(doc, foreign, rng)
        s0, t0 = len(src_lines), len(tgt_lines)
        src_lines += src + [""]
        tgt_lines += tgt + [""]
        for bs, bt in beads:
            gold.append(f"{d}\t{','.join(str(s0 + i) for i in bs)}\t{','.join(str(t0 + j) for j in bt)}")
    for name, lines in (("src.txt", src_lines), ("tgt.txt", tgt_lines)):
        with open(f"{a.out}/{name}", "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
    with open(f"{a.out}/gold.tsv", "w") as f:
        f.write("\n".join(gold) + "\n")
    shapes = {}
    for g in gold:
        _, s, t = g.split("\t")
        k = f"{len(s.split(',')) if s else 0}-{len(t.split(',')) if t else 0}"
        shapes[k] = shapes.get(k, 0) + 1
    print(json.dumps({"documents": len(docs), "src_sentences": sum(len(d) for d in docs),
                      "tgt_sentences": sum(1 for x in tgt_lines if x), "gold_beads": shapes}))


def cmd_pairs(argv):
    import argparse
    ap = argparse.ArgumentParser(prog="align_util.py pairs")
    ap.add_argument("pairs")
    ap.add_argument("out")
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--shared", type=float, default=0.8)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args(argv)
    rng = random.Random(a.seed)
    docs = []
    for r in runs(read_pairs(a.pairs), 5):
        k = 0
        while len(r) - k >= 5:
            n = min(len(r) - k, rng.randint(5, 30))
            docs.append(r[k:k + n])
            k += n
    shared = int(a.docs * a.shared)
    need = shared + 2 * (a.docs - shared)
    if len(docs) < need:
        sys.exit(f"only {len(docs)} documents in {a.pairs}, {need} needed")
    rng.shuffle(docs)
    both, src_only, tgt_only = docs[:shared], docs[shared:a.docs], docs[a.docs:need]
    src_docs = [[p[0] for p in d] for d in both + src_only]
    tgt_all = [([p[1] for p in d], i) for i, d in enumerate(both)] + [([p[1] for p in d], None) for d in tgt_only]
    rng.shuffle(tgt_all)
    gold = sorted((i, j) for j, (_, i) in enumerate(tgt_all) if i is not None)
    for name, ds in (("src.txt", src_docs), ("tgt.txt", [t for t, _ in tgt_all])):
        with open(f"{a.out}/{name}", "w", encoding="utf-8") as f:
            f.write("".join("\n".join(d) + "\n\n" for d in ds))
    with open(f"{a.out}/gold_pairs.tsv", "w") as f:
        f.write("".join(f"{i}\t{j}\n" for i, j in gold))
    print(json.dumps({"src_docs": len(src_docs), "tgt_docs": len(tgt_all), "gold_pairs": len(gold)}))


def cmd_pair_score(argv):
    gold = {tuple(l.rstrip("\n").split("\t")[:2]) for l in open(argv[0]) if l.strip()}
    found = [tuple(l.rstrip("\n").split("\t")[:2]) for l in open(argv[1]) if l.strip()]
    tp = sum(p in gold for p in found)
    print(json.dumps({"found": len(found), "gold": len(gold), "precision": round(tp / len(found), 4) if found else 0.0,
                      "recall": round(tp / len(gold), 4) if gold else 0.0}))


def read_beads(path):
    out = []
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        if len(f) < 3:
            continue
        s = tuple(int(x) for x in f[1].split(",") if x)
        t = tuple(int(x) for x in f[2].split(",") if x)
        if s or t:
            out.append((s, t))
    return out


def counts(gold, test):
    g = set(gold)
    links = {}
    for s, t in g:
        for i in s:
            links.setdefault(i, set()).update(t)
    tp_s = fp_s = tp_l = fp_l = 0
    for s, t in set(test):
        if (s, t) in g:
            tp_s += 1
            tp_l += 1
            continue
        fp_s += 1
        near = set().union(*(links.get(i, set()) for i in s)) if s else set()
        if near & set(t):
            tp_l += 1
        else:
            fp_l += 1
    return tp_s, fp_s, tp_l, fp_l


def f1(p, r):
    return 2 * p * r / (p + r) if p + r > 0 else 0.0


def cmd_score(argv):
    gold, test = read_beads(argv[0]), read_beads(argv[1])
    tp_s, fp_s, tp_l, fp_l = counts(gold, test)
    nonempty = lambda beads: [b for b in beads if b[0] and b[1]]  # noqa: E731
    rtp_s, rfp_s, rtp_l, rfp_l = counts(nonempty(test), nonempty(gold))
    ratio = lambda tp, fp: tp / (tp + fp) if tp + fp else 0.0  # noqa: E731
    p_s, p_l, r_s, r_l = ratio(tp_s, fp_s), ratio(tp_l, fp_l), ratio(rtp_s, rfp_s), ratio(rtp_l, rfp_l)
    print(json.dumps({"strict": {"p": round(p_s, 4), "r": round(r_s, 4), "f1": round(f1(p_s, r_s), 4)},
                      "lax": {"p": round(p_l, 4), "r": round(r_l, 4), "f1": round(f1(p_l, r_l), 4)}}))


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        sys.exit(0)
    {"make": cmd_make, "score": cmd_score, "pairs": cmd_pairs, "pair-score": cmd_pair_score}[sys.argv[1]](sys.argv[2:])
