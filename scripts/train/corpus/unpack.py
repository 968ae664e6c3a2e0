#!/usr/bin/python3
"""Unpack the files a source needs from Debian packages, and record each package's provenance.

    unpack.py --match REGEX --root ROOT --info INFO.json DEB...

Each DEB is read with `dpkg-deb --fsys-tarfile` (so it is never installed) and its regular files
whose path (as "usr/share/...") matches REGEX are written below ROOT/<package>/; the package's
copyright file (usr/share/doc/<package>/copyright) is always read. INFO.json gets, per package:
version, .deb file name, size and SHA-256, the number of files unpacked, and a licence summary of
the copyright file: for machine-readable (DEP-5) files the License of the "Files: *" paragraph
and every licence named; otherwise the licence names the text mentions. When the package's doc
directory is a symlink to another package's, that is recorded instead.
"""
import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tarfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

PROG = "unpack"

_KNOWN = [
    ("GPL-3+", r"GNU General Public License[^.]{0,80}version 3[^.]{0,40}later|GPL-?v?3\+|GPL-3(\.0)?-or-later"),
    ("GPL-2+", r"GNU General Public License[^.]{0,80}version 2[^.]{0,40}later|GPL-?v?2\+|GPL-2(\.0)?-or-later"),
    ("GPL-3", r"GPL-?v?3\b"),
    ("GPL-2", r"GPL-?v?2\b"),
    ("LGPL-2.1+", r"LGPL-?v?2\.1\+|Lesser General Public License[^.]{0,80}2\.1[^.]{0,40}later"),
    ("LGPL-3+", r"LGPL-?v?3\+"),
    ("LGPL", r"\bLGPL\b|Library General Public|Lesser General Public"),
    ("GPL", r"\bGPL\b|GNU General Public License"),
    ("MPL-2.0", r"MPL-2\.0|Mozilla Public License,? (v\. |version )?2\.0"),
    ("Apache-2.0", r"Apache-2\.0|Apache License,? Version 2\.0"),
    ("BSD", r"\bBSD\b"),
    ("MIT/Expat", r"\bMIT\b|\bExpat\b"),
    ("GFDL", r"\bGFDL\b|GNU Free Documentation License"),
    ("CC-BY-SA", r"CC-BY-SA|Creative Commons Attribution-ShareAlike"),
    ("CC0", r"\bCC0\b"),
    ("public-domain", r"public[ -]domain"),
]


def licence_summary(text):
    if re.match(r"^Format:\s*\S*copyright-format", text, re.M | re.I) or "Upstream-Name:" in text:
        main, names = None, []
        for para in re.split(r"\n\s*\n", text):
            files = re.search(r"^Files:\s*(.*(?:\n[ \t].*)*)", para, re.M)
            lic = re.search(r"^License:[ \t]*(\S[^\n]*)", para, re.M)
            if lic:
                name = lic.group(1).strip()
                if name not in names:
                    names.append(name)
                if files and main is None and files.group(1).split()[:1] == ["*"]:
                    main = name
        return {"format": "dep5", "files_star": main, "licences": names[:20], "licences_total": len(names)}
    found = [name for name, rx in _KNOWN if re.search(rx, text, re.I)]
    return {"format": "text", "mentions": found}


def unpack(deb, root, match):
    pkg = subprocess.run(["dpkg-deb", "-f", deb, "Package"], check=True, capture_output=True, text=True).stdout.strip()
    ver = subprocess.run(["dpkg-deb", "-f", deb, "Version"], check=True, capture_output=True, text=True).stdout.strip()
    with open(deb, "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    info = {"version": ver, "deb": os.path.basename(deb), "size": os.path.getsize(deb), "sha256": sha, "files": 0}
    dest = os.path.join(root, pkg)
    copyright_path = f"usr/share/doc/{pkg}/copyright"
    copyright_text = None
    doc_link = None
    proc = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", deb], stdout=subprocess.PIPE)
    with tarfile.open(fileobj=proc.stdout, mode="r|") as tar:
        for m in tar:
            name = m.name[2:] if m.name.startswith("./") else m.name
            if name == f"usr/share/doc/{pkg}" and m.issym():
                doc_link = m.linkname
            if not m.isfile():
                continue
            is_copyright = name == copyright_path
            want = re.search(match, name) is not None and ".." not in name.split("/")
            if not (want or is_copyright):
                continue
            data = tar.extractfile(m).read()
            if is_copyright:
                copyright_text = data.decode("utf-8", "replace")
            if not want:
                continue
            out = os.path.join(dest, name)
            os.makedirs(os.path.dirname(out), exist_ok=True)
            with open(out, "wb") as f:
                f.write(data)
            info["files"] += 1
    if proc.wait() != 0:
        raise SystemExit(f"{PROG}: dpkg-deb --fsys-tarfile {deb} failed")
    if copyright_text is not None:
        info["licence"] = licence_summary(copyright_text)
    elif doc_link:
        info["licence"] = {"format": "none", "doc_dir_links_to": doc_link}
    else:
        info["licence"] = {"format": "none"}
    return pkg, info


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--match", required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("--info", required=True)
    ap.add_argument("debs", nargs="+")
    args = ap.parse_args()
    packages = {}
    for deb in sorted(args.debs):
        pkg, info = unpack(deb, args.root, args.match)
        packages[pkg] = info
    common.write_json(args.info, packages)
    common.log(PROG, f"{len(packages)} packages, {sum(p['files'] for p in packages.values())} files into {args.root}")


if __name__ == "__main__":
    main()
