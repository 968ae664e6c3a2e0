#!/usr/bin/python3
"""How often fastText's lid.176 misses each language on short text, for bitmill-filter's lang-id rule.

  lid_reliability.py [--data DIR] [--model lid.176.ftz] [--fasttext BIN] [--max-sentences N]
                     [--out lib/src/filter/lid_reliability_table.cc]

The lang-id rule rejects a side when another language is identified with a confidence that
depends on the side's length (0.8 at 15 non-space characters or fewer down to 0.5 at 40). On
short text in a language lid.176 knows well (English, German, Spanish...) that is needlessly
lenient: a confident guess of another language is then almost always right. So the rule has
lower thresholds (confident-short-reliable 0.6, confident-reliable 0.4) for the languages whose
miss rate, measured here, is at most lang-id.reliable-miss (0.005).

A language's miss rate: among its short sentences (at most 60 non-space characters, where the
thresholds matter; NFC, as the rule composes accents first), the share that the rule would reject
with the lower thresholds: the declared language (or one same_language() groups with it) below
0.05 among the top 3 guesses, and another language (close ones included: sentences this short
are under the rule's close-chars) at or above the lower threshold for the sentence's length.
Sentences: the language's side of every DIR/train/<a>-<b>.tsv.zst file it is in, deduplicated, in
file order, at most --max-sentences (default 5000). The guesses come from fastText's own
command-line tool (Debian package fasttext: `fasttext predict-prob MODEL - 3`), the same answers
as bitmill's predictor (fasttext_predictor_test.cc checks them against libfasttext).

Language codes, groups of one language (kSameGroups) and aliases are read from
lib/src/filter/language.cc so that the measure decides as the rule does. Languages with fewer
than 200 short sentences, or that lid.176 has no label for, get no row (the rule then keeps the
default thresholds). The output is a C++ source file, generated: do not edit it, rerun this
script. Printed on stderr: every language's rate, count and its most frequent wrong guesses.
"""
import argparse
import collections
import os
import re
import subprocess
import sys
import unicodedata

SHORT_CHARS = 60
MIN_SENTENCES = 200
MIN_PROB = 0.05
# The lower thresholds, as lang-id.confident-short-reliable and lang-id.confident-reliable, over
# lang-id.short-chars .. lang-id.long-chars (15 .. 40).
RELIABLE_SHORT, RELIABLE_LONG, SHORT, LONG = 0.6, 0.4, 15, 40
WHITE_SPACE = set("\t\n\x0b\x0c\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000") | {chr(c) for c in range(0x2000, 0x200B)}

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def needed(chars):
    if chars <= SHORT:
        return RELIABLE_SHORT
    if chars >= LONG:
        return RELIABLE_LONG
    return RELIABLE_SHORT + (chars - SHORT) / (LONG - SHORT) * (RELIABLE_LONG - RELIABLE_SHORT)


class Languages:
    """The language table of lib/src/filter/language.cc: codes, aliases, kSameGroups."""

    def __init__(self, path):
        src = open(path, encoding="utf-8").read()
        table = src[src.index("kTable = {"):src.index("};", src.index("kTable = {"))]
        self.iso3 = {}
        for iso3, iso1 in re.findall(r'\{"(\w+)", "(\w*)", "[^"]*", "[^"]*"\}', table):
            self.iso3[iso3] = iso3
            if iso1:
                self.iso3.setdefault(iso1, iso3)
        aliases = src[src.index("kAliases"):src.index("};", src.index("kAliases"))]
        for code, target in re.findall(r'\{"(\w+)", "(\w+)"\}', aliases):
            if target in self.iso3:
                self.iso3.setdefault(code, self.iso3[target])
        same = src[src.index("kSameGroups"):src.index("};", src.index("kSameGroups"))]
        self.group = {}
        for i, line in enumerate(re.findall(r"\{([^{}]*)\}", same)):
            for code in re.findall(r'"(\w+)"', line):
                self.group[code] = i

    def resolve(self, code):
        return self.iso3.get(code.lower())

    def same(self, a, b):
        return a == b or (a in self.group and self.group.get(b) == self.group[a])


def chars(s):
    return sum(1 for ch in s if ch not in WHITE_SPACE)


def sentences_by_language(data, langs, max_sentences):
    train = os.path.join(data, "train")
    out = collections.defaultdict(dict)  # iso3 -> {sentence: None}, insertion-ordered
    for name in sorted(os.listdir(train)):
        m = re.fullmatch(r"([a-z]+)-([a-z]+)\.tsv\.zst", name)
        if not m:
            continue
        codes = [langs.resolve(m.group(1)), langs.resolve(m.group(2))]
        raw = subprocess.run(["zstd", "-dc", os.path.join(train, name)], check=True, capture_output=True).stdout
        for line in raw.decode("utf-8", errors="replace").splitlines():
            cols = line.split("\t")
            if len(cols) != 2:
                continue
            for code, text in zip(codes, cols):
                if code is None or len(out[code]) >= max_sentences:
                    continue
                text = unicodedata.normalize("NFC", text.strip())
                if 0 < chars(text) <= SHORT_CHARS:
                    out[code][text] = None
    return out


def predict(fasttext, model, texts):
    data = "".join(t.replace("\n", " ") + "\n" for t in texts).encode("utf-8")
    out = subprocess.run([fasttext, "predict-prob", model, "-", "3"], input=data, check=True, capture_output=True).stdout
    rows = []
    for line in out.decode("utf-8").splitlines():
        f = line.split()
        rows.append([(f[i].removeprefix("__label__"), float(f[i + 1])) for i in range(0, len(f) - 1, 2)])
    if len(rows) != len(texts):
        sys.exit(f"lid_reliability.py: {len(texts)} sentences in, {len(rows)} predictions out")
    return rows


def model_labels(fasttext, model):
    out = subprocess.run([fasttext, "predict", model, "-", "200"], input=b"x\n", check=True, capture_output=True).stdout
    return {label.removeprefix("__label__") for label in out.decode().split()}


def miss_rate(lang, texts, guesses, langs):
    misses, wrong = 0, collections.Counter()
    for text, row in zip(texts, guesses):
        declared, other, other_label = 0.0, 0.0, ""
        for label, p in row:
            code = langs.resolve(label)
            if code is not None and langs.same(lang, code):
                declared += p
            elif p > other:
                other, other_label = p, label
        if declared < MIN_PROB and other >= needed(chars(text)):
            misses += 1
            wrong[other_label] += 1
    return misses / len(texts), wrong


def write_table(path, rows, args):
    lines = [
        "// Generated by scripts/filter/lid_reliability.py: do not edit, rerun the script.",
        "// How often lid.176 misses each language on short text: the share of its sentences of at most",
        f"// {SHORT_CHARS} non-space characters (from the project's training pairs, at most {args.max_sentences} per",
        "// language) that the lang-id rule would reject with its lower thresholds",
        f"// (confident-short-reliable {RELIABLE_SHORT}, confident-reliable {RELIABLE_LONG}); see the script for the method.",
        '#include "filter/lid_reliability.h"',
        "",
        "namespace bitmill::filter::detail {",
        "",
        "// ISO 639-3, miss rate, sentences measured; sorted by code.",
        "// clang-format off",
        "const LidMissRate kLidMissRates[] = {",
    ]
    for lang, rate, n in rows:
        lines.append(f'    {{"{lang}", {rate:.4f}, {n}}},')
    lines += ["};", "// clang-format on", "", "const size_t kLidMissRateCount = sizeof(kLidMissRates) / sizeof(kLidMissRates[0]);", "",
              "}  // namespace bitmill::filter::detail", ""]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=os.path.join(os.path.dirname(ROOT), "shared", "data"))
    ap.add_argument("--model", default=os.path.join(ROOT, "build", "share", "bitmill", "lid.176.ftz"))
    ap.add_argument("--fasttext", default="fasttext")
    ap.add_argument("--max-sentences", type=int, default=5000)
    ap.add_argument("--out", default=os.path.join(ROOT, "lib", "src", "filter", "lid_reliability_table.cc"))
    args = ap.parse_args()
    langs = Languages(os.path.join(ROOT, "lib", "src", "filter", "language.cc"))
    known = {langs.resolve(label) for label in model_labels(args.fasttext, args.model)} - {None}
    by_lang = sentences_by_language(args.data, langs, args.max_sentences)
    rows = []
    for lang in sorted(by_lang):
        texts = list(by_lang[lang])
        if lang not in known or len(texts) < MIN_SENTENCES:
            continue
        rate, wrong = miss_rate(lang, texts, predict(args.fasttext, args.model, texts), langs)
        rows.append((lang, rate, len(texts)))
        top = ", ".join(f"{label} {n}" for label, n in wrong.most_common(3))
        print(f"{lang}\t{100 * rate:.2f}%\t{len(texts)}\t{top}", file=sys.stderr)
    write_table(args.out, rows, args)
    print(f"lid_reliability.py: {len(rows)} languages -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
