#!/usr/bin/python3
"""Write CORPUS_DIR/manifest.json and manifest.md from the work files of build_corpus.sh.

    manifest.py --corpus CORPUS_DIR --sources train,ddtp,... --filter-version V --dedup-version V
                --lid-engine NAME --options FILE

Reads CORPUS_DIR/work/{raw,decon,filt,dedup}/... and CORPUS_DIR/pairs/*.tsv.zst. Counts, per
source and per language pair: in (extracted), decontaminated (removed for sharing a sentence with
the dev sets), rejected (by bitmill-filter, per rule), duplicates (removed by bitmill-dedup, counted
against the later source), out; in = decontaminated + rejected + duplicates + out. Per language:
the pairs it is a side of, and those with English. Nothing host- or time-dependent is written, so
the same inputs give the same manifest.
"""
import argparse
import glob
import hashlib
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

DESCRIPTION = {
    "train": "The training pair files given with --train (Helsinki-NLP OPUS-MT-testsets extracts: Tatoeba, "
             "WMT news 2008-2016, Multi30k, TICO-19, Europeana, FLORES-101 devtest, ...), read as they are.",
    "ddtp": "Debian package description translations (DDTP/DDTSS), from the suite's Translation-* apt lists, "
            "aligned with Translation-en by Description-md5, then paragraph, list item and sentence.",
    "gettext": "msgid (English) / msgstr pairs of the compiled gettext catalogs (.mo) of Debian packages "
               "(scripts/train/corpus/gettext-packages.txt and every libreoffice-l10n-*), entries of 3 words or more.",
    "lohelp": "LibreOffice help (libreoffice-help-*): paragraphs paired by page and paragraph id with en-US, "
              "then sentences.",
    "debref": "Debian Reference (debian-reference-*): po4a-translated HTML pages, text blocks paired by position "
              "with English, then sentences.",
    "gettext-tail": "The same as gettext for the packages of scripts/train/corpus/gettext-tail-packages.txt "
                    "(every package of the suite with a catalog in a long-tail language, .deb under 8 MB), only "
                    "the languages of long-tail-languages.txt.",
    "cldr": "Unicode CLDR (unicode-cldr-core): emoji names and the display names of languages, territories, "
            "units, date fields, months and weekdays, paired with English by their place in the XML files; words "
            "and short phrases.",
    "mozilla": "Firefox ESR and Thunderbird language packs (firefox-esr-l10n-*, thunderbird-l10n-*): Fluent and "
               ".properties strings paired by file and message id with the applications' en-US strings (omni.ja), "
               "strings of 3 words or more, then sentences.",
}
LICENCE = {
    "train": "Mixed, per origin set (Tatoeba CC BY 2.0 FR; WMT news test sets for research use; TICO-19 CC0; "
             "FLORES-101 CC BY-SA 4.0; Multi30k, Europeana and others under their own terms): see the training "
             "data's README (shared/data/README.md).",
    "ddtp": "No licence of their own: each description is part of its package's control data in Debian main "
            "(every package there is DFSG-free) and is distributed with the package under the package's licence "
            "(GPL, LGPL, BSD, MIT/Expat, Apache, ... varying per package); the DDTP translates descriptions of "
            "main only, non-free ones being left out for licence reasons (debian.org/international/l10n/ddtp).",
    "gettext": "Each catalog is under its package's licence (debian/copyright); summary per package below: "
               "all DFSG-free, mostly GPL-2+/GPL-3+/LGPL, MPL-2.0 for LibreOffice.",
    "lohelp": "MPL-2.0 (LibreOffice, debian/copyright 'Files: *').",
    "debref": "GPL-2+ (Debian Reference, debian/copyright; its translators licensed their work the same way).",
    "gettext-tail": "Each catalog is under its package's licence (debian/copyright); all DFSG-free (Debian "
                    "main), per package below.",
    "cldr": "Unicode License Agreement (Unicode-DFS-2016; debian/copyright of unicode-cldr-core).",
    "mozilla": "MPL-2.0 (Firefox and Thunderbird localizations, debian/copyright of firefox-esr and thunderbird).",
}
DEV_LANGS = ["ara", "ber", "bul", "ces", "dan", "deu", "ell", "epo", "fin", "fra", "hbs", "heb", "hin", "hun",
             "ina", "ita", "jbo", "jpn", "kab", "lat", "mar", "mkd", "msa", "nld", "pol", "por", "ron", "rus",
             "spa", "swe", "tlh", "tur", "ukr", "zho"]
MINE_LANGS = ["ces", "deu", "fin", "lav", "rus", "tur", "zho"]
# Issue 21's under-covered languages (goal: 20k pairs with English each), then the other languages
# of dev/ntrex.
LONG_TAIL = ["mal", "tel", "tam", "tha", "kat", "kaz", "est", "urd", "kor", "eus", "ben", "khm", "pus", "swa", "jav"]
NTREX_LANGS = ["afr", "amh", "ara", "aze", "ben", "bul", "ell", "eus", "fas", "fil", "fra", "guj", "hau", "heb",
               "hin", "hye", "ibo", "ind", "ita", "kan", "kat", "kaz", "kir", "kor", "lao", "mal", "mar", "mon",
               "mya", "nep", "pan", "sin", "som", "spa", "swa", "tel", "tgk", "tha", "tir", "uig", "urd", "uzb",
               "vie", "xho", "yor", "zul"]


def load(path, default=None):
    if not os.path.exists(path):
        return default
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def load_tsv(path, keys):
    """The rows of a work-file TSV (name, sha256, count) as dicts with `keys`; the last column an int."""
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            rows.append(dict(zip(keys, cols[:-1] + [int(cols[-1])])))
    return rows


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def count_lines(path):
    n = 0
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            n += chunk.count(b"\n")
    return n


def licence_key(info):
    lic = info.get("licence", {})
    if lic.get("format") == "dep5":
        return lic.get("files_star") or (lic.get("licences") or ["?"])[0]
    if lic.get("format") == "text":
        return " / ".join(lic.get("mentions", [])[:3]) or "unstated"
    if lic.get("doc_dir_links_to"):
        return f"see {lic['doc_dir_links_to']}"
    return "no copyright file"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--sources", required=True)
    ap.add_argument("--filter-version", default="")
    ap.add_argument("--dedup-version", default="")
    ap.add_argument("--lid-engine", default="")
    ap.add_argument("--lid-covered", default="", help="space-separated ISO 639-3 codes the LID model can output")
    ap.add_argument("--options", required=True)
    args = ap.parse_args()
    corpus = args.corpus
    work = os.path.join(corpus, "work")
    sources = args.sources.split(",")
    options = {}
    with open(args.options, encoding="utf-8") as f:
        for line in f:
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                options[k] = v
    iso = os.path.join(work, "iso/usr/share/iso-codes/json/iso_639-3.json")
    names = {}
    if os.path.exists(iso):
        names = {d["alpha_3"]: d["name"] for d in load(iso)["639-3"]}
    names.setdefault("ber", "Berber languages (ISO 639-5 collective code)")

    rules = None
    pairs = {}
    src_out = {}
    for src in sources:
        st = {"description": DESCRIPTION[src], "licence": LICENCE[src]}
        raw = os.path.join(work, "raw", src)
        if src == "train":
            files = load_tsv(os.path.join(raw, "_files.tsv"), ("file", "sha256", "lines"))
            st["input_files"] = len(files)
            st["input_digest"] = hashlib.sha256(
                "".join(f"{x['file']}\t{x['sha256']}\n" for x in files).encode()).hexdigest()
        else:
            ext = load(os.path.join(raw, "_stats.json"), {})
            ext.pop("files", None)
            st["extraction"] = ext
            pk = load(os.path.join(raw, "_packages.json"))
            if pk is not None:
                st["packages"] = pk
                by_lic = {}
                for p, info in pk.items():
                    by_lic.setdefault(licence_key(info), []).append(p)
                st["licences_by_package"] = {k: sorted(v) for k, v in sorted(by_lic.items())}
                st["download_bytes"] = sum(p["size"] for p in pk.values())
            mp = os.path.join(raw, "_missing.txt")
            if os.path.exists(mp):
                with open(mp, encoding="utf-8") as f:
                    st["packages_missing_from_suite"] = [x.strip() for x in f if x.strip()]
            if src == "ddtp":
                st["apt_lists"] = load_tsv(os.path.join(raw, "_lists.tsv"), ("list", "sha256", "bytes"))
                with open(os.path.join(raw, "_release.txt"), encoding="utf-8") as f:
                    st["release"] = dict(
                        (k.strip(), v.strip()) for k, v in (x.split(":", 1) for x in f if ":" in x))
        dec = load(os.path.join(work, "decon", src, "_stats.json"))
        st["dev_sentences"] = dec["dev_sentences"]
        modes = {}
        tot = {"in": 0, "decontaminated": 0, "rejected": 0, "duplicates": 0, "out": 0}
        by_rule = {}
        for pair, d in sorted(dec["files"].items()):
            fs = load(os.path.join(work, "filt", src, pair + ".stats.json"))
            with open(os.path.join(work, "filt", src, pair + ".mode"), encoding="utf-8") as f:
                mode = f.read().strip()
            if mode != "default":
                modes[pair] = mode
            if rules is None:
                rules = list(fs["rejected"].keys())
            assert fs["rows_in"] == d["out"], (src, pair, fs["rows_in"], d["out"])
            e = pairs.setdefault(pair, {"in": 0, "decontaminated": 0, "rejected": 0, "rejected_by_rule": {},
                                        "duplicates": 0, "out": 0, "by_source": {}})
            ps = {"in": d["in"], "decontaminated": d["removed"], "rejected": fs["rows_rejected"],
                  "rejected_by_rule": {k: v for k, v in fs["rejected"].items() if v},
                  "duplicates": 0, "out": 0, "filter_mode": mode}
            e["by_source"][src] = ps
            for k in ("in", "decontaminated", "rejected"):
                e[k] += ps[k]
                tot[k] += ps[k]
            for k, v in fs["rejected"].items():
                e["rejected_by_rule"][k] = e["rejected_by_rule"].get(k, 0) + v
                by_rule[k] = by_rule.get(k, 0) + v
        st["filter_modes"] = modes
        st["counts"] = tot
        st["rejected_by_rule"] = by_rule
        src_out[src] = st

    # Deduplication counts and output files.
    files_out = {}
    for pair, e in sorted(pairs.items()):
        e["rejected_by_rule"] = {k: v for k, v in e["rejected_by_rule"].items() if v}
        with open(os.path.join(work, "dedup", pair + ".counts.tsv"), encoding="utf-8") as f:
            for line in f:
                src, kept, removed = line.rstrip("\n").split("\t")
                if src in e["by_source"]:
                    e["by_source"][src]["out"] = int(kept)
                    e["by_source"][src]["duplicates"] = int(removed)
                    e["out"] += int(kept)
                    e["duplicates"] += int(removed)
                    src_out[src]["counts"]["out"] += int(kept)
                    src_out[src]["counts"]["duplicates"] += int(removed)
                else:
                    assert int(kept) == 0 and int(removed) == 0
        for s, ps in e["by_source"].items():
            assert ps["in"] == ps["decontaminated"] + ps["rejected"] + ps["duplicates"] + ps["out"], (pair, s, ps)
        path = os.path.join(corpus, "pairs", pair + ".tsv.zst")
        files_out[pair] = {"bytes": os.path.getsize(path), "sha256": sha256(path)}
        e["file"] = files_out[pair]
    extra = sorted(set(os.path.basename(p)[:-8] for p in glob.glob(os.path.join(corpus, "pairs", "*.tsv.zst")))
                   - set(pairs))
    if extra:
        raise SystemExit(f"manifest: pair files not made by this build: {extra}")

    # Languages.
    langs = {}
    for pair, e in pairs.items():
        a, b = pair.split("-")
        for l, other in ((a, b), (b, a)):
            x = langs.setdefault(l, {"name": names.get(l, ""), "pairs": 0, "with_eng": 0, "partners": 0,
                                     "by_source": {}})
            x["pairs"] += e["out"]
            x["partners"] += 1 if e["out"] else 0
            if other == "eng":
                x["with_eng"] += e["out"]
            for s, ps in e["by_source"].items():
                x["by_source"][s] = x["by_source"].get(s, 0) + ps["out"]
    total = {k: sum(s["counts"][k] for s in src_out.values()) for k in ("in", "decontaminated", "rejected",
                                                                            "duplicates", "out")}
    manifest = {
        "corpus": {"pairs_dir": "pairs", "files": len(files_out), "pairs": total["out"],
                   "bytes": sum(f["bytes"] for f in files_out.values()),
                   "languages": sum(1 for x in langs.values() if x["pairs"]),
                   "format": "pairs/<a>-<b>.tsv.zst: a<TAB>b per line, ISO 639-3 codes in alphabetical order"},
        "counts": total,
        "build": {"command": "scripts/train/build_corpus.sh", "sources": sources,
                  "mirror": options.get("mirror"), "suite": options.get("suite"),
                  "bitmill_filter": args.filter_version, "bitmill_dedup": args.dedup_version,
                  "filter_rules": "bitmill-filter defaults (see bitmill-filter --explain)"
                                  + (f", with {options['filter_opts']}" if options.get("filter_opts") else ""),
                  "filter_lid": options.get("lid"), "lid_engine": args.lid_engine,
                  "lid_model_languages": sorted(args.lid_covered.split()),
                  "dedup": "bitmill-dedup --key pair --normalize nfkc-casefold --fold-whitespace, sources in the "
                           "order above, first occurrence kept",
                  "decontamination": "a pair is removed when a side, lowercased and white-space collapsed, equals a "
                                     "line of dev/tatoeba/*, dev/ntrex/* or dev/mine/*/{src,eng}.txt",
                  "zstd_level": options.get("zstd_level")},
        "filter_rules": rules,
        "sources": src_out,
        "languages": dict(sorted(langs.items())),
        "pairs": pairs,
    }
    common.write_json(os.path.join(corpus, "manifest.json"), manifest)
    md = render_md(manifest, names)
    tmp = os.path.join(corpus, "manifest.md.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(md)
    os.replace(tmp, os.path.join(corpus, "manifest.md"))


def n(x):
    return f"{x:,}"


def render_md(m, names):
    c, b = m["corpus"], m["build"]
    srcs = b["sources"]
    out = []
    w = out.append
    w("# Training corpus manifest\n")
    w(f"- **{n(c['pairs'])} pairs** in {c['files']} language-pair files, {c['languages']} languages, "
      f"{c['bytes'] / 1e6:.1f} MB compressed ({c['format']}).")
    w(f"- Built by `{b['command']}` from the sources {', '.join(srcs)}; Debian {b['suite']} from {b['mirror']}.")
    w(f"- Tools: {b['bitmill_filter']} ({b['filter_rules']}; --lid {b['filter_lid']}: {b['lid_engine']}), "
      f"{b['bitmill_dedup']}.")
    w(f"- Decontamination: {b['decontamination']}.")
    w(f"- Deduplication: {b['dedup']}.")
    w("")
    w("## Sources\n")
    w("| source | in | decontaminated | rejected | duplicates | out | licence |")
    w("|---|--:|--:|--:|--:|--:|---|")
    for s in srcs:
        st = m["sources"][s]
        k = st["counts"]
        w(f"| {s} | {n(k['in'])} | {n(k['decontaminated'])} | {n(k['rejected'])} | {n(k['duplicates'])} | "
          f"{n(k['out'])} | {st['licence']} |")
    k = m["counts"]
    w(f"| **total** | {n(k['in'])} | {n(k['decontaminated'])} | {n(k['rejected'])} | {n(k['duplicates'])} | "
      f"**{n(k['out'])}** | |")
    w("")
    for s in srcs:
        st = m["sources"][s]
        w(f"- **{s}**: {st['description']}")
        if "packages" in st:
            w(f"  {len(st['packages'])} packages, {st['download_bytes'] / 1e6:.1f} MB of .deb files"
              + (f"; not in the suite: {', '.join(st['packages_missing_from_suite'])}"
                 if st.get("packages_missing_from_suite") else "") + ".")
        by_mode, lid_off = {}, set()
        for p, mode in st.get("filter_modes", {}).items():
            codes = re.findall(r"lang-id\.min-prob\.([a-z]+)=0", mode)
            if codes and mode == " ".join(f"--set lang-id.min-prob.{c}=0" for c in codes):
                lid_off.update(codes)
            else:
                by_mode.setdefault(mode, []).append(p)
        if lid_off:
            w(f"  Sides let through lang-id (`--set lang-id.min-prob.LANG=0`: the LID model has no such label): "
              f"{', '.join(sorted(lid_off))}.")
        for mode, ps in sorted(by_mode.items()):
            w(f"  bitmill-filter with `{mode}`: {', '.join(ps)}.")
    w("")
    w("## Rejections by bitmill-filter rule\n")
    rules = [r for r in m["filter_rules"] if any(m["sources"][s]["rejected_by_rule"].get(r) for s in srcs)]
    w("| rule | " + " | ".join(srcs) + " | total |")
    w("|---|" + "--:|" * (len(srcs) + 1))
    for r in rules:
        vals = [m["sources"][s]["rejected_by_rule"].get(r, 0) for s in srcs]
        w(f"| {r} | " + " | ".join(n(v) for v in vals) + f" | {n(sum(vals))} |")
    w("")
    langs = m["languages"]

    def lang(code):  # a language's entry; zeros for one the corpus lacks
        return langs.get(code, {"name": names.get(code, ""), "pairs": 0, "with_eng": 0, "by_source": {}})

    def per_source(x):
        return " | ".join(n(x["by_source"].get(s, 0)) for s in srcs) + " |"

    w("## Dev-set languages\n")
    w("Pairs out per language (all partners / with English), per source; Tatoeba dev languages, then the other "
      "mining languages.\n")
    w("| lang | name | pairs | with eng | " + " | ".join(srcs) + " |")
    w("|---|---|--:|--:|" + "--:|" * len(srcs))
    for l in DEV_LANGS + [x for x in MINE_LANGS if x not in DEV_LANGS]:
        x = lang(l)
        w(f"| {l} | {x['name']} | {n(x['pairs'])} | {n(x['with_eng'])} | " + per_source(x))
    w("")
    w("## Long-tail languages\n")
    w("Pairs with English per language and source: the under-covered languages of issue 21 (goal 20,000), then "
      "the other dev/ntrex languages.\n")
    w("| lang | name | with eng | goal met | " + " | ".join(srcs) + " |")
    w("|---|---|--:|---|" + "--:|" * len(srcs))
    for l in LONG_TAIL + [x for x in NTREX_LANGS if x not in LONG_TAIL]:
        x = lang(l)
        goal = ("yes" if x["with_eng"] >= 20000 else "no") if l in LONG_TAIL else ""
        w(f"| {l} | {x['name']} | {n(x['with_eng'])} | {goal} | " + per_source(x))
    w("")
    w("## All languages\n")
    w("Sorted by pairs out.\n")
    w("| # | lang | name | pairs | with eng | partners | " + " | ".join(srcs) + " |")
    w("|--:|---|---|--:|--:|--:|" + "--:|" * len(srcs))
    for i, (l, x) in enumerate(sorted(langs.items(), key=lambda kv: (-kv[1]["pairs"], kv[0])), 1):
        w(f"| {i} | {l} | {x['name']} | {n(x['pairs'])} | {n(x['with_eng'])} | {x['partners']} | "
          + " | ".join(n(x["by_source"].get(s, 0)) for s in srcs) + " |")
    w("")
    w("## Language pairs\n")
    w("| pair | in | decontaminated | rejected | duplicates | out | " + " | ".join(f"{s} out" for s in srcs) + " |")
    w("|---|--:|--:|--:|--:|--:|" + "--:|" * len(srcs))
    for p, e in sorted(m["pairs"].items()):
        w(f"| {p} | {n(e['in'])} | {n(e['decontaminated'])} | {n(e['rejected'])} | {n(e['duplicates'])} | "
          f"{n(e['out'])} | " + " | ".join(n(e["by_source"].get(s, {}).get("out", 0)) for s in srcs) + " |")
    w("")
    w("## Packages and licences\n")
    for s in srcs:
        st = m["sources"][s]
        if "licences_by_package" not in st:
            continue
        w(f"### {s}\n")
        w("| licence (debian/copyright, 'Files: *') | packages |")
        w("|---|---|")
        for lic, pk in st["licences_by_package"].items():
            w(f"| {lic} | " + ", ".join(f"{p} {st['packages'][p]['version']}" for p in pk) + " |")
        w("")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    main()
