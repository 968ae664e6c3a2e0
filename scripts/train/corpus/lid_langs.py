#!/usr/bin/python3
"""The ISO 639-3 codes a fastText language-ID model can output, one per line, sorted.

    lid_langs.py --model lid.176.ftz --iso639 iso_639-3.json

Why: bitmill-filter's language table also has languages only CLD2 reports (Klingon, Rundi, Zulu,
Oromo, Dzongkha, ...). With the fastText engine those can never be guessed, so the lang-id rule
rejects every pair in them; build_corpus.sh lets such a side through lang-id
(--set lang-id.min-prob.LANG=0) and keeps the rule for the other side.

The labels are read from the model's dictionary (the "__label__xx" strings) and mapped with
common.LangMap, plus fastText's own codes (eml, diq, bxr, als, sh) and the individual languages
that bitmill-filter folds into a macrolanguage the model labels (nob for no, pes for fa, ...).
"""
import argparse
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

# fastText label -> extra ISO 639-3 codes it stands for (as bitmill-filter's language table reads them).
EXTRA = {
    "eml": ["egl"], "diq": ["zza"], "bxr": ["bua"], "als": ["gsw"], "sh": ["hbs"],
    "no": ["nor", "nob"], "zh": ["zho", "cmn"], "ms": ["msa", "zsm"], "fa": ["fas", "pes"],
    "ar": ["ara", "arb"], "et": ["est", "ekk"], "lv": ["lav", "lvs"], "uz": ["uzb", "uzn"],
    "sw": ["swa", "swh"], "sq": ["sqi"], "yue": ["yue"], "wuu": ["wuu"],
}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True)
    ap.add_argument("--iso639", required=True)
    args = ap.parse_args()
    langs = common.LangMap(args.iso639)
    with open(args.model, "rb") as f:
        labels = sorted(set(m.decode("ascii") for m in re.findall(rb"__label__([a-z_]+)", f.read())))
    if not labels:
        raise SystemExit(f"lid_langs: no __label__ strings in {args.model}")
    out = set()
    for lab in labels:
        out.update(EXTRA.get(lab, []))
        if lab in ("en", "eng"):
            out.add("eng")
            continue
        iso = langs.to639_3(lab)
        if iso:
            out.add(iso)
        elif len(lab) == 3:
            out.add(lab)
    sys.stdout.write("".join(f"{x}\n" for x in sorted(out)))


if __name__ == "__main__":
    main()
