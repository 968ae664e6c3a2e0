#!/usr/bin/python3
"""Per-language length factors for bitmill-filter's length-ratio rule, from parallel pairs.

  length_factors.py [--data DIR] [--min-pairs N] [--out lib/src/filter/length_factor_table.cc]

A language's factor is how many non-space characters (code points that are not White_Space, the
measure the rule uses: CharCounts.chars - CharCounts.spaces) it takes to say what English says in
one: the median over its pairs with English of len(x) / len(eng), taken as exp(median(log ratio))
so that a few misaligned pairs do not move it. Pairs where either side has fewer than 10 such
characters are left out (a ratio of two tiny numbers says little). A language without pairs with
English gets its factor through the language it shares the most pairs with, if that one has a
factor: f(x) = f(y) * median(len(x) / len(y)). Languages with fewer than --min-pairs usable pairs
(default 30) get no factor; the rule then falls back to its script-based weight.

Data: DIR/train/<a>-<b>.tsv.zst (default ../shared/data/train beside the checkout; its README
gives the sources: Tatoeba, WMT news, TICO-19, Multi30k, FLORES-101 devtest, ...). The output is a
C++ source file, generated: do not edit it, rerun this script. Printed on stderr: every factor
with its pair count and the spread of the ratios (5th and 95th percentile of ratio / factor).
"""
import argparse
import math
import os
import statistics
import subprocess
import sys

WHITE_SPACE = set("\t\n\x0b\x0c\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000") | {chr(c) for c in range(0x2000, 0x200B)}
MIN_CHARS = 10


def length(s):
    return sum(1 for ch in s if ch not in WHITE_SPACE)


def read_pairs(path):
    out = subprocess.run(["zstd", "-dc", path], check=True, capture_output=True).stdout
    for line in out.decode("utf-8", errors="replace").splitlines():
        cols = line.split("\t")
        if len(cols) == 2:
            yield cols[0], cols[1]


def log_ratios(path, x_first):
    r = []
    for a, b in read_pairs(path):
        la, lb = length(a), length(b)
        if la < MIN_CHARS or lb < MIN_CHARS:
            continue
        r.append(math.log(la / lb) if x_first else math.log(lb / la))
    return r


def percentile(sorted_values, q):
    i = min(len(sorted_values) - 1, max(0, int(round(q * (len(sorted_values) - 1)))))
    return sorted_values[i]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=os.path.join(os.path.dirname(root), "shared", "data"))
    ap.add_argument("--min-pairs", type=int, default=30)
    ap.add_argument("--out", default=os.path.join(root, "lib", "src", "filter", "length_factor_table.cc"))
    a = ap.parse_args()
    train = os.path.join(a.data, "train")
    pairs = []  # (a, b, count)
    for line in open(os.path.join(train, "PAIRS.tsv"), encoding="utf-8"):
        name, count = line.rstrip("\n").split("\t")
        x, y = name.split("-")
        pairs.append((x, y, int(count)))

    factors = {"eng": (1.0, 0, 1.0, 1.0, "eng")}  # lang -> (factor, pairs, p5, p95, via)
    for x, y, _ in pairs:
        if "eng" not in (x, y) or x == y:
            continue
        lang = y if x == "eng" else x
        r = log_ratios(os.path.join(train, f"{x}-{y}.tsv.zst"), x_first=(x == lang))
        if len(r) < a.min_pairs:
            continue
        med = statistics.median(r)
        spread = sorted(v - med for v in r)
        factors[lang] = (math.exp(med), len(r), math.exp(percentile(spread, 0.05)), math.exp(percentile(spread, 0.95)),
                         "eng")
    # Through a pivot: each remaining language by its largest pair with a language that has a factor.
    langs = {l for x, y, _ in pairs for l in (x, y)}
    for lang in sorted(langs - set(factors)):
        best = None
        for x, y, count in pairs:
            if lang not in (x, y) or x == y:
                continue
            other = y if x == lang else x
            if other in factors and factors[other][4] == "eng" and (best is None or count > best[2]):
                best = (x, y, count, other)
        if best is None:
            continue
        x, y, _, other = best
        r = log_ratios(os.path.join(train, f"{x}-{y}.tsv.zst"), x_first=(x == lang))
        if len(r) < a.min_pairs:
            continue
        med = statistics.median(r)
        spread = sorted(v - med for v in r)
        factors[lang] = (factors[other][0] * math.exp(med), len(r), math.exp(percentile(spread, 0.05)),
                         math.exp(percentile(spread, 0.95)), other)

    for lang in sorted(factors):
        f, n, p5, p95, via = factors[lang]
        print(f"{lang}\t{f:.3f}\t{n}\t{p5:.2f}\t{p95:.2f}\tvia {via}", file=sys.stderr)

    rows = "\n".join(f'    {{"{lang}", {factors[lang][0]:.3f}, {factors[lang][1]}}},' for lang in sorted(factors))
    with open(a.out, "w", encoding="utf-8") as f:
        f.write(f"""// Generated by scripts/filter/length_factors.py from parallel pairs: do not edit, rerun it.
// The method and the data are in the script's header; length_factors.h gives the contract.
#include "filter/length_factors.h"

namespace bitmill::filter {{

// ISO 639-3 code, factor (non-space characters per English one), pairs it was measured on (0 for
// English itself). Sorted by code.
const LengthFactor kLengthFactors[] = {{
{rows}
}};
const size_t kLengthFactorCount = sizeof kLengthFactors / sizeof kLengthFactors[0];

}}  // namespace bitmill::filter
""")
    print(f"length_factors.py: {len(factors)} languages -> {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
