#!/usr/bin/python3
"""Size figures of the C++ code, per area: files, lines, the largest file and the longest function.

What it counts: lib/src/AREA/ and lib/include/bitmill/AREA/ make an area (tests, *_test.cc, are
counted apart, as "AREA tests"); each apps/TOOL/ is one more row. A function is a brace-delimited
body whose header (the text since the previous ';', '{' or '}') has a parameter list and is not a
control statement, a namespace, a class or an initialiser: free functions, member functions and
constructors. Lambdas and local classes count as part of the function around them. Its length is
from the first line of its header to its closing brace. Comments, strings and preprocessor lines
are skipped before matching, so braces in them do not count.

Usage: scripts/dev/code_stats.py [ROOT]   (default: this checkout). Prints a Markdown table.
"""
import os
import re
import sys

CONTROL = re.compile(r"^(if|for|while|switch|catch|do|else|return|namespace|class|struct|union|enum|try)\b")


def strip_code(text):
    """The text with comments, string and char literals and preprocessor lines blanked (newlines kept)."""
    out, i, n = [], 0, len(text)
    line_start = True
    while i < n:
        c = text[i]
        if line_start and c == "#":
            j = text.find("\n", i)
            while j > 0 and text[j - 1] == "\\":
                j = text.find("\n", j + 1)
            j = n if j < 0 else j
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
            continue
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
            continue
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
            continue
        m = re.match(r'R"([^(]*)\(', text[i:i + 20])
        if m:
            end = ")" + m.group(1) + '"'
            j = text.find(end, i + m.end())
            j = n if j < 0 else j + len(end)
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
            continue
        if c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(c + " " * (min(j, n) - i - 1) + c)
            i = j + 1
            continue
        out.append(c)
        line_start = c == "\n" or (line_start and c in " \t")
        i += 1
    return "".join(out)


def functions(path):
    """(name, first line, last line) of each function in the file."""
    code = strip_code(open(path, encoding="utf-8", errors="replace").read())
    result = []
    depth = 0
    fn_depth = None  # depth at which the current function's body opened
    fn_start = fn_name = None
    header_start = 0
    for i, c in enumerate(code):
        if c in ";":
            if fn_depth is None:
                header_start = i + 1
        elif c == "{":
            if fn_depth is None:
                header = code[header_start:i].strip()
                flat = " ".join(header.split())
                m = re.search(r"([~\w:<>]+)\s*\(", flat)
                if (m and ")" in flat and not CONTROL.match(flat) and not re.search(r"=\s*\[", flat)
                        and not flat.endswith("=") and not re.match(r"^[\w:<>,\s]*\s*=", flat.split("(")[0])):
                    fn_depth, fn_name = depth, m.group(1)
                    fn_start = code.count("\n", 0, header_start + (len(code[header_start:i]) -
                                                                  len(code[header_start:i].lstrip()))) + 1
            depth += 1
            if fn_depth is None:
                header_start = i + 1
        elif c == "}":
            depth -= 1
            if fn_depth is not None and depth == fn_depth:
                result.append((fn_name, fn_start, code.count("\n", 0, i) + 1))
                fn_depth = None
            if fn_depth is None:
                header_start = i + 1
    return result


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../.."))
    groups = {}

    def add(group, path):
        groups.setdefault(group, []).append(path)

    for base in ("lib/src", "lib/include/bitmill"):
        top = os.path.join(root, base)
        for area in sorted(os.listdir(top)):
            d = os.path.join(top, area)
            if not os.path.isdir(d):
                continue
            for dirpath, _, names in os.walk(d):
                for f in names:
                    if f.endswith((".cc", ".h", ".cpp")):
                        add(area + (" tests" if f.endswith("_test.cc") else ""), os.path.join(dirpath, f))
    apps = os.path.join(root, "apps")
    for tool in sorted(os.listdir(apps)):
        d = os.path.join(apps, tool)
        if os.path.isdir(d):
            for f in os.listdir(d):
                if f.endswith((".cpp", ".cc", ".h")):
                    add("apps/" + tool, os.path.join(d, f))

    print("| area | files | lines | largest file (lines) | longest function (lines) |")
    print("|---|--:|--:|---|---|")
    for group in sorted(groups, key=lambda g: (g.startswith("apps/"), g)):
        files = groups[group]
        sizes = [(sum(1 for _ in open(p, encoding="utf-8", errors="replace")), p) for p in files]
        lines, big = max(sizes)
        fns = [(last - first + 1, name, p, first) for p in files for name, first, last in functions(p)]
        longest = max(fns) if fns else (0, "-", "", 0)
        rel = lambda p: os.path.relpath(p, root)
        fn = f"{longest[1]} in {os.path.basename(longest[2])} ({longest[0]})" if fns else "-"
        print(f"| {group} | {len(files)} | {sum(s for s, _ in sizes)} | {os.path.basename(big)} ({lines}) | {fn} |")


if __name__ == "__main__":
    main()
