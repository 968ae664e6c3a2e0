#!/usr/bin/python3
"""Write a static model's card (MODEL/README.md) from what the recipe measured and recorded.

Usage: card.py MODEL --name NAME --work WORK [--baseline WORK2 --baseline-name NAME2]
               [--speed FILE] [--notes FILE] [--out FILE]

Every number in the card comes from a file the recipe wrote, none is typed in:
- MODEL/training.json (scripts/train/train.py): the stage's command, steps, pairs, minutes and
  device; the stages before it are found by following its --init back (their directories must
  still exist), and the tokenizer command from the first stage's record;
- MODEL's files (sizes, sha256) and its 0_StaticEmbedding/model.safetensors header (table shape
  and type);
- WORK, an `evaluate.sh --work` directory of MODEL: tatoeba.tsv, ntrex.tsv, mine.tsv,
  ntrex-mine.tsv and mine-sparse.tsv, whichever it has (evaluate.sh's columns);
- MODEL/bitmill.json (scripts/train/calibrate.py): the calibrated default threshold;
- --baseline WORK2: the same tables of an earlier model, shown beside (e.g. the model it replaces);
- --speed FILE: what scripts/bench/embed_static.sh printed for MODEL (quoted as it is);
- --notes FILE: Markdown appended as the card's last section (what the numbers do not say: why
  this recipe, what limited it), kept in the repository beside the recipe.
The card links to EVALUATION.md, CALIBRATION.md and DATA.md when MODEL has them.

Writes --out (default MODEL/README.md) atomically. Only the standard library.
"""
import argparse
import hashlib
import json
import os
import struct
import sys

import atomic


def die(msg):
    sys.exit(f"card: error: {msg}")


def read_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        die(f"{path}: {e}")


def stages(model):
    """The training records of MODEL and of the stages it was initialised from, first stage first."""
    chain, d, seen = [], model, set()
    while d:
        path = os.path.join(d, "training.json")
        if not os.path.isfile(path):
            die(f"{path} not found (train.py writes it; a stage's directory must outlive the stages after it)")
        real = os.path.realpath(d)
        if real in seen:
            die(f"{path}: --init loops back to {d}")
        seen.add(real)
        rec = read_json(path)
        if not isinstance(rec.get("args"), dict) or not isinstance(rec.get("command"), str):
            die(f"{path}: not a train.py record (no args or command)")
        chain.append(rec)
        d = rec["args"].get("init")
    return chain[::-1]


def table_header(model):
    """Shape and type of the embedding table, from the safetensors header."""
    path = os.path.join(model, "0_StaticEmbedding", "model.safetensors")
    try:
        with open(path, "rb") as f:
            n = struct.unpack("<Q", f.read(8))[0]
            header = json.loads(f.read(n))
    except (OSError, ValueError, struct.error) as e:
        die(f"{path}: {e}")
    w = header.get("embedding.weight")
    if not isinstance(w, dict):
        die(f"{path}: no embedding.weight tensor")
    return w["shape"], w["dtype"], "embedding.scale" in header


def files(model, skip):
    rows = []
    for root, _, names in os.walk(model):
        for name in names:
            path = os.path.join(root, name)
            rel = os.path.relpath(path, model)
            if rel in skip:
                continue
            with open(path, "rb") as f:
                digest = hashlib.sha256(f.read()).hexdigest()[:16]
            rows.append((rel, os.path.getsize(path), digest))
    return sorted(rows)


def read_tsv(work, name):
    path = os.path.join(work, f"{name}.tsv")
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8") as f:
        rows = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    if not rows:
        die(f"{path}: empty")
    return rows


def retrieval_summary(rows):
    acc = [float(r[2]) for r in rows]
    return {"mean": sum(acc) / len(acc), "lowest": min(acc), "below30": sum(a < 30 for a in acc), "n": len(acc),
            "by_lang": {r[0]: float(r[2]) for r in rows}}


def mining_summary(rows):
    dflt = [float(r[6]) for r in rows]
    best = [float(r[11]) for r in rows]
    return {"default": sum(dflt) / len(dflt), "best": sum(best) / len(best), "n": len(rows),
            "gap": max(b - d for b, d in zip(best, dflt)), "by_pair": {r[0]: (float(r[6]), float(r[11])) for r in rows}}


def summaries(work):
    out = {}
    for name in ("tatoeba", "ntrex"):
        rows = read_tsv(work, name)
        if rows:
            out[name] = retrieval_summary(rows)
    for name in ("mine", "ntrex-mine", "mine-sparse"):
        rows = read_tsv(work, name)
        if rows:
            out[name] = mining_summary(rows)
    if not out:
        die(f"{work}: no evaluate.sh tables (tatoeba.tsv, ntrex.tsv, mine.tsv, ...)")
    return out


SET_TITLES = {
    "tatoeba": "Tatoeba retrieval, mean xx→en accuracy (cosine), %",
    "ntrex": "NTREX long-tail retrieval, mean xx→en accuracy (cosine), %",
    "mine": "Mining, dev/mine (newstest), mean F1 at the default / best threshold",
    "ntrex-mine": "Mining planted in NTREX, mean F1 at the default / best threshold",
    "mine-sparse": "Sparse mining (dev/mine, 10% of its translations), mean F1 default / best",
}


def quality_rows(s, b, per_pair=False):
    """(title, value, baseline value) rows of the headline table; per_pair: the model's "default"
    columns were mined at each task's language-pair threshold (evaluate.sh names the languages)."""
    rows = []
    for name, title in SET_TITLES.items():
        if name not in s:
            continue
        if per_pair and name not in ("tatoeba", "ntrex"):
            title = title.replace("at the default", "at the default (the pair's, for this model)")
        x, y = s[name], (b or {}).get(name)
        if name in ("tatoeba", "ntrex"):
            fmt = lambda v: f"{v['mean']:.2f} (lowest {v['lowest']:.2f}, {v['below30']} of {v['n']} below 30)"
        else:
            fmt = lambda v: f"{v['default']:.2f} / {v['best']:.2f} (largest gap {v['gap']:.2f})"
        rows.append((title, fmt(x), fmt(y) if y else "–"))
    return rows


def pair_rows(s, b):
    """Per-task mining F1 on dev/mine, the tasks the issue tracks one by one."""
    if "mine" not in s:
        return []
    base = (b or {}).get("mine", {}).get("by_pair", {})
    rows = []
    for pair, (d, best) in sorted(s["mine"]["by_pair"].items()):
        old = base.get(pair)
        rows.append((pair, f"{d:.2f}", f"{best:.2f}", f"{old[1]:.2f}" if old else "–",
                     f"{best - old[1]:+.2f}" if old else "–"))
    return rows


def speed_block(path):
    """embed_static.sh's printed table, quoted as it is."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read().strip()
    except (OSError, UnicodeDecodeError) as e:
        die(f"{path}: {e}")
    if "sentences/s" not in text:
        die(f"{path}: not the output of scripts/bench/embed_static.sh (no sentences/s)")
    return ["```", text, "```"]


def shown_command(command):
    """A recorded command with the script named from the repository root, however it was invoked."""
    first, _, rest = command.partition(" ")
    if os.path.basename(first) == "train.py":
        first = "scripts/train/train.py"
    return f"{first} {rest}" if rest else first


def md_table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" if i == 0 else "--:" for i in range(len(header))) + "|"]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def stage_heading(i, rec):
    """The line above a stage's command; a run without steps only stored the table anew."""
    if not rec.get("steps"):
        dtype = rec["args"].get("dtype")
        scales = f" with {rec['args'].get('scale_dtype')} scales" if dtype == "int8" else ""  # only int8 has them
        return f"Stage {i}, a conversion (no training steps: the previous stage's table, stored as {dtype}{scales}):"
    threads = rec["args"].get("threads")
    return (f"Stage {i} ({rec.get('steps')} steps, {rec.get('pairs_seen'):,} pairs, "
            f"{rec.get('train_seconds', 0) / 60:.1f} min on {rec.get('device')}, torch {rec.get('torch')}, "
            f"{threads} thread{'' if threads == 1 else 's'}):")


def card(a):
    chain = stages(a.model)
    last = chain[-1]
    shape, dtype, has_scale = table_header(a.model)
    s = summaries(a.work)
    b = summaries(a.baseline) if a.baseline else None
    out_rel = os.path.relpath(a.out, a.model) if a.out else "README.md"
    listing = files(a.model, {out_rel})
    size = sum(n for _, n, _ in listing)
    weights = sum(n for rel, n, _ in listing if rel.startswith("0_StaticEmbedding"))
    calib_path = os.path.join(a.model, "bitmill.json")
    calib = read_json(calib_path).get("mining") if os.path.isfile(calib_path) else None
    pair_thresholds = (calib or {}).get("pair_thresholds") or {}
    fmt_name = {"I8": f"int8 with one {'scale per row' if has_scale else '(no scale!)'}", "F16": "f16",
                "F32": "f32", "BF16": "bf16"}.get(dtype, dtype)

    p = [f"# {a.name}: bitmill's default sentence encoder", ""]
    p.append(f"A static multilingual sentence encoder for `bitmill-embed`: the mean of SentencePiece piece vectors "
             f"({shape[0]:,} pieces, {shape[1]} dimensions, {fmt_name}), L2-normalised, in the sentence-transformers "
             f"`StaticEmbedding` layout. {size / 1e6:.2f} MB on disk with the documents (the files below), "
             f"{weights / 1e6:.2f} MB of them the table and the tokenizer. This card is written by "
             f"`scripts/train/card.py` from the recipe's own records; nothing in it is typed by hand but the Notes.")
    if dtype == "I8":
        p.append("")
        p.append("The table is bitmill's int8 format: `embedding.weight` holds int8 values and `embedding.scale` one "
                 "scale per row; bitmill-embed keeps the table in int8 and multiplies a row by its scale as it adds "
                 "the row to a sentence's sum (see `man bitmill-embed`). sentence-transformers cannot read this "
                 "format.")
    p += ["", "## Quality", ""]
    p.append(f"Measured by `scripts/train/evaluate.sh` on the dev sets (never trained on); every table in "
             f"{'[EVALUATION.md](EVALUATION.md)' if os.path.isfile(os.path.join(a.model, 'EVALUATION.md')) else 'its report'}.")
    p.append("")
    if b:
        p.append(md_table(["", a.name, a.baseline_name], quality_rows(s, b, bool(pair_thresholds))))
    else:
        p.append(md_table(["", a.name], [r[:2] for r in quality_rows(s, b, bool(pair_thresholds))]))
    rows = pair_rows(s, b)
    if rows and b:
        p += ["", md_table(["dev/mine task", "F1 (default)", "F1 (best)", f"{a.baseline_name} (best)", "change"], rows)]
    elif rows:
        p += ["", md_table(["dev/mine task", "F1 (default)", "F1 (best)"], [r[:3] for r in rows])]
    if calib:
        p += ["", "## Default mining threshold", ""]
        p.append(f"`bitmill-mine` keeps pairs scoring above **{calib.get('threshold')}** when `--threshold` is not "
                 f"given ({calib.get('margin')} margin, k = {calib.get('k')}, {calib.get('retrieval')} retrieval, "
                 f"`bitmill.json`); calibrated by {calib.get('calibrated_on', 'scripts/train/calibrate.py')}"
                 f"{'; per task in [CALIBRATION.md](CALIBRATION.md)' if os.path.isfile(os.path.join(a.model, 'CALIBRATION.md')) else ''}.")
        if pair_thresholds:
            p += ["", f"With `--src-lang` and `--tgt-lang`, the threshold of the language pair where the model has one "
                      f"({len(pair_thresholds)} pairs: " + ", ".join(f"{k} {v:g}" for k, v in pair_thresholds.items())
                  + "). evaluate.sh names each task's languages, so the tables above use them; CALIBRATION.md gives "
                    "the F1 at the default threshold too, and how well the pairs' thresholds hold on sentences they "
                    "were not fitted on."]
    if a.speed:
        p += ["", "## Speed (`scripts/bench/embed_static.sh`)", ""] + speed_block(a.speed)
    p += ["", "## Recipe", "", "Tokenizer:", "", "    " + chain[0].get("tokenizer_command", "(not recorded)"), ""]
    for i, rec in enumerate(chain, 1):
        p.append(stage_heading(i, rec))
        p += ["", "    " + shown_command(rec["command"]), ""]
    p.append("Then, for the threshold and the tables (`--work` keeps what calibrate.py reads; the second "
             "evaluation mines at the calibrated thresholds):")
    p += ["", f"    scripts/train/evaluate.sh MODEL --work WORK",
          f"    scripts/train/calibrate.py WORK MODEL{' --pair-thresholds' if pair_thresholds else ''} "
          f"--report MODEL/CALIBRATION.md",
          f"    scripts/train/evaluate.sh MODEL --work WORK --out MODEL/EVALUATION.md",
          f"    scripts/train/card.py MODEL --name {a.name} --work WORK ..."]
    if os.path.isfile(os.path.join(a.model, "DATA.md")):
        p += ["", "## Data", "", "Sources, licences and pairs per language: [DATA.md](DATA.md)."]
    p += ["", "## Files", "", md_table(["file", "bytes", "sha256 (first 16)"], [(f"`{n}`", f"{z:,}", d) for n, z, d in listing])]
    if a.notes:
        try:
            with open(a.notes, encoding="utf-8") as f:
                p += ["", "## Notes", "", f.read().strip()]
        except OSError as e:
            die(f"{a.notes}: {e}")
    return "\n".join(p) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model")
    ap.add_argument("--name", required=True)
    ap.add_argument("--work", required=True, help="evaluate.sh --work directory of MODEL")
    ap.add_argument("--baseline", help="evaluate.sh --work directory of the model it is compared with")
    ap.add_argument("--baseline-name")
    ap.add_argument("--speed", help="scripts/bench/embed_static.sh output for MODEL")
    ap.add_argument("--notes", help="Markdown for the Notes section")
    ap.add_argument("--out", help="default MODEL/README.md")
    a = ap.parse_args()
    if a.baseline and not a.baseline_name:
        die("--baseline needs --baseline-name")
    out = a.out or os.path.join(a.model, "README.md")
    a.out = out
    text = card(a)
    atomic.write_text(out, text)
    print(f"card: wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
