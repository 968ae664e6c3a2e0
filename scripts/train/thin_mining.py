#!/usr/bin/python3
"""Make a sparser BUCC-style mining task by leaving out most of a task's translations.

Usage: thin_mining.py TASK OUTDIR [--keep 0.10] [--seed S]

TASK holds src.txt, eng.txt and gold.tsv (0-based src_line<TAB>eng_line), the layout of dev/mine.
A keyed hash of each gold pair keeps a share KEEP of them; the source line and the English line
of every other gold pair are left out, and every line that belongs to no gold pair (the
distractors) is kept, in its order. OUTDIR gets src.txt, eng.txt and gold.tsv with the line
numbers of the kept lines (gold.tsv lists every gold pair whose two lines were both kept).

Why: dev/mine has a translation for half of its source sentences, the planted NTREX tasks for
about 55%; mining web text, far fewer sentences have one. The best threshold depends on that
share (fewer translations, more false pairs to cut), so the tasks made here show how a model's
default threshold fares on sparser text (scripts/train/evaluate.sh's mine-sparse set).

Only the standard library: hashlib keys make the choice the same on every machine and Python
version (as scripts/train/plant_mining.py).
"""
import argparse
import hashlib
import os
import sys

from plant_mining import write_atomic  # beside this script


def die(msg):
    sys.exit(f"thin_mining: error: {msg}")


def read_lines(path):
    try:
        with open(path, encoding="utf-8", newline="\n") as f:
            return [line.rstrip("\n") for line in f]
    except (OSError, UnicodeDecodeError) as e:
        die(f"{path}: {e}")


def read_gold(path, n_src, n_eng):
    gold = []
    for n, line in enumerate(read_lines(path), 1):
        cols = line.split("\t")
        try:
            s, e = int(cols[0]), int(cols[1])
        except (IndexError, ValueError):
            die(f"{path}:{n}: expected src_line<TAB>eng_line (0-based numbers)")
        if not (0 <= s < n_src and 0 <= e < n_eng):
            die(f"{path}:{n}: line number out of range ({n_src} source, {n_eng} English lines)")
        gold.append((s, e))
    if not gold:
        die(f"{path}: no gold pairs")
    return gold


def kept(seed, pair, share):
    """Whether the keyed hash of a gold pair falls in the kept share."""
    h = hashlib.sha256(f"{seed}:{pair[0]}:{pair[1]}".encode()).digest()
    return int.from_bytes(h[:8], "big") < share * 2**64


def thin(n_src, n_eng, gold, share, seed):
    """The kept source and English line numbers (old numbers)."""
    keep = [p for p in gold if kept(seed, p, share)]
    drop_src = {s for s, _ in gold} - {s for s, _ in keep}
    drop_eng = {e for _, e in gold} - {e for _, e in keep}
    src_kept = [i for i in range(n_src) if i not in drop_src]
    eng_kept = [i for i in range(n_eng) if i not in drop_eng]
    return src_kept, eng_kept


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("task")
    ap.add_argument("out")
    ap.add_argument("--keep", type=float, default=0.10, help="share of the gold pairs kept (default 0.10)")
    ap.add_argument("--seed", default="bitmill-thin-1")
    a = ap.parse_args()
    if not 0 < a.keep <= 1:
        die(f"--keep must be in (0, 1], not {a.keep}")
    src = read_lines(os.path.join(a.task, "src.txt"))
    eng = read_lines(os.path.join(a.task, "eng.txt"))
    gold = read_gold(os.path.join(a.task, "gold.tsv"), len(src), len(eng))
    src_kept, eng_kept = thin(len(src), len(eng), gold, a.keep, a.seed)
    new_src = {old: new for new, old in enumerate(src_kept)}
    new_eng = {old: new for new, old in enumerate(eng_kept)}
    new_gold = sorted((new_src[s], new_eng[e]) for s, e in gold if s in new_src and e in new_eng)
    if not new_gold:
        die(f"{a.task}: --keep {a.keep} keeps no gold pair of {len(gold)}")
    os.makedirs(a.out, exist_ok=True)
    write_atomic(os.path.join(a.out, "src.txt"), (src[i] for i in src_kept))
    write_atomic(os.path.join(a.out, "eng.txt"), (eng[i] for i in eng_kept))
    write_atomic(os.path.join(a.out, "gold.tsv"), (f"{s}\t{e}" for s, e in new_gold))
    print(f"thin_mining: {a.out}: {len(new_gold)} of {len(gold)} gold pairs among {len(src_kept)} source "
          f"and {len(eng_kept)} English lines", file=sys.stderr)


if __name__ == "__main__":
    main()
