#!/usr/bin/python3
"""Align Debian package description translations (DDTP) with the English descriptions.

    ddtp.py --lists DIR --iso639 iso_639-3.json --out OUT_DIR --stats STATS.json

Input: the apt lists in DIR (as `apt-get update` with Acquire::Languages stores them, any
compression apt-helper reads): *_i18n_Translation-en* and *_i18n_Translation-XX*. Each record has
Package, Description-md5 and Description-XX; the md5 is that of the English description a
translation was made from, so a translation is paired with the English text of the same md5 only
(outdated translations, whose English has changed since, have an md5 that Translation-en no longer
lists, and are dropped). The md5 is checked against the English text itself.

Alignment, the same on both sides: the short description is one unit; the long description is cut
into paragraphs at " ." lines, and a description is used only when both sides have the same number
of paragraphs. Within a paragraph, list items (lines starting with "*", "-", "+" or "o ") are units
of their own; a paragraph pair is used only when both sides have the same number of units. Each
unit pair is then split into sentences when both sides have the same number of sentences
(common.aligned_sentences). Each distinct English description is used once per language (many
packages share one).

Output: OUT_DIR/eng-XX.tsv or XX-eng.tsv (ISO 639-3; pt and pt_BR both go to por, zh_CN and
zh_TW to zho, ...) and STATS.json (per language file: records, matched, used, pairs; reasons for
skipping).
"""
import argparse
import hashlib
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

PROG = "ddtp"


def read_list(path):
    """The decompressed text of an apt list file (apt-helper cat-file handles lz4, xz, gz, ...)."""
    out = subprocess.run(["/usr/lib/apt/apt-helper", "cat-file", path], check=True, capture_output=True).stdout
    return out.decode("utf-8", "replace")


def records(text, lang):
    """Yield (package, md5, description) where description is the raw multi-line field value."""
    field = f"Description-{lang}:"
    for block in text.split("\n\n"):
        pkg = md5 = None
        desc = []
        in_desc = False
        for line in block.split("\n"):
            if line.startswith(" ") and in_desc:
                desc.append(line)
                continue
            in_desc = False
            if line.startswith("Package:"):
                pkg = line[8:].strip()
            elif line.startswith("Description-md5:"):
                md5 = line[16:].strip()
            elif line.startswith(field):
                desc = [line[len(field):].strip()]
                in_desc = True
        if pkg and md5 and desc:
            yield pkg, md5, desc


_BULLET = re.compile(r"^\s*(?:[*+\-•]|o(?=\s))\s+")


def units(desc_lines):
    """[[unit, ...] per paragraph]: the short description first (a paragraph of one unit)."""
    paras = [[desc_lines[0]]]
    cur = []
    for line in desc_lines[1:]:
        body = line[1:] if line.startswith(" ") else line
        if body.strip() == ".":
            paras.append(cur)
            cur = []
        else:
            cur.append(body)
    paras.append(cur)
    out = []
    for p in paras:
        us = []
        for line in p:
            if _BULLET.match(line):
                us.append(_BULLET.sub("", line, count=1))
            elif us:
                us[-1] += " " + line.strip()
            else:
                us.append(line.strip())
        us = [common.one_line(u) for u in us]
        out.append([u for u in us if u])
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lists", required=True)
    ap.add_argument("--iso639", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--stats", required=True)
    args = ap.parse_args()
    langs = common.LangMap(args.iso639)

    files = sorted(os.listdir(args.lists))
    en_files = [f for f in files if re.search(r"_i18n_Translation-en(\.|$)", f)]
    if not en_files:
        common.log(PROG, f"no Translation-en list in {args.lists}")
        sys.exit(2)
    english = {}  # md5 -> description lines
    bad_md5 = 0
    for f in en_files:
        for _pkg, md5, desc in records(read_list(os.path.join(args.lists, f)), "en"):
            text = "\n".join(desc) + "\n"
            if hashlib.md5(text.encode("utf-8")).hexdigest() != md5:
                bad_md5 += 1
                continue
            english[md5] = desc
    common.log(PROG, f"{len(english)} English descriptions ({bad_md5} with a wrong md5 skipped)")

    writer = common.PairWriter(args.out)
    stats = {"english_descriptions": len(english), "english_md5_mismatch": bad_md5, "languages": {}}
    for f in files:
        m = re.search(r"_i18n_Translation-([A-Za-z_%0-9]+?)(\.[a-z0-9]+)?$", f)
        if not m or m.group(1) == "en":
            continue
        code = m.group(1).replace("%5f", "_")
        iso = langs.to639_3(code)
        st = {"file": f, "iso639_3": iso, "records": 0, "matched": 0, "paragraphs_differ": 0,
              "units_differ": 0, "descriptions_used": 0, "pairs": 0}
        stats["languages"][code] = st
        if iso is None:
            continue
        seen = set()
        for _pkg, md5, desc in records(read_list(os.path.join(args.lists, f)), code):
            st["records"] += 1
            if md5 not in english or md5 in seen:
                continue
            seen.add(md5)
            st["matched"] += 1
            pe, px = units(english[md5]), units(desc)
            if len(pe) != len(px):
                st["paragraphs_differ"] += 1
                continue
            rows = []
            ok = True
            for ue, ux in zip(pe, px):
                if len(ue) != len(ux):
                    ok = False
                    break
                for a, b in zip(ue, ux):
                    rows.extend(common.aligned_sentences(a, b))
            if not ok:
                st["units_differ"] += 1
                continue
            st["descriptions_used"] += 1
            for a, b in rows:
                if writer.add("eng", a, iso, b):
                    st["pairs"] += 1
        common.log(PROG, f"{code} -> {iso}: {st['records']} records, {st['matched']} current, "
                         f"{st['descriptions_used']} aligned, {st['pairs']} pairs")
    stats["files"] = writer.close()
    common.write_json(args.stats, stats)


if __name__ == "__main__":
    main()
