"""Shared helpers of the corpus extractors (scripts/train/corpus/*.py; see build_corpus.sh).

- Languages: locale and package codes ("de", "pt_BR", "sr@latin", "zh-CN", "ast") to ISO 639-3,
  through the iso-codes package's iso_639-3.json (its path is passed in: the build downloads it).
- Text: one line per side (tabs, newlines and runs of white space become one space).
- PairWriter: rows of one source, one plain TSV file per language pair OUT/<a>-<b>.tsv with the
  languages in alphabetical order (the column order of the training files), rows in the order
  they were added, so the same input gives the same bytes.
- Sentence splitting that is applied to both sides of an aligned unit: the sides are paired
  sentence by sentence only when they split into the same number of sentences.

Standard library only; Debian's /usr/bin/python3.
"""
import argparse
import json
import os
import re
import sys

# Locale codes that are not (or not only) ISO 639-1/639-3 codes.
_SPECIAL = {
    "no": "nor", "nb": "nob", "nn": "nno",
    "sh": "hbs",
    "mo": "ron",
    "iw": "heb", "in": "ind", "ji": "yid",
    "tl": "tgl",
}


class LangMap:
    """Maps locale / package language codes to ISO 639-3; None for English, pseudo-locales and unknown codes."""

    def __init__(self, iso639_3_json):
        with open(iso639_3_json, encoding="utf-8") as f:
            data = json.load(f)["639-3"]
        self.alpha3 = {d["alpha_3"] for d in data}
        self.alpha2 = {d["alpha_2"]: d["alpha_3"] for d in data if "alpha_2" in d}
        self.bib = {d["bibliographic"]: d["alpha_3"] for d in data if "bibliographic" in d}

    def base(self, code):
        """The language part of a locale code: 'pt_BR.UTF-8@x' -> 'pt'; lowercase."""
        return re.split(r"[-_@.]", code, maxsplit=1)[0].lower()

    def to639_3(self, code):
        b = self.base(code)
        if not b or b == "en" or b == "eng":
            return None
        if b in _SPECIAL:
            return _SPECIAL[b]
        if len(b) == 2:
            return self.alpha2.get(b)
        if len(b) == 3:
            if b in self.alpha3:
                return b
            return self.bib.get(b)
        return None


_WS = re.compile(r"\s+")


def one_line(s):
    """Collapse every run of white space (tabs and line breaks included) to one space; strip."""
    return _WS.sub(" ", s).strip()


def pair_name(l1, l2):
    """('eng', 'deu') -> ('deu-eng', swapped=True): the file name and whether the sides swap."""
    return (f"{l1}-{l2}", False) if l1 < l2 else (f"{l2}-{l1}", True)


class PairWriter:
    """Writes (lang1, text1, lang2, text2) rows to OUT/<a>-<b>.tsv, a < b; counts rows per file."""

    def __init__(self, out_dir):
        self.out_dir = out_dir
        os.makedirs(out_dir, exist_ok=True)
        self.files = {}
        self.counts = {}

    def add(self, l1, t1, l2, t2):
        t1, t2 = one_line(t1), one_line(t2)
        if not t1 or not t2 or l1 == l2:
            return False
        name, swap = pair_name(l1, l2)
        if swap:
            t1, t2 = t2, t1
        f = self.files.get(name)
        if f is None:
            f = open(os.path.join(self.out_dir, name + ".tsv"), "w", encoding="utf-8", newline="\n")
            self.files[name] = f
            self.counts[name] = 0
        f.write(f"{t1}\t{t2}\n")
        self.counts[name] += 1
        return True

    def close(self):
        for f in self.files.values():
            f.close()
        return dict(sorted(self.counts.items()))


# Sentence ends: . ! ? (and ellipsis) followed by white space and then something that starts a
# sentence, or the CJK full stops anywhere. Known abbreviations and single letters/digits before
# the full stop do not end a sentence. Misplaced splits on one side usually change the sentence
# count, and then the unit is kept whole: the split is only a finer alignment, never a guess.
_ABBREV = {
    "e.g", "i.e", "etc", "vs", "cf", "approx", "incl", "resp", "z.b", "d.h", "bzw", "usw", "ca",
    "evtl", "ggf", "inkl", "bspw", "vgl", "u.a", "z.t", "p.ex", "mr", "mrs", "dr", "st", "no",
    "nr", "jr", "sr", "prof", "fig", "ver", "vol", "ed", "al", "ex", "b.c", "a.d",
}
_SENT_END = re.compile(r"([.!?…]+[\"'»”’)\]]*)\s+(?=[^\s])|([。！？]+[」』”’）)]*)\s*")


def split_sentences(text):
    """Split a paragraph into sentences (a list of one or more non-empty strings)."""
    out, start = [], 0
    for m in _SENT_END.finditer(text):
        end = m.end(1) if m.group(1) else m.end(2)
        if m.group(1):
            before = text[start:m.start(1)]
            word = before.rsplit(None, 1)[-1] if before.split() else ""
            w = word.lower().rstrip(".")
            if m.group(1).startswith(".") and (w in _ABBREV or len(w) <= 1 or w.replace(".", "").isdigit()):
                continue
        piece = text[start:end].strip()
        if piece:
            out.append(piece)
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out or [text.strip()]


def aligned_sentences(a, b):
    """[(sa, sb)]: sentence pairs when both sides split into as many sentences, else [(a, b)]."""
    sa, sb = split_sentences(a), split_sentences(b)
    if len(sa) == len(sb):
        return list(zip(sa, sb))
    return [(a, b)]


def log(prog, msg):
    print(f"{prog}: {msg}", file=sys.stderr, flush=True)


def write_json(path, obj):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=1, sort_keys=True, ensure_ascii=False)
        f.write("\n")
    os.replace(tmp, path)


def extractor_args(doc):
    """The command line every extractor takes: --root (unpacked packages), --iso639 (code table),
    --out (pairs directory), --stats (JSON), and optionally --langs FILE: keep only the languages
    whose ISO 639-3 code is the first word of a line of FILE (args.langs: that set, or None)."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    for name in ("--root", "--iso639", "--out", "--stats"):
        ap.add_argument(name, required=True)
    ap.add_argument("--langs")
    args = ap.parse_args()
    if args.langs:
        with open(args.langs, encoding="utf-8") as f:
            args.langs = {line.split("#", 1)[0].split()[0] for line in f if line.split("#", 1)[0].split()}
    return args


def add_translated(writer, iso, english, text, st):
    """Adds the aligned English/`iso` sentence pairs of one translated block to `writer`, counting
    st["pairs"]; a block equal to its English source counts in st["untranslated"] instead."""
    if text == english:
        st["untranslated"] += 1
        return
    for a, b in aligned_sentences(english, text):
        if writer.add("eng", a, iso, b):
            st["pairs"] += 1
