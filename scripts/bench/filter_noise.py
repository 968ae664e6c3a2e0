#!/usr/bin/python3
"""Helpers for scripts/bench/filter_noise.sh (standard library only; the noise recipe is in the
header of filter_noise.sh, and the code below follows it).

  filter_noise.py make-data --data DIR --n N --seed S --out INPUT.tsv [--tp-out TP.tsv --tp-mb MB]
      writes the benchmark input: N clean pairs of DIR/deu-eng.tsv.zst and N noisy rows spread
      over the noise types, shuffled together, as `deu<TAB>eng<TAB>label`; with --tp-out also the
      throughput input (the two text columns of INPUT, repeated until it holds >= MB megabytes).
      Prints one JSON line describing the sample (counts per label, fallbacks, languages used).
  filter_noise.py langid-state
      reads `bitmill-filter --explain` (YAML) on stdin; prints `on`, `off` or `unknown` for the
      lang-id rule.
  filter_noise.py report --input INPUT.tsv --kept KEPT.tsv --rejected REJ.tsv --stats STATS.json
                         [--model-used] [--examples K]
      prints the Markdown tables: per label (rows, % kept, % rejected, target, top rules) and per
      rule (false rejections on the clean set against what it catches in the noise), then up to K
      clean rows rejected by each rule. Exit status 1 when the outputs do not account for every
      input row exactly once (rows lost or duplicated by the tool).
"""
import argparse
import codecs
import collections
import itertools
import json
import math
import random
import re
import subprocess
import sys
import unicodedata

PAIR = ("deu", "eng")  # the benchmark pair; deu-eng.tsv.zst has German first
# Noise types in report order. CORE: the types of the issue; EXTRA: cheap additions. The rule
# targets (>= 90% rejected) apply to all but `shuffle`, which needs a semantic model.
CORE = ["swap", "copy", "truncate", "wrong-lang-src", "wrong-lang-tgt", "wrong-lang-short", "shuffle", "url", "mojibake"]
EXTRA = ["numbers", "empty", "control", "repeat"]
TYPES = CORE + EXTRA
# Types whose base pairs must qualify are served first, so the restricted pool is not spent on
# types that can use any pair.
SELECTION_ORDER = ["numbers", "mojibake", "truncate", "repeat", "control", "url", "empty", "swap", "copy",
                   "wrong-lang-src", "wrong-lang-tgt", "wrong-lang-short", "shuffle"]
# Other languages for wrong-lang-*: the non-English side of <lang>-eng / eng-<lang>. Neither
# German nor English, several of them close to German (nld, swe) or in Latin script.
WRONG_LANGS = ["fra", "ita", "nld", "spa", "por", "pol", "ces", "swe", "tur", "rus"]
WRONG_LANG_MIN_WORDS = 4  # a 1-3 word sentence ("Ok.", "Tom!") is not clearly in any language
WRONG_LANG_SHORT_WORDS = (4, 6)  # wrong-lang-short: the short sentences language ID must still catch

URL_WORDS = ["example", "news", "shop", "travel", "verein", "stadt", "blog", "portal", "info", "kontakt", "service",
             "media", "photos", "daten", "hotel", "club"]
URL_TLDS = ["com", "de", "org", "net", "eu", "co.uk", "info", "at", "ch"]
URL_NAMES = ["info", "kontakt", "anna", "m.mueller", "j.smith", "office", "service", "webmaster"]
EMPTY_SIDES = ["", " ", "   ", "\u00a0"]
# Control and invisible format characters (never TAB, LF, CR or NUL: those change the TSV itself).
CONTROL_CHARS = ["\x01", "\x02", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\u0090", "\u200b", "\u200c",
                 "\u200d", "\u200e", "\u200f", "\u202e", "\u2060", "\ufeff"]


def _latin1_fallback(err):
    # cp1252 leaves 0x81, 0x8D, 0x8F, 0x90 and 0x9D undefined; Windows maps them to the C1 controls.
    return err.object[err.start:err.end].decode("latin-1"), err.end


codecs.register_error("bitmill_latin1_fallback", _latin1_fallback)


def mojibake(s):
    return s.encode("utf-8").decode("cp1252", errors="bitmill_latin1_fallback")


def read_pairs(path, cols):
    """Lines of a .tsv.zst as tuples of the given columns (split on LF only: the text may hold
    characters that Python's splitlines would treat as line breaks)."""
    data = subprocess.run(["zstd", "-dcq", path], check=True, stdout=subprocess.PIPE).stdout
    rows = []
    for line in data.decode("utf-8").split("\n"):
        if not line:
            continue
        f = line.split("\t")
        rows.append(tuple(f[c] if c < len(f) else "" for c in cols))
    return rows


def other_lang_sentences(data_dir, lang, max_words=None):
    a, b = sorted([lang, "eng"])
    col = 0 if a == lang else 1
    sents = [r[0] for r in read_pairs(f"{data_dir}/{a}-{b}.tsv.zst", [col])]
    return [s for s in sents if WRONG_LANG_MIN_WORDS <= len(s.split()) <= (max_words or 10**9)]


def shared_numbers(src, tgt):
    return sorted(set(re.findall(r"\d+", src)) & set(re.findall(r"\d+", tgt)))


def eligible(kind, pair):
    src, tgt = pair
    if kind == "numbers":
        return bool(shared_numbers(src, tgt))
    if kind == "mojibake":
        return any(ord(c) > 127 for c in src + tgt)
    if kind == "truncate":
        return len(src.split()) >= 6 or len(tgt.split()) >= 6
    if kind == "repeat":
        return bool(src.split()) or bool(tgt.split())
    if kind == "control":
        return len(src) >= 2 or len(tgt) >= 2
    return True


def make_url(rng):
    word = rng.choice(URL_WORDS)
    tld = rng.choice(URL_TLDS)
    kind = rng.randrange(4)  # http://, https://, www. without a scheme, e-mail
    if kind == 3:
        return f"{rng.choice(URL_NAMES)}@{word}.{tld}"
    host = f"www.{word}.{tld}" if kind == 2 or rng.random() < 0.5 else f"{word}-{rng.choice(URL_WORDS)}.{tld}"
    path = rng.choice(["", "/", "/index.html", f"/{rng.choice(URL_WORDS)}/{rng.randrange(1, 999)}",
                       f"/{rng.choice(URL_WORDS)}?id={rng.randrange(1, 99999)}",
                       f"/{rng.choice(URL_WORDS)}-{rng.choice(URL_WORDS)}.php"])
    return ["http://", "https://", ""][kind] + host + path


def insert_url(rng, s):
    """s with a URL or e-mail address added; also returns the variant ("email end", ...)."""
    url = make_url(rng)
    form = "email" if "@" in url else "https" if url.startswith("https") else "http" if url.startswith("http") else "www"
    words = s.split(" ")
    how = rng.randrange(4)
    if how == 0:  # appended, with trailing punctuation
        return s + " " + url + rng.choice(["", ".", "!", ";"]), f"{form} end"
    if how == 1:  # in parentheses at the end
        return s + " (" + url + ")" + rng.choice(["", "."]), f"{form} (end)"
    if how == 2:  # in front
        return url + rng.choice([" ", ": ", " - "]) + s, f"{form} front"
    i = rng.randrange(1, len(words)) if len(words) > 1 else 1  # inside, between words
    return " ".join(words[:i] + [url + rng.choice(["", ","])] + words[i:]), f"{form} inside"


def change_number(rng, src, tgt):
    nums = shared_numbers(src, tgt)
    d = rng.choice(nums)
    taken = set(re.findall(r"\d+", src)) | set(re.findall(r"\d+", tgt))
    for _ in range(100):
        i = rng.randrange(len(d))
        digits = "123456789" if i == 0 and len(d) > 1 else "0123456789"
        new = d[:i] + rng.choice(digits.replace(d[i], "")) + d[i + 1:]
        if new not in taken:
            break
    pat = re.compile(r"(?<!\d)" + d + r"(?!\d)")
    if rng.random() < 0.5:
        return pat.sub(new, src), tgt, 0
    return src, pat.sub(new, tgt), 1


def pick_side(rng, pair, ok):
    sides = [i for i in (0, 1) if ok(pair[i])]
    return rng.choice(sides)


def replaced(pair, i, text):
    out = list(pair)
    out[i] = text
    return out[0], out[1]


def inject(kind, rng, pair, ctx):
    """The noisy version of `pair` (src, tgt) and its variant, a short text for the report
    ("deu", "eng", a language, a code point, ...; "" when the type has none)."""
    src, tgt = pair
    if kind == "swap":
        return tgt, src, ""
    if kind == "copy":
        ctx["copy_n"] += 1
        return (src, src, "eng := deu") if ctx["copy_n"] % 2 else (tgt, tgt, "deu := eng")
    if kind == "truncate":
        i = pick_side(rng, pair, lambda s: len(s.split()) >= 6)
        words = pair[i].split()
        keep = max(1, round(len(words) * rng.uniform(0.15, 0.35)))
        size = "1-2" if keep <= 2 else "3-5" if keep <= 5 else "6+"
        return (*replaced(pair, i, " ".join(words[:keep])), f"{PAIR[i]} cut to {size} words")
    if kind in ("wrong-lang-src", "wrong-lang-tgt"):
        lang = WRONG_LANGS[ctx["lang_n"] % len(WRONG_LANGS)]  # round robin over the languages
        ctx["lang_n"] += 1
        ctx["langs"][kind][lang] += 1
        other = rng.choice(ctx["other"][lang])
        return (other, tgt, lang) if kind == "wrong-lang-src" else (src, other, lang)
    if kind == "wrong-lang-short":
        lang = WRONG_LANGS[ctx["short_n"] % len(WRONG_LANGS)]
        side = (ctx["short_n"] // len(WRONG_LANGS)) % 2  # German and English sides in turn
        ctx["short_n"] += 1
        ctx["langs"][kind][lang] += 1
        other = rng.choice(ctx["other_short"][lang])
        return (*replaced(pair, side, other), f"{PAIR[side]} := {lang}")
    if kind == "shuffle":
        return src, ctx["shuffle_target"](), ""
    if kind == "url":
        i = rng.randrange(2)
        text, variant = insert_url(rng, pair[i])
        return (*replaced(pair, i, text), f"{PAIR[i]} {variant}")
    if kind == "mojibake":
        i = pick_side(rng, pair, lambda s: any(ord(c) > 127 for c in s))
        return (*replaced(pair, i, mojibake(pair[i])), PAIR[i])
    if kind == "numbers":
        s, t, i = change_number(rng, src, tgt)
        return s, t, PAIR[i]
    if kind == "empty":
        i = rng.randrange(2)
        e = rng.choice(EMPTY_SIDES)
        return (*replaced(pair, i, e), f"{PAIR[i]} " + ("U+00A0" if e == "\u00a0" else f'"{e}"'))
    if kind == "control":
        i = pick_side(rng, pair, lambda s: len(s) >= 2)
        s = pair[i]
        pos = rng.randrange(1, len(s))  # strictly inside: a BOM or ZWSP at an edge could pass as trimming
        c = rng.choice(CONTROL_CHARS)
        return (*replaced(pair, i, s[:pos] + c + s[pos:]), f"U+{ord(c):04X}")
    if kind == "repeat":
        i = pick_side(rng, pair, lambda s: bool(s.split()))
        words = pair[i].split(" ")
        alpha = [j for j, w in enumerate(words) if w.isalpha() and len(w) >= 2]
        j = rng.choice(alpha) if alpha else rng.choice([j for j, w in enumerate(words) if w])
        return (*replaced(pair, i, " ".join(words[:j] + [words[j]] * 5 + words[j + 1:])), PAIR[i])
    raise ValueError(kind)


def cmd_make_data(argv):
    ap = argparse.ArgumentParser(prog="filter_noise.py make-data")
    ap.add_argument("--data", required=True)
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--tp-out")
    ap.add_argument("--variants-out")
    ap.add_argument("--tp-mb", type=float, default=32)
    a = ap.parse_args(argv)
    rng = random.Random(a.seed)

    pairs = read_pairs(f"{a.data}/{PAIR[0]}-{PAIR[1]}.tsv.zst", [0, 1])
    order = list(range(len(pairs)))
    rng.shuffle(order)
    if a.n > len(pairs):
        sys.exit(f"filter_noise.py: --n {a.n} is more than the {len(pairs)} pairs of the file")
    clean = [pairs[i] for i in order[:a.n]]
    pool = order[a.n:]  # pairs not in the clean sample: the noise is made from these

    quota = {t: a.n // len(TYPES) + (1 if k < a.n % len(TYPES) else 0) for k, t in enumerate(TYPES)}
    used = set()
    base = {}
    fallback = {}
    for kind in SELECTION_ORDER:
        got = []
        for i in pool:
            if len(got) == quota[kind]:
                break
            if i not in used and eligible(kind, pairs[i]):
                got.append(i)
                used.add(i)
        if len(got) < quota[kind]:  # pool spent (large --n): reuse pairs of the clean sample
            extra = [i for i in order[:a.n] if eligible(kind, pairs[i])]
            rng.shuffle(extra)
            fallback[kind] = min(quota[kind] - len(got), len(extra))
            got += extra[:fallback[kind]]
        base[kind] = got
    # Targets for `shuffle`: pairs used nowhere else first, then any other pair.
    spare = itertools.cycle([i for i in pool if i not in used] or order)

    def shuffle_target():
        return pairs[next(spare)][1]

    ctx = {"copy_n": 0, "lang_n": 0, "short_n": 0,
           "langs": {k: collections.Counter() for k in ("wrong-lang-src", "wrong-lang-tgt", "wrong-lang-short")},
           "other": {lang: other_lang_sentences(a.data, lang) for lang in WRONG_LANGS},
           "other_short": {lang: other_lang_sentences(a.data, lang, WRONG_LANG_SHORT_WORDS[1]) for lang in WRONG_LANGS},
           "shuffle_target": shuffle_target}
    rows = [(s, t, "clean", "") for s, t in clean]
    for kind in TYPES:
        for i in base[kind]:
            s, t, variant = inject(kind, rng, pairs[i], ctx)
            if kind == "shuffle" and t == pairs[i][1]:
                t = shuffle_target()
            rows.append((s, t, kind, variant))
    rng.shuffle(rows)
    with open(a.out, "w", encoding="utf-8", newline="\n") as f:
        for r in rows:
            assert not any(c in x for x in r for c in "\t\n\r"), r
            f.write("\t".join(r[:3]) + "\n")
    if a.variants_out:  # the variant of each row, line by line beside INPUT
        with open(a.variants_out, "w", encoding="utf-8", newline="\n") as f:
            f.write("".join(r[3] + "\n" for r in rows))
    tp_bytes = 0
    if a.tp_out:
        body = "".join(f"{r[0]}\t{r[1]}\n" for r in rows).encode("utf-8")
        reps = max(1, math.ceil(a.tp_mb * 1e6 / len(body)))
        with open(a.tp_out, "wb") as f:
            for _ in range(reps):
                f.write(body)
        tp_bytes = reps * len(body)
    counts = collections.Counter(r[2] for r in rows)
    print(json.dumps({"pairs_in_file": len(pairs), "rows": len(rows), "counts": {k: counts[k] for k in ["clean"] + TYPES},
                      "reused_clean_pairs": fallback,
                      "wrong_langs": {k: dict(sorted(v.items())) for k, v in ctx["langs"].items()},
                      "tp_bytes": tp_bytes, "tp_rows": (tp_bytes and reps * len(rows))}))


def cmd_langid_state(argv):
    text = sys.stdin.read()
    # Either `  lang-id: false|true` or a block `  lang-id:` followed by `    enabled: ...`.
    m = re.search(r"^\s*lang-id:[ \t]*(\S+)?[^\n]*\n((?:[ \t]+[^\n]*\n)*)", text, re.M)
    state = "unknown"
    if m:
        inline = (m.group(1) or "").strip("{},")
        if inline in ("true", "on", "false", "off"):
            state = "on" if inline in ("true", "on") else "off"
        else:
            e = re.search(r"enabled:\s*(true|false|on|off)", (m.group(1) and m.group(0)) or m.group(2))
            state = "on" if e is None or e.group(1) in ("true", "on") else "off"
    print(state)


def read_tsv(path):
    with open(path, "rb") as f:
        data = f.read().decode("utf-8", errors="surrogateescape")
    return [line.split("\t") for line in data.split("\n") if line]


def pct(a, b):
    return f"{100.0 * a / b:.1f}" if b else "-"


def short(s, n=70):
    """s cut to n characters, its control and format characters (invisible) shown as [U+XXXX]."""
    s = "".join(f"[U+{ord(c):04X}]" if unicodedata.category(c) in ("Cc", "Cf") else c for c in s)
    return s if len(s) <= n else s[:n - 1] + "…"


def cmd_report(argv):
    ap = argparse.ArgumentParser(prog="filter_noise.py report")
    for o in ("--input", "--kept", "--rejected", "--stats"):
        ap.add_argument(o, required=True)
    ap.add_argument("--model-used", action="store_true")
    ap.add_argument("--examples", type=int, default=2)
    ap.add_argument("--variants", help="the variant of each input row, line by line (make-data --variants-out)")
    ap.add_argument("--part", choices=["labels", "rules", "all"], default="all")
    a = ap.parse_args(argv)

    inp = read_tsv(a.input)
    rows_in = collections.Counter(r[-1] for r in inp)
    kept_rows = read_tsv(a.kept)
    kept = collections.Counter(r[-1] for r in kept_rows)
    rej_rows = read_tsv(a.rejected)
    rejected = collections.Counter()
    fired = collections.defaultdict(collections.Counter)  # label -> rule -> rows where it failed
    first = collections.defaultdict(collections.Counter)  # label -> rule -> rows where it failed first
    sole = collections.defaultdict(collections.Counter)   # label -> rule -> rows where it alone failed
    examples = collections.defaultdict(list)              # rule -> clean rows it rejected first
    for r in rej_rows:
        label, rules = r[-2], [x for x in r[-1].split(",") if x]
        rejected[label] += 1
        for x in dict.fromkeys(rules):
            fired[label][x] += 1
        if rules:
            first[label][rules[0]] += 1
            if len(rules) == 1:
                sole[label][rules[0]] += 1
            if label == "clean" and len(examples[rules[0]]) < a.examples:
                examples[rules[0]].append(r)

    labels = ["clean"] + TYPES + sorted(set(rows_in) - set(TYPES) - {"clean"})
    ok = all(kept[lab] + rejected[lab] == rows_in[lab] for lab in set(labels) | set(kept) | set(rejected))
    if a.part in ("labels", "all"):
        print_labels(a, labels, rows_in, kept, rejected, fired, ok)
    if a.part in ("rules", "all"):
        print_rules(a, labels, rows_in, fired, first, sole, examples)
        if a.variants:
            print_kept_noise(a, inp, kept_rows)
    return 0 if ok else 1


def print_labels(a, labels, rows_in, kept, rejected, fired, ok):
    print("## Per label")
    print()
    print("| label | rows | kept % | rejected % | target | result | rules failing most (% of the label's rows) |")
    print("|---|---:|---:|---:|---|---|---|")
    core_pass = extra_pass = core_n = extra_n = 0
    for lab in labels:
        n, k, j = rows_in[lab], kept[lab], rejected[lab]
        if lab == "clean":
            target, passed = ">= 95% kept", n and k >= 0.95 * n
        elif lab == "shuffle" and not a.model_used:
            target, passed = "needs --model", None
        else:
            target, passed = ">= 90% rejected", n and j >= 0.90 * n
        if passed is not None and lab in CORE:
            core_n += 1
            core_pass += bool(passed)
        elif passed is not None and lab in EXTRA:
            extra_n += 1
            extra_pass += bool(passed)
        result = "n/a" if passed is None else ("pass" if passed else "**FAIL**")
        top = ", ".join(f"{x} ({pct(c, n)})" for x, c in fired[lab].most_common(3)) or "-"
        name = lab + (" (extra)" if lab in EXTRA else "")
        print(f"| {name} | {n} | {pct(k, n)} | {pct(j, n)} | {target} | {result} | {top} |")
    print()
    print(f"Targets met: clean {'yes' if kept['clean'] >= 0.95 * rows_in['clean'] else 'NO'}; "
          f"noise types of the issue {core_pass}/{core_n}; extra types {extra_pass}/{extra_n}"
          + ("" if a.model_used else " (shuffle not counted: it needs --model)") + ".")
    if not ok:
        print()
        print("**Row accounting: kept + rejected differ from the input for labels "
              + ", ".join(f"{lab} ({rows_in[lab]} in, {kept[lab]} kept, {rejected[lab]} rejected)"
                          for lab in labels if kept[lab] + rejected[lab] != rows_in[lab]) + "**")

    try:
        with open(a.stats, encoding="utf-8") as f:
            st = json.load(f)
        total_in, total_kept = sum(rows_in.values()), sum(kept.values())
        agree = st.get("rows_in") == total_in and st.get("rows_kept") == total_kept
        print()
        print(f"stats JSON: rows_in {st.get('rows_in')}, rows_kept {st.get('rows_kept')} "
              f"({'agrees with' if agree else 'DIFFERS from'} the outputs: {total_in} in, {total_kept} kept); "
              "rejected: " + ", ".join(f"{k} {v}" for k, v in sorted((st.get("rejected") or {}).items(),
                                                                     key=lambda kv: -kv[1])))
    except (OSError, ValueError) as e:
        print(f"\nstats JSON: unreadable ({e})")


def print_rules(a, labels, rows_in, fired, first, sole, examples):
    print()
    print("## Rules: false rejections of clean pairs against what they catch")
    print()
    print(f"Clean rows: {rows_in['clean']}. \"alone\" = rows where this rule is the only one failing "
          "(the rows that switching it off would keep).")
    print()
    print("| rule | clean: fails | clean: first | clean: alone | noise: fails | noise: alone |")
    print("|---|---:|---:|---:|---:|---:|")
    rules = collections.Counter()
    for lab in fired:
        rules.update(fired[lab])
    noise_labels = [lab for lab in labels if lab != "clean"]
    for x in sorted(rules, key=lambda x: (-fired["clean"][x], -rules[x], x)):
        nf = sum(fired[lab][x] for lab in noise_labels)
        ns = sum(sole[lab][x] for lab in noise_labels)
        print(f"| {x} | {fired['clean'][x]} ({pct(fired['clean'][x], rows_in['clean'])}%) | {first['clean'][x]} "
              f"| {sole['clean'][x]} | {nf} | {ns} |")
    if a.examples and examples:
        print()
        print(f"Clean rows rejected, up to {a.examples} per first failing rule (German | English | rules):")
        print()
        for x in sorted(examples, key=lambda x: -first["clean"][x]):
            for r in examples[x]:
                print(f"- `{x}`: {short(r[0])} | {short(r[1])} | {r[-1]}")


def print_kept_noise(a, inp, kept_rows):
    """The noisy rows that were kept, by type and variant: what the rules miss."""
    with open(a.variants, encoding="utf-8", newline="\n") as f:
        variants = f.read().split("\n")[:len(inp)]
    by_key = collections.defaultdict(list)  # (src, tgt, label) -> variants of such input rows
    total = collections.defaultdict(collections.Counter)  # label -> variant -> rows
    for r, v in zip(inp, variants):
        if r[-1] != "clean":
            by_key[tuple(r[:2] + r[-1:])].append(v)
            total[r[-1]][v] += 1
    missed = collections.defaultdict(collections.Counter)
    shown = collections.defaultdict(list)
    for r in kept_rows:
        label = r[-1]
        if label == "clean" or (label == "shuffle" and not a.model_used):
            continue
        vs = by_key.get(tuple(r[:2] + r[-1:]))
        v = vs.pop() if vs else "?"
        missed[label][v] += 1
        if len(shown[label]) < a.examples:
            shown[label].append((r, v))
    print()
    print("## Noisy rows kept, by type and variant")
    print()
    if not missed:
        print("None" + ("" if a.model_used else " (shuffle not counted: it needs --model)") + ".")
        return
    print("Per type: the variants with kept rows (kept / rows of that variant), most missed first"
          + ("" if a.model_used else "; shuffle left out (it needs --model)") + f"; up to {a.examples} examples.")
    print()
    for label in TYPES + sorted(set(missed) - set(TYPES)):
        if label not in missed:
            continue
        m, t = missed[label], total[label]
        parts = sorted(m, key=lambda v: (-m[v] / max(t[v], 1), -m[v], v))
        desc = ", ".join(f"{v} {m[v]}/{t[v]}" for v in parts[:12] if v) + (", ..." if len(parts) > 12 else "")
        print(f"- **{label}**: {sum(m.values())} of {sum(t.values())} kept" + (f": {desc}" if desc else ""))
        for r, v in shown[label]:
            print("  - " + (f"({v}) " if v else "") + f"{short(r[0])} | {short(r[1])}")


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in ("make-data", "langid-state", "report"):
        sys.exit(__doc__)
    cmd = {"make-data": cmd_make_data, "langid-state": cmd_langid_state, "report": cmd_report}[sys.argv[1]]
    sys.exit(cmd(sys.argv[2:]) or 0)


if __name__ == "__main__":
    main()
