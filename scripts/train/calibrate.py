#!/usr/bin/python3
"""Calibrate a model's default mining threshold on dev mining tasks, and write MODEL/bitmill.json.

Usage: calibrate.py WORK MODEL [--sets mine,ntrex-mine] [--report FILE] [--grid LO:HI:STEP]

WORK is an `evaluate.sh --work` directory of the same MODEL: for each task of each set,
WORK/<set>/<pair>/mined.all.tsv (bitmill-mine --ids --threshold none, defaults otherwise: ratio
margin, k = 4, max retrieval) and gold.tsv. For every threshold T of the grid (default
0.9:1.6:0.0025), each task's F1 is computed over the mined pairs scoring strictly above T, as
bitmill-eval bucc does; each task's best F1 is its maximum over every cut of its scores (bitmill-eval
bucc's best row). The threshold chosen is
the one whose largest gap (best F1 minus F1 at T, over all tasks) is smallest; ties go to the
higher mean F1, then to the lower T. Why the largest gap and not the mean F1: a default must not
be bad for any language, and the tasks differ (7 newstest tasks, 46 planted NTREX ones: a mean
would be the NTREX mean).

Writes MODEL/bitmill.json ({"mining": {margin, k, retrieval, threshold, dim, calibrated_on}},
model/mining_calibration.h; dim from the embeddings in WORK) atomically, keeping any other
top-level key of an existing file, and a Markdown report (per task: F1 at T, best F1 and its
threshold, gap) to --report or standard output. Needs numpy (Debian python3-numpy).
"""
import argparse
import glob
import json
import os
import sys

import numpy as np

SETTING = {"margin": "ratio", "k": 4, "retrieval": "max"}  # what evaluate.sh mines with


def die(msg):
    sys.exit(f"calibrate: error: {msg}")


def read_task(d):
    """Scores of the mined pairs (descending), whether each is a gold pair, and the gold count."""
    scores, hits = [], []
    gold_path, mined_path = os.path.join(d, "gold.tsv"), os.path.join(d, "mined.all.tsv")
    try:
        with open(gold_path, encoding="utf-8") as f:
            gold = {tuple(int(x) for x in line.split("\t")[:2]) for line in f if line.strip()}
        with open(mined_path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                cols = line.split("\t", 3)
                if len(cols) < 4:
                    die(f"{mined_path}:{n}: expected score, src_line, tgt_line, ... (bitmill-mine --ids)")
                scores.append(float(cols[0]))
                hits.append((int(cols[1]), int(cols[2])) in gold)
    except (OSError, ValueError) as e:
        die(f"{d}: {e}")
    if not gold:
        die(f"{gold_path}: no gold pairs")
    order = np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")
    return np.asarray(scores)[order], np.asarray(hits, dtype=bool)[order], len(gold)


def f1_curve(scores, hits, n_gold, grid):
    """F1 (%) of the pairs scoring strictly above each T of the grid."""
    tp_at = np.concatenate([[0], np.cumsum(hits)])
    kept = np.searchsorted(-scores, -grid, side="left")  # scores sorted descending: count > T
    tp = tp_at[kept]
    p = np.divide(tp, kept, out=np.zeros(len(grid)), where=kept > 0)
    r = tp / n_gold
    return np.divide(200 * p * r, p + r, out=np.zeros(len(grid)), where=(p + r) > 0)


def best_cut(scores, hits, n_gold):
    """The best F1 (%) over every cut of the scores (not only the grid's), as bitmill-eval bucc's
    best row, and a threshold that gives it (the midpoint below the last pair kept)."""
    n = np.arange(1, len(scores) + 1)
    tp = np.cumsum(hits)
    p, r = tp / n, tp / n_gold
    f1 = np.divide(200 * p * r, p + r, out=np.zeros(len(n)), where=(p + r) > 0)
    cut = np.append(scores[1:] != scores[:-1], True)  # equal scores are kept or dropped together
    f1 = np.where(cut, f1, -1)
    k = int(np.argmax(f1))
    below = scores[k + 1] if k + 1 < len(scores) else scores[k] - 1
    return float(f1[k]), float((scores[k] + below) / 2)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("work")
    ap.add_argument("model")
    ap.add_argument("--sets", default="mine,ntrex-mine")
    ap.add_argument("--report")
    ap.add_argument("--grid", default="0.9:1.6:0.0025")
    a = ap.parse_args()
    try:
        lo, hi, step = (float(x) for x in a.grid.split(":"))
    except ValueError:
        die(f"--grid: expected LO:HI:STEP, not '{a.grid}'")
    if not (step > 0 and hi > lo):
        die("--grid: needs LO < HI and STEP > 0")
    grid = np.round(np.arange(lo, hi + step / 2, step), 6)

    tasks, curves, best, best_t, dims = [], [], [], [], set()
    for s in a.sets.split(","):
        dirs = sorted(glob.glob(os.path.join(a.work, s, "*", "")))
        if not dirs:
            die(f"no tasks under {os.path.join(a.work, s)} (run evaluate.sh --work {a.work} first)")
        for d in dirs:
            task = read_task(d)
            tasks.append((s, os.path.basename(d.rstrip("/"))))
            curves.append(f1_curve(*task, grid))
            b, bt = best_cut(*task)
            best.append(b)
            best_t.append(bt)
            dims.add(int(np.load(os.path.join(d, "src.npy"), mmap_mode="r").shape[1]))
    if len(dims) != 1:
        die(f"the embeddings in {a.work} have several dimensions {sorted(dims)}: not one model's")
    f1 = np.stack(curves)
    best = np.asarray(best)
    gap = best[:, None] - f1
    worst = gap.max(axis=0)
    mean = f1.mean(axis=0)
    # Smallest largest gap, then highest mean F1, then lowest threshold (lexsort: last key first).
    i = int(np.lexsort((grid, -mean, worst))[0])
    t = float(grid[i])

    sets = {}
    for (s, _), g in zip(tasks, gap[:, i]):
        sets.setdefault(s, []).append(g)
    summary = "; ".join(f"{s} ({len(g)} tasks): mean F1 {np.mean([f1[k, i] for k, (ss, _) in enumerate(tasks) if ss == s]):.2f}, "
                        f"largest gap {max(g):.2f}" for s, g in sets.items())
    calibrated_on = (f"scripts/train/calibrate.py over evaluate.sh's dev tasks ({summary}): the threshold whose "
                     f"largest gap to a task's best F1 is smallest")
    path = os.path.join(a.model, "bitmill.json")
    doc = {}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    doc["mining"] = dict(SETTING, threshold=round(t, 6), dim=dims.pop(), calibrated_on=calibrated_on)
    tmp = f"{path}.tmp.{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=2, ensure_ascii=False)
        f.write("\n")
    os.replace(tmp, path)

    lines = [f"### Calibrated mining threshold: {t:g}", "",
             f"`bitmill-mine` keeps pairs scoring above {t:g} when `--threshold` is not given (ratio margin, "
             f"k = 4, max retrieval; `bitmill.json`). Chosen by `scripts/train/calibrate.py` on the dev mining "
             f"tasks below as the threshold whose largest gap to a task's best F1 is smallest: "
             f"{worst[i]:.2f} points. {summary}.", "",
             "| set | pair | F1 at the default | best F1 | its threshold | gap |", "|---|---|--:|--:|--:|--:|"]
    for k, (s, p) in enumerate(tasks):
        lines.append(f"| {s} | {p} | {f1[k, i]:.2f} | {best[k]:.2f} | {best_t[k]:.4f} | {gap[k, i]:.2f} |")
    report = "\n".join(lines) + "\n"
    if a.report:
        with open(a.report + ".tmp", "w", encoding="utf-8") as f:
            f.write(report)
        os.replace(a.report + ".tmp", a.report)
    else:
        sys.stdout.write(report)
    print(f"calibrate: threshold {t:g}, largest gap {worst[i]:.2f} points; wrote {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
