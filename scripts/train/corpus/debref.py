#!/usr/bin/python3
"""English / translation pairs from the Debian Reference (debian-reference-* packages).

    debref.py --root DIR --iso639 iso_639-3.json --out OUT_DIR --stats STATS.json

Input: DIR/<package>/ trees (dpkg-deb -x) holding usr/share/debian-reference/<page>.<lang>.html;
<lang> "en" is the English side. The translations are made with po4a, which keeps the DocBook
structure of the English source, so every language's page has the same sequence of text blocks
(<p>, <td>, <th>, <dt>, headings, captions; <pre> screens and program listings are left out): a
page is paired block by block when both sides have the same number of blocks, and skipped
otherwise. Untranslated blocks (the English text itself) are skipped. Each block pair is split into
sentences when both sides have the same number of sentences (common.aligned_sentences).

Output: OUT_DIR/<a>-<b>.tsv per language pair with English, and STATS.json (per language: pages,
pages whose structure differs, blocks, untranslated, pairs).
"""
import os
import re
import sys
from html.parser import HTMLParser

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

PROG = "debref"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
BLOCK = {"p", "td", "th", "dt", "h1", "h2", "h3", "h4", "h5", "h6", "caption"}
SKIP = {"pre", "script", "style", "head"}


class Blocks(HTMLParser):
    """The text of every innermost block element, in document order (nested blocks end the outer one's text run)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out = []
        self.stack = []  # (tag, parts or None)
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        if tag in SKIP:
            self.skip += 1
        self.stack.append((tag, [] if tag in BLOCK else None))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                while len(self.stack) > i:
                    t, parts = self.stack.pop()
                    if t in SKIP:
                        self.skip -= 1
                    if parts is not None:
                        self.out.append(common.one_line("".join(parts)))
                return

    def handle_data(self, data):
        if self.skip:
            return
        for _t, parts in reversed(self.stack):
            if parts is not None:
                parts.append(data)
                return


def blocks(path):
    p = Blocks()
    with open(path, encoding="utf-8", errors="replace") as f:
        p.feed(f.read())
    p.close()
    return p.out


def main():
    args = common.extractor_args(__doc__)
    langs = common.LangMap(args.iso639)
    pages = {}  # lang -> {page: path}
    for pkg in sorted(os.listdir(args.root)):
        d = os.path.join(args.root, pkg, "usr/share/debian-reference")
        if not os.path.isdir(d):
            continue
        for f in sorted(os.listdir(d)):
            m = re.match(r"^(.+)\.([A-Za-z_-]+)\.html$", f)
            if m:
                pages.setdefault(m.group(2), {})[m.group(1)] = os.path.join(d, f)
    if "en" not in pages:
        common.log(PROG, f"no English pages under {args.root}")
        sys.exit(2)
    english = {page: blocks(path) for page, path in sorted(pages["en"].items())}
    writer = common.PairWriter(args.out)
    stats = {"english_pages": len(english), "languages": {}}
    for code in sorted(pages):
        iso = langs.to639_3(code)
        st = {"iso639_3": iso, "pages": 0, "structure_differs": 0, "blocks": 0, "untranslated": 0, "pairs": 0}
        stats["languages"][code] = st
        if iso is None:
            continue
        for page, path in sorted(pages[code].items()):
            if page not in english:
                continue
            st["pages"] += 1
            en, xx = english[page], blocks(path)
            if len(en) != len(xx):
                st["structure_differs"] += 1
                continue
            for a, b in zip(en, xx):
                if not a or not b:
                    continue
                st["blocks"] += 1
                common.add_translated(writer, iso, a, b, st)
        common.log(PROG, f"{code} -> {iso}: {st['pages']} pages ({st['structure_differs']} differ), "
                         f"{st['blocks']} blocks, {st['untranslated']} untranslated, {st['pairs']} pairs")
    stats["files"] = writer.close()
    common.write_json(args.stats, stats)


if __name__ == "__main__":
    main()
