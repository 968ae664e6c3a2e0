#!/usr/bin/python3
"""Helpers for scripts/bench/embed.sh (standard library and numpy only).

  embed_util.py text OUT --n N --samples TSV [--news TSV.zst]
      assembles the benchmark text: real sentences, one per line. With --news present: 3/4 longer
      sentences (pairs whose German side has >= 12 words, mostly WMT news; German and English
      sides alternating, spread evenly over the file) and 1/4 short Tatoeba sentences from
      --samples (German and English sides); without it, the --samples sentences alone, repeated
      as needed. Shuffled with a fixed seed. Prints one JSON line describing the mix.
  embed_util.py timed OUT.json [--stdout FILE] -- CMD...
      runs CMD, writes its wall time, CPU time (user+sys of the child), the cores that other
      processes kept busy meanwhile, exit status and the last lines of its stderr to OUT.json;
      exits with CMD's status (its stderr is passed on when it fails).
  embed_util.py row RESULTS.jsonl --shape S --engine E --kind torch|ort|bitmill|skip|meta [...]
      appends one table row to RESULTS.jsonl from the JSON files of its runs (the best run counts):
      torch/ort: --runs with the JSON lines printed by embed_torch.py / embed_ort.mjs;
      bitmill: --runs (`timed` files of the runs on all N sentences) and --load-runs (runs on one
      sentence, whose wall time, the model load and start-up, is subtracted), --n N;
      meta: --runs with a torch JSON, for the token statistics; skip: just --notes.
  embed_util.py report RESULTS.jsonl
      prints the table and the correctness checks of each model shape; exit status 1 when a
      correctness check fails.
"""
import json
import os
import random
import re
import subprocess
import sys
import time

import numpy as np


def cmd_text(argv):
    import argparse
    ap = argparse.ArgumentParser(prog="embed_util.py text")
    ap.add_argument("out")
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--samples", required=True)
    ap.add_argument("--news")
    a = ap.parse_args(argv)
    short = []
    with open(a.samples, encoding="utf-8") as f:
        pairs = [line.rstrip("\n").split("\t") for line in f if "\t" in line]
    for de, en in ((p[0], p[1]) for p in pairs):  # alternate sides, as in the long part
        short += [de.strip(), en.strip()]
    short = [s for s in dict.fromkeys(short) if s]
    long_ = []
    news_note = "absent"
    if a.news and os.path.exists(a.news):
        try:
            raw = subprocess.run(["zstd", "-dc", a.news], check=True, capture_output=True).stdout.decode("utf-8")
            cand = []
            for line in raw.split("\n"):
                p = line.split("\t")
                if len(p) >= 2 and len(p[0].split()) >= 12 and p[1].strip():
                    cand.append((p[0].strip(), p[1].strip()))
            news_note = f"{len(cand)} pairs with >= 12 German words"
            long_ = cand
        except (OSError, subprocess.CalledProcessError, UnicodeDecodeError) as e:
            news_note = f"unreadable ({e})"
            long_ = []
    rng = random.Random(1)
    n_short, n_long = a.n, 0
    if long_:
        n_short = min(len(short), a.n // 4)
        n_long = a.n - n_short
        step = len(long_) / max(1, (n_long + 1) // 2)
        picked = []
        for i in range((n_long + 1) // 2):
            de, en = long_[int(i * step)]
            picked += [de, en]
        chosen = picked[:n_long] + rng.sample(short, n_short)
    else:
        chosen = [short[i % len(short)] for i in range(a.n)]
    rng.shuffle(chosen)
    with open(a.out, "w", encoding="utf-8") as f:
        f.write("\n".join(chosen) + "\n")
    words = sum(len(s.split()) for s in chosen) / len(chosen)
    print(json.dumps({"sentences": len(chosen), "long": n_long, "short": n_short, "distinct_short": len(short),
                      "news": news_note, "mean_words": round(words, 2),
                      "mean_chars": round(sum(len(s) for s in chosen) / len(chosen), 1)}))


def busy_ticks():
    """CPU ticks, all cores and processes, spent not idle (from /proc/stat)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return sum(v[:8]) - v[3] - v[4]  # user nice system idle iowait irq softirq steal


def cmd_timed(argv):
    out, cmd = argv[0], argv[argv.index("--") + 1:]
    opts = argv[1:argv.index("--")]
    stdout = open(opts[opts.index("--stdout") + 1], "wb") if "--stdout" in opts else subprocess.DEVNULL
    hz = os.sysconf("SC_CLK_TCK")
    b0, t0 = busy_ticks(), time.perf_counter()
    p = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE)
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall, busy = time.perf_counter() - t0, (busy_ticks() - b0) / hz
    rc = os.waitstatus_to_exitcode(status)
    p.returncode = rc
    sys.stderr.buffer.write(err if rc != 0 else b"")
    cpu = ru.ru_utime + ru.ru_stime
    tail = err.decode("utf-8", "replace").strip().split("\n")[-3:]
    with open(out, "w") as f:
        # others: cores kept busy by other processes meanwhile (the machine should be idle: ~0)
        json.dump({"wall_s": wall, "cpu_s": cpu, "others": max(0.0, (busy - cpu) / wall), "rc": rc,
                   "stderr": tail, "max_rss_kb": ru.ru_maxrss}, f)
    sys.exit(rc if rc >= 0 else 128 - rc)


def cmd_row(argv):
    import argparse
    ap = argparse.ArgumentParser(prog="embed_util.py row")
    ap.add_argument("results")
    ap.add_argument("--shape", required=True)
    ap.add_argument("--engine", required=True)
    ap.add_argument("--kind", required=True, choices=["torch", "ort", "bitmill", "skip", "meta"])
    ap.add_argument("--runs", nargs="*", default=[])
    ap.add_argument("--load-runs", nargs="*", default=[])
    ap.add_argument("--timed", nargs="*", default=[])
    ap.add_argument("--n", type=int)
    ap.add_argument("--rows")
    ap.add_argument("--notes", default="")
    ap.add_argument("--desc", default="")
    ap.add_argument("--max-len", type=int)
    a = ap.parse_args(argv)
    runs = [json.load(open(f)) for f in a.runs]
    row = {"shape": a.shape, "engine": a.engine, "rows": a.rows}
    notes = [a.notes] if a.notes else []
    if a.kind == "meta":
        r = runs[0]
        row.update(sentences=r["sentences"], mean_tokens=r["mean_tokens"], max_len=a.max_len, desc=a.desc,
                   padded_frac=r["padded_tokens"] / r["tokens"] - 1)
    elif a.kind in ("torch", "ort"):
        k = max(range(len(runs)), key=lambda i: runs[i]["sentences_per_s"])
        best = runs[k]
        row.update(sps=best["sentences_per_s"], cores=best["cpu_s"] / best["encode_s"])
        if a.timed:
            row["others"] = json.load(open(a.timed[k]))["others"]
        extra = f"encode {best['encode_s']:.1f} s"
        if "tokenize_s" in best:
            extra += f", tokenising {best['tokenize_s']:.2f} s not counted"
        if len(runs) > 1:
            extra += f"; best of {len(runs)}: " + "/".join(f"{r['sentences_per_s']:.1f}" for r in runs)
        notes.append(extra)
    elif a.kind == "bitmill":
        full = min(runs, key=lambda r: r["wall_s"])
        one = min((json.load(open(f)) for f in a.load_runs), key=lambda r: r["wall_s"])
        enc = full["wall_s"] - one["wall_s"]
        row.update(sps=a.n / enc, cores=(full["cpu_s"] - one["cpu_s"]) / enc, others=full["others"])
        own = next((m.group(0) for l in full["stderr"] for m in [re.search(r"[0-9][0-9.,]* sentences/s", l)] if m),
                   "?")
        extra = f"wall {full['wall_s']:.1f} s - {one['wall_s']:.2f} s (1-sentence run) = {enc:.1f} s; own summary {own}"
        if len(runs) > 1:
            extra += f"; best of {len(runs)}: " + "/".join(f"{r['wall_s']:.1f}" for r in runs) + " s"
        notes.append(extra)
    row["notes"] = "; ".join(notes)
    with open(a.results, "a") as f:
        f.write(json.dumps(row) + "\n")


def load_rows(path, dim=None):
    if path.endswith(".npy"):
        return np.load(path).astype(np.float64)
    return np.fromfile(path, dtype="<f4").reshape(-1, dim).astype(np.float64)


def cosines(a, b):
    return (a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1) + 1e-30)


def cmd_report(argv):
    rows = [json.loads(line) for line in open(argv[0]) if line.strip()]
    failed = False
    shapes = list(dict.fromkeys(r["shape"] for r in rows))
    for shape in shapes:
        rs = [r for r in rows if r["shape"] == shape]
        meta = next((r for r in rs if r["engine"] == "meta"), {})
        rs = [r for r in rs if r["engine"] != "meta"]
        print()
        print(f"== {shape}: {meta.get('desc', '')}")
        if meta:
            print(f"   {meta['sentences']} sentences, mean {meta['mean_tokens']:.1f} tokens (incl. special tokens,"
                  f" max {meta['max_len']}), {meta['padded_frac']:.0%} extra padding in batches of 32")
        ort = next((r for r in rs if r["engine"] == "ONNX Runtime fp32" and r.get("sps")), None)
        w = max(len(r["engine"]) for r in rs)
        print(f"   {'engine':<{w}}  {'sentences/s':>11}  {'vs ORT fp32':>11}  {'cores':>5}  {'others':>6}  notes")
        for r in rs:
            sps = f"{r['sps']:.1f}" if r.get("sps") else "-"
            ratio = f"{r['sps'] / ort['sps']:.2f}x" if r.get("sps") and ort else "-"
            cores = f"{r['cores']:.2f}" if r.get("cores") else "-"
            others = f"{r['others']:.2f}" if r.get("others") is not None else "-"
            print(f"   {r['engine']:<{w}}  {sps:>11}  {ratio:>11}  {cores:>5}  {others:>6}  {r.get('notes', '')}")
        # correctness against the PyTorch rows
        torch_r = next((r for r in rs if r["engine"].startswith("PyTorch") and r.get("rows")), None)
        fp32 = next((r for r in rs if r["engine"] == "bitmill fp32" and r.get("rows")), None)
        int8 = next((r for r in rs if r["engine"] == "bitmill int8" and r.get("rows")), None)
        print("   correctness (cosine per sentence):")
        ref = load_rows(torch_r["rows"]) if torch_r else None
        dim = ref.shape[1] if ref is not None else None
        quantised = [r for r in rs if r.get("rows") and r["engine"].endswith(("int8", "bf16"))]
        for r in rs:
            if r is torch_r or not r.get("rows") or r in quantised or ref is None:
                continue
            c = cosines(ref, load_rows(r["rows"], dim))
            ok = c.mean() > 0.9999
            failed |= not ok
            print(f"     {r['engine']} vs PyTorch: min {c.min():.6f}, mean {c.mean():.6f}"
                  f"  [{'ok' if ok else 'FAIL'}: mean must be > 0.9999]")
        for r in quantised:
            if ref is None:
                break
            c = cosines(ref, load_rows(r["rows"], dim))
            # Reported, not failed: ORT's quantisation is not ours to hold to a floor.
            ok = c.min() >= 0.995
            if r["engine"].startswith("bitmill"):
                failed |= not ok
            print(f"     {r['engine']} vs PyTorch: min {c.min():.6f}, mean {c.mean():.6f}"
                  f"  [{'ok' if ok else 'FAIL'}: every sentence must be >= 0.995]")
        if int8 and fp32:
            c = cosines(load_rows(fp32["rows"]), load_rows(int8["rows"]))
            print(f"     bitmill int8 vs bitmill fp32: min {c.min():.6f}, mean {c.mean():.6f}")
        ort8 = next((r for r in rs if r["engine"] == "ONNX Runtime int8" and r.get("sps")), None)
        if ort:
            # The goals of issue 19 for an AVX-512 machine.
            fl = []
            if fp32 and fp32.get("sps"):
                q = fp32["sps"] / ort["sps"]
                fl.append(f"bitmill fp32 {q:.2f}x ORT fp32 (goal 1.2x: {'met' if q >= 1.2 else 'NOT met'})")
            if int8 and int8.get("sps"):
                q = int8["sps"] / ort["sps"]
                fl.append(f"bitmill int8 {q:.2f}x ORT fp32 (goal 2.5x: {'met' if q >= 2.5 else 'NOT met'})")
                if ort8:
                    q = int8["sps"] / ort8["sps"]
                    fl.append(f"bitmill int8 {q:.2f}x ORT int8 (goal 1.2x: {'met' if q >= 1.2 else 'NOT met'})")
            else:
                fl.append("bitmill int8: not measured")
            print("   goals: " + "; ".join(fl))
    sys.exit(1 if failed else 0)


def main():
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        sys.exit(0 if len(sys.argv) >= 2 else 1)
    cmd, argv = sys.argv[1], sys.argv[2:]
    {"text": cmd_text, "timed": cmd_timed, "row": cmd_row, "report": cmd_report}[cmd](argv)


if __name__ == "__main__":
    main()
