#!/usr/bin/python3
"""English / translation pairs of words and short phrases from Unicode CLDR (Debian unicode-cldr-core).

    cldr.py --root DIR --iso639 iso_639-3.json --out OUT_DIR --stats STATS.json [--langs FILE]

Input: DIR/unicode-cldr-core/usr/share/unicode/cldr/common/{main,annotations}/<locale>.xml.
Pairs are CLDR's own translations of the English names, aligned by their place in the files:
- annotations: the spoken name of each emoji (<annotation cp="..." type="tts">), by code point;
- main: the display names of languages, scripts, territories, calendar keys and types and
  measurement systems (localeDisplayNames), of units and their patterns (units), of date fields
  ("yesterday", "next month"; dates/fields), of character labels (characterLabels), and the
  wide month and weekday names of the Gregorian calendar; each element by its path and
  attributes (type, alt, count, ...).
Locales: every file whose language is known to the ISO table (English and "root" skipped);
script or region variants (sr_Latn, pa_Arab, pt_PT) count as their language, and the file of the
base locale comes first. With --langs, only those languages.

Why: words and names. For the long-tail languages (Javanese, Swahili, Yoruba, Lao, Burmese...) the
other Debian sources have almost nothing, and a static encoder learns most from word-level
pairs. Unlike gettext_mo.py there is no minimum word count: these pairs are meant to be short.
Pairs where the translation equals the English are skipped ("Bluetooth"), and so are values
that are only a placeholder or punctuation.

Output: OUT_DIR/<a>-<b>.tsv per language pair with English, and STATS.json: per locale file the
language and the pairs written.
"""
import os
import re
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

PROG = "cldr"
BASE = "usr/share/unicode/cldr/common"
MAIN_SECTIONS = ("localeDisplayNames", "units", "characterLabels")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


def annotations(path):
    out = {}
    root = ET.parse(path).getroot()
    for a in root.iter("annotation"):
        if a.get("type") == "tts" and a.text:
            out[("emoji", a.get("cp"))] = a.text
    return out


def leaves(elem, key, out):
    if elem.tag in ("alias", "special"):
        return
    attrs = tuple(sorted((k, v) for k, v in elem.attrib.items() if k != "draft"))
    k = key + ((elem.tag, attrs),)
    children = list(elem)
    if not children:
        if elem.text and elem.text.strip():
            out[k] = elem.text.strip()
        return
    for c in children:
        leaves(c, k, out)


def main_file(path):
    out = {}
    root = ET.parse(path).getroot()
    for section in MAIN_SECTIONS:
        for e in root.findall(section):
            leaves(e, (), out)
    for e in root.findall("dates/fields"):
        leaves(e, (), out)
    for cal in root.findall("dates/calendars/calendar[@type='gregorian']"):
        for what in ("months/monthContext[@type='format']/monthWidth[@type='wide']",
                     "days/dayContext[@type='format']/dayWidth[@type='wide']"):
            for e in cal.findall(what):
                leaves(e, ("gregorian", what), out)
    return out


def usable(text):
    return _LETTER.search(re.sub(r"\{\d+\}", "", text)) is not None


def main():
    args = common.extractor_args(__doc__)
    langs = common.LangMap(args.iso639)
    writer = common.PairWriter(args.out)
    stats = {"files": {}, "locales": {}}
    base = os.path.join(args.root, "unicode-cldr-core", BASE)
    if not os.path.isdir(base):
        sys.exit(f"{PROG}: {base} not found (unicode-cldr-core not unpacked)")
    readers = {"annotations": annotations, "main": main_file}
    for part, read in readers.items():
        english = read(os.path.join(base, part, "en.xml"))
        # Base locales before their variants: "pa" before "pa_Arab".
        names = sorted((f[:-4] for f in os.listdir(os.path.join(base, part)) if f.endswith(".xml")),
                       key=lambda n: (n.split("_")[0], n.count("_"), n))
        for loc in names:
            iso = langs.to639_3(loc) if loc != "root" else None
            if iso is None or (args.langs is not None and iso not in args.langs):
                continue
            try:
                strings = read(os.path.join(base, part, loc + ".xml"))
            except ET.ParseError as e:
                common.log(PROG, f"{part}/{loc}.xml: {e}: skipped")
                continue
            n = 0
            for k in sorted(strings, key=repr):
                e, t = english.get(k), strings[k]
                if e is None or t == e or not usable(e) or not usable(t):
                    continue
                if writer.add("eng", e, iso, t):
                    n += 1
            stats["locales"][f"{part}/{loc}"] = {"language": iso, "pairs": n}
    stats["files"] = writer.close()
    total = sum(v["pairs"] for v in stats["locales"].values())
    common.log(PROG, f"{len(stats['locales'])} locale files, {total} pairs")
    common.write_json(args.stats, stats)


if __name__ == "__main__":
    main()
