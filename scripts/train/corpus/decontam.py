#!/usr/bin/python3
"""Remove every pair that shares a sentence with the dev sets (decontamination).

    decontam.py --dev DEV_DIR --in IN_DIR --out OUT_DIR --stats STATS.json

The dev sentences are every line of DEV_DIR/tatoeba/*, DEV_DIR/ntrex/* (when present) and of
DEV_DIR/mine/*/src.txt and eng.txt,
normalised: lowercased (str.lower) and white space collapsed to single spaces, stripped. A pair of
IN_DIR/<a>-<b>.tsv (files named _* are not pairs) is removed when any of its columns, normalised the same way, is one of them.
Kept rows go to OUT_DIR/<a>-<b>.tsv in their order, removed rows to OUT_DIR/removed/<a>-<b>.tsv;
STATS.json has, per file, rows in, removed and kept, and the number of dev sentences used.
The dev files are only read to build this set: nothing from them is written.
"""
import argparse
import glob
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

PROG = "decontam"


def norm(s):
    return " ".join(s.lower().split())


def dev_set(dev):
    files = sorted(glob.glob(os.path.join(dev, "tatoeba", "*")))
    files += sorted(glob.glob(os.path.join(dev, "ntrex", "ntrex.*")))
    files += sorted(glob.glob(os.path.join(dev, "mine", "*", "src.txt")))
    files += sorted(glob.glob(os.path.join(dev, "mine", "*", "eng.txt")))
    files = [f for f in files if os.path.isfile(f)]
    if not files:
        raise SystemExit(f"{PROG}: no dev files under {dev} (tatoeba/*, mine/*/src.txt, mine/*/eng.txt)")
    out = set()
    for f in files:
        with open(f, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                n = norm(line)
                if n:
                    out.add(n)
    return out, files


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dev", required=True)
    ap.add_argument("--in", dest="inp", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--stats", required=True)
    args = ap.parse_args()
    dev, files = dev_set(args.dev)
    os.makedirs(os.path.join(args.out, "removed"), exist_ok=True)
    stats = {"dev_files": len(files), "dev_sentences": len(dev), "files": {}}
    total_in = total_removed = 0
    for name in sorted(os.listdir(args.inp)):
        if not name.endswith(".tsv") or name.startswith("_"):
            continue
        n_in = n_rm = 0
        with open(os.path.join(args.inp, name), encoding="utf-8", errors="surrogateescape", newline="\n") as fin, \
                open(os.path.join(args.out, name), "w", encoding="utf-8", errors="surrogateescape", newline="\n") as fout, \
                open(os.path.join(args.out, "removed", name), "w", encoding="utf-8", errors="surrogateescape",
                     newline="\n") as frm:
            for line in fin:
                n_in += 1
                body = line.rstrip("\n")
                if any(norm(col) in dev for col in body.split("\t")):
                    n_rm += 1
                    frm.write(body + "\n")
                else:
                    fout.write(body + "\n")
        stats["files"][name[:-4]] = {"in": n_in, "removed": n_rm, "out": n_in - n_rm}
        total_in += n_in
        total_removed += n_rm
    stats["in"], stats["removed"] = total_in, total_removed
    common.write_json(args.stats, stats)
    common.log(PROG, f"{args.inp}: {total_in} pairs, {total_removed} share a sentence with the dev sets")


if __name__ == "__main__":
    main()
