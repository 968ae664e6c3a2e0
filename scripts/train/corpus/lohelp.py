#!/usr/bin/python3
"""English / translation pairs from the LibreOffice help (libreoffice-help-* packages).

    lohelp.py --root DIR --iso639 iso_639-3.json --out OUT_DIR --stats STATS.json

Input: DIR/<package>/ trees (dpkg-deb -x) holding usr/share/libreoffice/help/<lang>/text/**.html;
the en-US tree is the English side (English variants such as en-GB are skipped). Every page is
generated from the same XHP source in every language, and each paragraph and heading carries the
source's id (<p id="par_id3151191">, <h1 id="hd_id3146936">): a translated paragraph is paired
with the English paragraph of the same page, id and occurrence. Text is taken from the element's
descendants, except elements hidden for another platform (switchinline variants other than
"default": "Command" on macOS against "Ctrl"), and <img> alternative texts are ignored. Untranslated
paragraphs (the English text itself) are skipped. Each paragraph pair is split into sentences when
both sides have the same number of sentences (common.aligned_sentences).

Output: OUT_DIR/<a>-<b>.tsv per language pair with English, and STATS.json (per language: pages,
paragraphs matched, untranslated, pairs).
"""
import os
import re
import sys
from html.parser import HTMLParser

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

PROG = "lohelp"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
_ID = re.compile(r"^(?:par|hd)_id")


class Paragraphs(HTMLParser):
    """Collects [(id, text)] for the outermost elements whose id is par_id*/hd_id*, in document order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out = []
        self.stack = []  # (tag, capture, hidden) per open non-void element
        self.cur = None  # [id, parts] while inside a captured element
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        a = dict(attrs)
        capture = self.cur is None and _ID.match(a.get("id") or "") is not None
        hidden = "hidden" in a and not (a.get("id") or "").startswith("default")
        if capture:
            self.cur = [a["id"], []]
        if hidden:
            self.hidden += 1
        self.stack.append((tag, capture, hidden))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        # Close up to the matching open tag (tolerates unclosed <p> and the like).
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                while len(self.stack) > i:
                    _t, capture, hidden = self.stack.pop()
                    if hidden:
                        self.hidden -= 1
                    if capture:
                        self.out.append((self.cur[0], common.one_line("".join(self.cur[1]))))
                        self.cur = None
                return

    def handle_data(self, data):
        if self.cur is not None and self.hidden == 0:
            self.cur[1].append(data)


def page_paragraphs(path):
    p = Paragraphs()
    with open(path, encoding="utf-8", errors="replace") as f:
        p.feed(f.read())
    p.close()
    out, seen = {}, {}
    for pid, text in p.out:
        n = seen.get(pid, 0)
        seen[pid] = n + 1
        out[(pid, n)] = text
    return out


def help_trees(root):
    """{lang code: help dir} over every package tree under root."""
    trees = {}
    for pkg in sorted(os.listdir(root)):
        base = os.path.join(root, pkg, "usr/share/libreoffice/help")
        if not os.path.isdir(base):
            continue
        for lang in sorted(os.listdir(base)):
            if os.path.isdir(os.path.join(base, lang, "text")):
                trees[lang] = os.path.join(base, lang)
    return trees


def pages(tree):
    out = []
    for d, dirs, files in os.walk(os.path.join(tree, "text")):
        dirs.sort()
        for f in sorted(files):
            if f.endswith(".html"):
                out.append(os.path.relpath(os.path.join(d, f), tree))
    return sorted(out)


def main():
    args = common.extractor_args(__doc__)
    langs = common.LangMap(args.iso639)
    trees = help_trees(args.root)
    if "en-US" not in trees:
        common.log(PROG, f"no en-US help under {args.root}")
        sys.exit(2)
    english_pages = pages(trees["en-US"])
    english = {rel: page_paragraphs(os.path.join(trees["en-US"], rel)) for rel in english_pages}
    common.log(PROG, f"en-US: {len(english)} pages, {sum(len(v) for v in english.values())} paragraphs")
    writer = common.PairWriter(args.out)
    stats = {"english_pages": len(english), "languages": {}}
    for code in sorted(trees):
        iso = langs.to639_3(code)
        st = {"iso639_3": iso, "pages": 0, "paragraphs": 0, "matched": 0, "untranslated": 0, "pairs": 0}
        stats["languages"][code] = st
        if iso is None:
            continue
        for rel in english_pages:
            path = os.path.join(trees[code], rel)
            if not os.path.exists(path):
                continue
            st["pages"] += 1
            en = english[rel]
            for key, text in page_paragraphs(path).items():
                st["paragraphs"] += 1
                src = en.get(key)
                if not src or not text:
                    continue
                st["matched"] += 1
                common.add_translated(writer, iso, src, text, st)
        common.log(PROG, f"{code} -> {iso}: {st['pages']} pages, {st['matched']} paragraphs matched, "
                         f"{st['untranslated']} untranslated, {st['pairs']} pairs")
    stats["files"] = writer.close()
    common.write_json(args.stats, stats)


if __name__ == "__main__":
    main()
