#!/usr/bin/python3
"""English / translation pairs from the compiled gettext catalogs (.mo) of unpacked Debian packages.

    gettext_mo.py --root DIR --iso639 iso_639-3.json --out OUT_DIR --stats STATS.json

Input: DIR/<package>/ trees (dpkg-deb -x). Every .../<locale>/LC_MESSAGES/<domain>.mo below them is
read, in sorted path order; <locale> gives the language (ISO 639-3 through common.LangMap; English
variants such as en_GB and pseudo-locales are skipped). A .mo holds no fuzzy entries (msgfmt
leaves them out), so every entry is a reviewed translation of its msgid, the English source text.

Per entry (msgctxt ignored; for plural entries the singular msgid and msgstr[0]):
- skipped when the msgstr is empty or equals the msgid, when the msgid does not look like English
  text (no ASCII letters), or when it has fewer than 3 words once format directives (%s, %1$d,
  {0}, {name}, %(x)s, $VAR, ${x}), markup tags and entities are removed;
- keyboard accelerators are removed on both sides (GTK "_File", Qt/KDE "&File", LibreOffice
  "~File", and "(_F)" suffixes of CJK translations), markup tags are stripped and entities
  decoded;
- a multi-line entry is paired line by line when both sides have the same number of non-empty
  lines (command-line --help texts), else joined into one line;
- each pair is then split into sentences when both sides have the same number of sentences
  (common.aligned_sentences; the game and help texts have paragraphs of several sentences).
The catalog's charset (from its header) decodes the msgstr.

With --langs FILE, only the catalogs of those languages are read (the others count as skipped
locales): the "gettext-tail" source.

Output: OUT_DIR/<a>-<b>.tsv per language pair with English, and STATS.json: per package the
catalogs, languages, entries and the pairs written, and the skip counts.
"""
import html
import os
import re
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

PROG = "gettext"


def read_mo(path):
    """[(msgid, msgstr)] of a .mo file (bytes), header excluded; charset of the header."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 28:
        raise ValueError("too short")
    magic = struct.unpack("<I", data[:4])[0]
    if magic == 0x950412DE:
        end = "<"
    elif magic == 0xDE120495:
        end = ">"
    else:
        raise ValueError("not a .mo file")
    _rev, n, orig, trans = struct.unpack(end + "4I", data[4:20])
    out = []
    charset = "utf-8"
    for i in range(n):
        ol, oo = struct.unpack(end + "2I", data[orig + 8 * i: orig + 8 * i + 8])
        tl, to = struct.unpack(end + "2I", data[trans + 8 * i: trans + 8 * i + 8])
        msgid = data[oo: oo + ol]
        msgstr = data[to: to + tl]
        if not msgid:
            m = re.search(rb"charset=([A-Za-z0-9_.:-]+)", msgstr)
            if m:
                charset = m.group(1).decode("ascii").lower()
            continue
        out.append((msgid, msgstr))
    return out, charset


_FORMAT = re.compile(
    r"%(?:\d+\$)?[-+ #0']*(?:\d+|\*)?(?:\.(?:\d+|\*))?(?:hh|h|ll|l|L|q|j|z|t|I64|I32)?[diouxXeEfFgGaAcspnm%]"
    r"|%\([A-Za-z_][A-Za-z0-9_]*\)[-+ #0]*\d*(?:\.\d+)?[sdifr]"
    r"|\{[A-Za-z0-9_.:\[\]-]*\}|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|%[A-Z][A-Z0-9_]*%|%\d+"
)
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9:_-]*(?:\s[^<>]*)?/?>")
_WORD = re.compile(r"[^\W\d_]{2,}")
_CJK_ACCEL = re.compile(r"\s*[(（]\s*[_&~]?[A-Za-z0-9]\s*[)）]")


def strip_accel(s):
    # "(_F)" after a translated label (Chinese, Japanese, Korean UIs)
    s2 = _CJK_ACCEL.sub("", s) if re.search(r"[(（]\s*[_&~][A-Za-z0-9]\s*[)）]", s) else s
    # One marker before a letter: "_File", "&File", "~File" (but not "&amp;", "a && b", "snake_case")
    for ch in "_&~":
        idx = [m.start() for m in re.finditer(re.escape(ch) + r"(?=\w)", s2)]
        if len(idx) == 1:
            i = idx[0]
            if ch == "&" and re.match(r"&[A-Za-z]+;|&#\d+;", s2[i:]):
                continue
            if ch == "_" and i > 0 and s2[i - 1].isalnum() and "_" in s2[i + 1:]:
                continue
            s2 = s2[:i] + s2[i + 1:]
    return s2


def clean(s):
    s = strip_accel(s)
    s = _TAG.sub(" ", s)
    s = html.unescape(s)
    return s


def words(s):
    return len(_WORD.findall(_FORMAT.sub(" ", s)))


def main():
    args = common.extractor_args(__doc__)
    langs = common.LangMap(args.iso639)
    writer = common.PairWriter(args.out)
    stats = {"packages": {}}
    for pkg in sorted(os.listdir(args.root)):
        mos = []
        for d, dirs, files in os.walk(os.path.join(args.root, pkg)):
            dirs.sort()
            if os.path.basename(d) != "LC_MESSAGES":
                continue
            for f in sorted(files):
                if f.endswith(".mo"):
                    mos.append(os.path.join(d, f))
        st = {"catalogs": 0, "languages": set(), "entries": 0, "pairs": 0, "skipped": {
            "locale": 0, "unreadable": 0, "empty_or_same": 0, "not_english": 0, "few_words": 0}}
        for path in sorted(mos):
            locale = os.path.basename(os.path.dirname(os.path.dirname(path)))
            iso = langs.to639_3(locale)
            if iso is None or (args.langs is not None and iso not in args.langs):
                st["skipped"]["locale"] += 1
                continue
            try:
                entries, charset = read_mo(path)
            except (ValueError, struct.error, OSError):
                st["skipped"]["unreadable"] += 1
                continue
            st["catalogs"] += 1
            st["languages"].add(iso)
            for msgid_b, msgstr_b in entries:
                st["entries"] += 1
                if b"\x04" in msgid_b:
                    msgid_b = msgid_b.split(b"\x04", 1)[1]
                msgid = msgid_b.split(b"\0", 1)[0].decode("utf-8", "replace")
                try:
                    msgstr = msgstr_b.split(b"\0", 1)[0].decode(charset, "replace")
                except LookupError:
                    msgstr = msgstr_b.split(b"\0", 1)[0].decode("utf-8", "replace")
                if not msgstr.strip() or msgstr.strip() == msgid.strip():
                    st["skipped"]["empty_or_same"] += 1
                    continue
                if not re.search(r"[A-Za-z]", msgid):
                    st["skipped"]["not_english"] += 1
                    continue
                a, b = clean(msgid), clean(msgstr)
                la = [x for x in a.split("\n") if x.strip()]
                lb = [x for x in b.split("\n") if x.strip()]
                rows = list(zip(la, lb)) if len(la) == len(lb) and len(la) > 1 else [(a, b)]
                for x, y in rows:
                    if words(x) < 3:
                        st["skipped"]["few_words"] += 1
                        continue
                    for sx, sy in common.aligned_sentences(common.one_line(x), common.one_line(y)):
                        if writer.add("eng", sx, iso, sy):
                            st["pairs"] += 1
        st["languages"] = sorted(st["languages"])
        stats["packages"][pkg] = st
        common.log(PROG, f"{pkg}: {st['catalogs']} catalogs, {len(st['languages'])} languages, "
                         f"{st['entries']} entries, {st['pairs']} pairs")
    stats["files"] = writer.close()
    common.write_json(args.stats, stats)


if __name__ == "__main__":
    main()
