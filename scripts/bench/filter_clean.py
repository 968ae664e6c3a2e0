#!/usr/bin/python3
"""Clean-pair rejection per language: how much good data bitmill-filter's bitext rules throw away.

  filter_clean.py [--bin DIR] [--data DIR] [--n N] [--seed S] [--work DIR] [--examples K]
                  [--tsv OUT] [-- extra bitmill-filter options]

Sets (standard library only; the data is ../shared/data beside the checkout by default):
  train  every <x>-eng pair of DATA/train with at least 100 pairs (PAIRS.tsv): up to N pairs
         sampled with --seed (short Tatoeba sentences and news, human translations);
  ntrex  the 46 languages of DATA/dev/ntrex: line i of ntrex.<x>-eng.<x> with line i of
         ntrex.<x>-eng.eng (news, 1997 pairs each), the first N.
  close  the other way round, noise in a close language: sentences of a language offered as a
         close one (Dutch as Afrikaans, Finnish as Estonian, Czech as Slovene, Turkish as
         Azerbaijani, Danish as Swedish, Russian as Ukrainian), from the language's train pairs with
         English, at least 60 non-space characters long (lang-id.close-chars): the share rejected
         should be close to 100%.
Each set is filtered with `bitmill-filter --src-lang x --tgt-lang eng --all-reasons` (default rules
and language ID, plus the extra options), x on the left. Printed (Markdown, to stdout): per set and
language, the pairs, % rejected, the rules that fired (% of pairs, a pair counts for each rule it
fails), and the mean over the languages, then the mean without the sets whose data is shown not to be
clean (NOT_CLEAN: Slovak labelled Slovene, misaligned Somali; the reason is printed); then up to K
rejected examples per language. --tsv also
writes the table as TSV (set, lang, pairs, rejected, rules).
"""
import argparse
import collections
import io
import os
import random
import subprocess
import sys


def read_zst(path):
    out = subprocess.run(["zstd", "-dc", path], check=True, capture_output=True).stdout
    return out.decode("utf-8", errors="replace").splitlines()


def train_sets(data, n, seed):
    pairs_file = os.path.join(data, "train", "PAIRS.tsv")
    for line in open(pairs_file, encoding="utf-8"):
        name, count = line.rstrip("\n").split("\t")
        a, b = name.split("-")
        if "eng" not in (a, b) or a == b or int(count) < 100:
            continue
        x = b if a == "eng" else a
        rows = []
        for r in read_zst(os.path.join(data, "train", name + ".tsv.zst")):
            cols = r.split("\t")
            if len(cols) != 2:
                continue
            src, eng = (cols[1], cols[0]) if a == "eng" else (cols[0], cols[1])
            rows.append((src, eng))
        random.Random(f"{seed}-{x}").shuffle(rows)
        yield x, rows[:n]


def ntrex_sets(data, n):
    d = os.path.join(data, "dev", "ntrex")
    langs = sorted({f.split(".")[1].split("-")[0] for f in os.listdir(d) if f.startswith("ntrex.")})
    for x in langs:
        src = open(os.path.join(d, f"ntrex.{x}-eng.{x}"), encoding="utf-8").read().splitlines()
        eng = open(os.path.join(d, f"ntrex.{x}-eng.eng"), encoding="utf-8").read().splitlines()
        rows = [(s.replace("\t", " "), e.replace("\t", " ")) for s, e in zip(src, eng)]
        yield x, rows[:n]


# Sets whose pairs are not what they are labelled, with the evidence: rejecting them is the filter
# doing its job. They stay in the table and in the first mean; the second mean leaves them out.
NOT_CLEAN = {
    ("train", "slv"): "Slovak, not Slovene: Tatoeba's 'slv' pairs are written in Slovak (\"Nové známky budú "
                      "vydané budúci mesiac.\"); lid.176 says Slovak, rightly",
    ("train", "som"): "misaligned: in TICO-19's Somali-English pairs the Somali is often another sentence "
                      "(\"CDC ayaa kula talinaysa ... saabuun iyo biyo\" / \"Hand washing is recommended to "
                      "prevent the spread of the disease.\"); length-ratio and numbers catch them",
}

CLOSE = [("nld", "afr"), ("fin", "est"), ("ces", "slv"), ("tur", "aze"), ("dan", "swe"), ("rus", "ukr")]
CLOSE_MIN_CHARS = 60


def close_sets(data, n, seed):
    """(offered-as label, rows) for each CLOSE pair: the actual language's long sentences."""
    for actual, declared in CLOSE:
        a, b = sorted([actual, "eng"])
        rows = []
        for r in read_zst(os.path.join(data, "train", f"{a}-{b}.tsv.zst")):
            cols = r.split("\t")
            if len(cols) != 2:
                continue
            src, eng = (cols[0], cols[1]) if a == actual else (cols[1], cols[0])
            if sum(1 for ch in src if not ch.isspace()) >= CLOSE_MIN_CHARS:
                rows.append((src, eng))
        random.Random(f"{seed}-{actual}").shuffle(rows)
        yield f"{actual}-as-{declared}", declared, rows[:n]


def run_filter(binary, x, rows, work, extra):
    inp = os.path.join(work, f"{x}.tsv")
    with open(inp, "w", encoding="utf-8") as f:
        for s, e in rows:
            f.write(f"{s}\t{e}\n")
    rej = os.path.join(work, f"{x}.rejected.tsv")
    cmd = [binary, "-q", "--src-lang", x, "--tgt-lang", "eng", "--all-reasons", "--rejected", rej,
           "-o", os.devnull, *extra, inp]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        return None, p.stderr.strip().splitlines()[-1:]
    out = []
    for line in open(rej, encoding="utf-8"):
        cols = line.rstrip("\n").split("\t")
        out.append((cols[0], cols[1], cols[-1].split(",")))
    return out, []


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default=os.path.join(root, "build", "bin"))
    ap.add_argument("--data", default=os.path.join(os.path.dirname(root), "shared", "data"))
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", default="/tmp/bitmill-filter-clean")
    ap.add_argument("--examples", type=int, default=3)
    ap.add_argument("--sets", default="train,ntrex,close")
    ap.add_argument("--tsv")
    ap.add_argument("extra", nargs="*")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    binary = os.path.join(a.bin, "bitmill-filter")
    tsv = []
    examples = []
    for set_name in a.sets.split(","):
        if set_name == "close":
            print("\n### close: sentences of a language offered as a close one (>= 60 characters)\n")
            print("| offered | pairs | rejected % | rules (% of pairs) |")
            print("|---|--:|--:|---|")
            for label, declared, rows in close_sets(a.data, a.n, a.seed):
                rejected, err = run_filter(binary, declared, rows, a.work, a.extra)
                if rejected is None:
                    print(f"| {label} | {len(rows)} | error | {' '.join(err)} |")
                    continue
                rules = collections.Counter(r for _, _, rs in rejected for r in rs)
                fired = ", ".join(f"{r} {100.0 * c / len(rows):.1f}" for r, c in rules.most_common())
                print(f"| {label} | {len(rows)} | {100.0 * len(rejected) / max(1, len(rows)):.1f} | {fired} |")
                tsv.append((set_name, label, len(rows), len(rejected), ";".join(f"{r}={c}" for r, c in rules.most_common())))
            continue
        sets = train_sets(a.data, a.n, a.seed) if set_name == "train" else ntrex_sets(a.data, a.n)
        print(f"\n### {set_name}: clean pairs rejected per language\n")
        print("| lang | pairs | rejected % | rules (% of pairs) |")
        print("|---|--:|--:|---|")
        rates = []
        for x, rows in sets:
            rejected, err = run_filter(binary, x, rows, a.work, a.extra)
            if rejected is None:
                print(f"| {x} | {len(rows)} | error | {' '.join(err)} |")
                continue
            rules = collections.Counter(r for _, _, rs in rejected for r in rs)
            rate = 100.0 * len(rejected) / max(1, len(rows))
            rates.append((x, rate))
            fired = ", ".join(f"{r} {100.0 * c / len(rows):.1f}" for r, c in rules.most_common())
            print(f"| {x} | {len(rows)} | {rate:.1f} | {fired} |")
            tsv.append((set_name, x, len(rows), len(rejected), ";".join(f"{r}={c}" for r, c in rules.most_common())))
            for s, e, rs in rejected[: a.examples]:
                examples.append(f"- {set_name} {x} [{','.join(rs)}]: `{s[:100]}` / `{e[:100]}`")
            sys.stdout.flush()
        if rates:
            over3 = sum(1 for _, r in rates if r > 3)
            print(f"| **mean** ({len(rates)} languages) | | **{sum(r for _, r in rates) / len(rates):.2f}** | "
                  f"{over3} languages above 3% |")
            clean = [(x, r) for x, r in rates if (set_name, x) not in NOT_CLEAN]
            if len(clean) < len(rates):
                over3 = sum(1 for _, r in clean if r > 3)
                left = ", ".join(x for x, _ in rates if (set_name, x) in NOT_CLEAN)
                print(f"| **mean, clean data** ({len(clean)} languages: not {left}) | | "
                      f"**{sum(r for _, r in clean) / len(clean):.2f}** | {over3} languages above 3% |")
                for x, _ in rates:
                    if (set_name, x) in NOT_CLEAN:
                        print(f"\n- {x}: {NOT_CLEAN[(set_name, x)]}")
    if a.examples:
        print("\n### Examples of rejected clean pairs\n")
        print("\n".join(examples))
    if a.tsv:
        with open(a.tsv, "w", encoding="utf-8") as f:
            f.write("set\tlang\tpairs\trejected\trules\n")
            for row in tsv:
                f.write("\t".join(str(c) for c in row) + "\n")


if __name__ == "__main__":
    main()
