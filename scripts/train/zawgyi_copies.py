#!/usr/bin/python3
"""Burmese training pairs with their Burmese side in the Zawgyi encoding, as a corpus of its own.

Usage: zawgyi_copies.py PAIRS_DIR OUT_DIR [--lang mya]

For every PAIRS_DIR/<a>-<b>.tsv.zst with Burmese (mya) on one side, OUT_DIR/<a>-<b>.tsv.zst gets
the pairs whose Burmese side ICU's my-Zawgyi transliterator changes, with that side replaced by
its Zawgyi form (the other side as it was). Pass OUT_DIR to tokenizer.py and train.py as one more
--corpus DIR:WEIGHT.

Why: much Burmese text, on the web and in dev/ntrex's Burmese file, is written in Zawgyi, a font
encoding that puts different code points (and a different order) on the same letters. A model
that saw only Unicode Burmese does not recognise it: bitmill-static-v2 retrieves 6.06% of the
NTREX Burmese sentences as they are and 34.70% of the same sentences converted to Unicode. With
both forms of the same sentences in training, the model learns that they mean the same.

Needs uconv (Debian's icu-devtools), run once per file over all its Burmese lines.
Deterministic: the same input gives the same bytes (zstd single-threaded).
"""
import argparse
import os
import shutil
import subprocess
import sys


def die(msg):
    sys.exit(f"zawgyi_copies: error: {msg}")


def read_rows(path):
    raw = subprocess.run(["zstd", "-dcq", path], check=True, capture_output=True).stdout
    rows = []
    for n, line in enumerate(raw.decode("utf-8").split("\n"), 1):
        if not line:
            continue
        cols = line.split("\t")
        if len(cols) < 2:
            die(f"{path}:{n}: expected a<TAB>b")
        rows.append((cols[0], cols[1]))
    return rows


def to_zawgyi(lines):
    """Each line through ICU's my-Zawgyi transliterator (one uconv process for all of them)."""
    text = "".join(line.replace("\n", " ") + "\n" for line in lines)
    try:
        out = subprocess.run(["uconv", "-f", "utf-8", "-t", "utf-8", "-x", "my-Zawgyi"], input=text.encode(),
                             check=True, capture_output=True).stdout.decode("utf-8")
    except subprocess.CalledProcessError as e:
        die(f"uconv -x my-Zawgyi failed: {e.stderr.decode(errors='replace').strip()}")
    result = out.split("\n")[:-1]
    if len(result) != len(lines):
        die(f"uconv returned {len(result)} lines for {len(lines)}")
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("pairs")
    ap.add_argument("out")
    ap.add_argument("--lang", default="mya", help="the Burmese language code of the file names (default mya)")
    a = ap.parse_args()
    for tool, package in (("uconv", "icu-devtools"), ("zstd", "zstd")):
        if not shutil.which(tool):
            die(f"{tool} not found (Debian package {package})")
    names = sorted(n for n in os.listdir(a.pairs) if n.endswith(".tsv.zst") and a.lang in n[:-8].split("-"))
    if not names:
        die(f"{a.pairs}: no <a>-<b>.tsv.zst file with {a.lang}")
    os.makedirs(a.out, exist_ok=True)
    for name in names:
        side = name[:-8].split("-").index(a.lang)
        rows = read_rows(os.path.join(a.pairs, name))
        zaw = to_zawgyi([r[side] for r in rows])
        out = [(z, r[1]) if side == 0 else (r[0], z) for r, z in zip(rows, zaw) if z != r[side]]
        path = os.path.join(a.out, name)
        tmp = f"{path}.tmp.{os.getpid()}"
        data = "".join(f"{x}\t{y}\n" for x, y in out).encode()
        subprocess.run(["zstd", "-q", "-19", "-T1", "-f", "-o", tmp], input=data, check=True)
        os.replace(tmp, path)
        print(f"zawgyi_copies: {name}: {len(out)} of {len(rows)} pairs changed", file=sys.stderr)


if __name__ == "__main__":
    main()
