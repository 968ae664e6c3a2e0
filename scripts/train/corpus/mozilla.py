#!/usr/bin/python3
"""English / translation pairs from the Firefox ESR and Thunderbird language packs of Debian.

    mozilla.py --root DIR --iso639 iso_639-3.json --out OUT_DIR --stats STATS.json

Input: DIR/<package>/ trees (unpack.py): the applications (firefox-esr, thunderbird), whose
omni.ja archives hold the en-US strings, and their language packs (firefox-esr-l10n-*,
thunderbird-l10n-*: one langpack-<locale>@....xpi each). Both are zip archives of Fluent (.ftl)
and .properties files.

Alignment is by message id within the same file: a file's key is its path with the locale
components dropped and everything up to the last "localization" or "locale" component removed
("localization/te/browser/aboutDialog.ftl" and "localization/en-US/browser/aboutDialog.ftl" are
both "browser/aboutDialog.ftl"; "browser/chrome/te/locale/browser/browser.properties" and
"chrome/en-US/locale/browser/browser.properties" are "browser/browser.properties"). A locale's
strings are paired with the English strings of its own application.

Fluent: messages and their attributes ("id.attr"), values joined over their continuation lines;
terms ({ -brand-short-name }) are replaced by the term's value in the same locale, string
literals by their text; variables ({ $count }) stay as they are, like gettext's %s. Messages with
a select expression (plurals, genders) or a term that cannot be resolved are skipped, as are
access and command keys. .properties: key = value with \\n, \\t, \\uXXXX and line continuations;
PluralForm values ("#1 tab;#1 tabs") and keys ending in accesskey, commandkey or key are skipped.

Then, as for gettext catalogs (gettext_mo.py): markup stripped, entities decoded, pairs where
the translation equals the English or the English has fewer than 3 words skipped, and multi-sentence
strings split into sentences when both sides have as many.

Output: OUT_DIR/<a>-<b>.tsv per language pair with English, and STATS.json: per package the
locale, language, strings and pairs written, and the skip counts.
"""
import os
import re
import sys
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import gettext_mo  # noqa: E402

PROG = "mozilla"
APPS = {"firefox-esr": "firefox-esr", "thunderbird": "thunderbird"}  # l10n package prefix -> application package

_MSG = re.compile(r"^(-?[A-Za-z][A-Za-z0-9_-]*)\s*=\s*(.*)$")
_ATTR = re.compile(r"^\s+\.([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(.*)$")
_PLACEABLE = re.compile(r"\{\s*(-[A-Za-z][A-Za-z0-9_-]*(?:\.[A-Za-z][A-Za-z0-9_-]*)?|\"[^\"]*\"|\$[A-Za-z][A-Za-z0-9_-]*)\s*\}")
_SKIP_ATTRS = ("accesskey", "commandkey", "key")


def file_key(path, locale):
    parts = [p for p in path.split("/") if p != locale]
    for anchor in ("localization", "locale"):
        if anchor in parts:
            i = len(parts) - 1 - parts[::-1].index(anchor)
            return "/".join(parts[i + 1:])
    return None


def parse_ftl(text):
    """{id or id.attr: raw value} of a Fluent file (terms as "-name")."""
    out, cur, msg_id, lines = {}, None, None, []

    def flush():
        if cur is not None:
            out[cur] = " ".join(x.strip() for x in lines if x.strip())

    for line in text.splitlines():
        if not line.strip():
            continue
        indented = line[:1].isspace()
        m = None if indented else _MSG.match(line)
        a = _ATTR.match(line) if indented and msg_id is not None else None
        if m or a or not indented:
            flush()
            cur, lines = None, []
        if m:
            msg_id = m.group(1)
            cur, lines = msg_id, [m.group(2)]
        elif a:
            cur, lines = f"{msg_id}.{a.group(1)}", [a.group(2)]
        elif indented and cur is not None:
            lines.append(line)
        elif not indented:
            msg_id = None  # a comment or anything else at column 0 ends the entry
    flush()
    return out


def resolve(value, terms):
    """The text of a Fluent value, or None when it holds a select expression or an unknown term."""
    if "->" in value:
        return None
    missing = []

    def sub(m):
        inner = m.group(1)
        if inner.startswith('"'):
            return inner[1:-1]
        if inner.startswith("$"):
            return m.group(0)
        t = terms.get(inner)
        if t is None or "{" in t:
            missing.append(inner)
            return ""
        return t

    text = _PLACEABLE.sub(sub, value)
    if missing or re.search(r"\{\s*-", text):
        return None
    return text


def parse_properties(text):
    out, key, buf = {}, None, ""
    for raw in text.splitlines():
        line = raw if key is not None else raw.lstrip()
        if key is None and (not line or line[0] in "#!"):
            continue
        if key is None:
            m = re.match(r"([^=:\s]+)\s*[=:]\s?(.*)$", line)
            if not m:
                continue
            key, buf = m.group(1), m.group(2)
        else:
            buf += line.lstrip()
        if buf.endswith("\\") and not buf.endswith("\\\\"):
            buf = buf[:-1]
            continue
        out[key] = unescape(buf.strip())
        key, buf = None, ""
    return out


def unescape(s):
    def sub(m):
        c = m.group(1)
        if c[0] == "u":
            return chr(int(c[1:], 16))
        return {"n": "\n", "t": "\t", "r": ""}.get(c, c)

    return re.sub(r"\\(u[0-9A-Fa-f]{4}|.)", sub, s)


def load_archive(path, locale, strings):
    """Adds {(file key, id): text} of one zip archive's .ftl/.properties files under `locale`."""
    ftl = {}
    with zipfile.ZipFile(path) as z:
        for name in sorted(z.namelist()):
            if not (name.endswith(".ftl") or name.endswith(".properties")) or locale not in name.split("/"):
                continue
            key = file_key(name, locale)
            if key is None:
                continue
            text = z.read(name).decode("utf-8", "replace")
            if name.endswith(".ftl"):
                ftl[key] = parse_ftl(text)
            else:
                for k, v in parse_properties(text).items():
                    strings[(key, k)] = v
    terms = {k: v for f in ftl.values() for k, v in f.items() if k.startswith("-") and "." not in k}
    for key, msgs in ftl.items():
        for k, v in msgs.items():
            if k.startswith("-"):
                continue
            text = resolve(v, terms)
            if text is not None:
                strings[(key, k)] = text


def skip_key(k):
    last = k.rsplit(".", 1)[-1].lower()
    return last in _SKIP_ATTRS or k.lower().endswith(("accesskey", "commandkey"))


def english_strings(root, app):
    strings = {}
    for d, dirs, files in os.walk(os.path.join(root, app)):
        dirs.sort()
        for f in sorted(files):
            if f == "omni.ja":
                load_archive(os.path.join(d, f), "en-US", strings)
    return strings


def main():
    args = common.extractor_args(__doc__)
    langs = common.LangMap(args.iso639)
    writer = common.PairWriter(args.out)
    stats = {"packages": {}}
    english = {app: english_strings(args.root, app) for app in sorted(set(APPS.values()))
               if os.path.isdir(os.path.join(args.root, app))}
    for app, s in english.items():
        common.log(PROG, f"{app}: {len(s)} en-US strings")
        stats["packages"][app] = {"en-US strings": len(s)}
    for pkg in sorted(os.listdir(args.root)):
        prefix = next((p for p in APPS if pkg.startswith(p + "-l10n-")), None)
        if prefix is None:
            continue
        st = {"locale": None, "language": None, "strings": 0, "pairs": 0,
              "skipped": {"locale": 0, "no_english": 0, "key": 0, "empty_or_same": 0, "few_words": 0}}
        stats["packages"][pkg] = st
        en = english.get(APPS[prefix])
        for d, dirs, files in os.walk(os.path.join(args.root, pkg)):
            dirs.sort()
            for f in sorted(files):
                m = re.match(r"langpack-(.+)@.*\.xpi$", f)
                if not m or en is None:
                    continue
                locale = m.group(1)
                iso = langs.to639_3(locale)
                st["locale"], st["language"] = locale, iso
                if iso is None:
                    st["skipped"]["locale"] += 1
                    continue
                strings = {}
                load_archive(os.path.join(d, f), locale, strings)
                st["strings"] += len(strings)
                for key in sorted(strings):
                    if skip_key(key[1]):
                        st["skipped"]["key"] += 1
                        continue
                    e = en.get(key)
                    if e is None:
                        st["skipped"]["no_english"] += 1
                        continue
                    t = strings[key]
                    if "#1" in e and ";" in e:  # PluralForm
                        st["skipped"]["key"] += 1
                        continue
                    a, b = common.one_line(gettext_mo.clean(e)), common.one_line(gettext_mo.clean(t))
                    if not b or a == b:
                        st["skipped"]["empty_or_same"] += 1
                        continue
                    if gettext_mo.words(a) < 3:
                        st["skipped"]["few_words"] += 1
                        continue
                    for sx, sy in common.aligned_sentences(a, b):
                        if writer.add("eng", sx, iso, sy):
                            st["pairs"] += 1
        common.log(PROG, f"{pkg}: {st['locale']} ({st['language']}), {st['strings']} strings, {st['pairs']} pairs")
    stats["files"] = writer.close()
    common.write_json(args.stats, stats)


if __name__ == "__main__":
    main()
