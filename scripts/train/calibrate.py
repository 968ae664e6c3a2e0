#!/usr/bin/python3
"""Calibrate a model's default mining threshold on dev mining tasks, and write MODEL/bitmill.json.

Usage: calibrate.py WORK MODEL [--sets mine,ntrex-mine] [--report FILE] [--grid LO:HI:STEP]
                    [--pair-thresholds]

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

With --pair-thresholds, also a threshold per language pair (the task directories are named
<xxx>-<yyy> by ISO 639-3 code; bitmill-mine applies it when given --src-lang and --tgt-lang): the
pair's own best threshold on its tasks, shrunk toward the default by a factor LAMBDA,
T_pair = T + LAMBDA * (T_best_pair - T). LAMBDA (0, 0.25, 0.5, 0.75 or 1) is chosen by two-fold
cross-validation, so that a pair's threshold is judged on sentences it was not fitted on: each task
is split by the parity of its source line numbers, T and the pairs' thresholds are fitted on one
half and the gaps measured on the other, both ways round; the LAMBDA with the smallest largest
held-out gap wins (ties: smaller mean gap, then smaller LAMBDA). The report gives the held-out gaps
of every LAMBDA, LAMBDA = 0 being the default threshold alone.

Writes MODEL/bitmill.json ({"mining": {margin, k, retrieval, threshold, dim, calibrated_on}},
model/mining_calibration.h, with pair_thresholds under --pair-thresholds; dim from the embeddings
in WORK) atomically, keeping any other
top-level key of an existing file, and a Markdown report (per task: F1 at T, best F1 and its
threshold, gap) to --report or standard output. Needs numpy (Debian python3-numpy).
"""
import argparse
import glob
import json
import os
import sys

import numpy as np

import atomic

SETTING = {"margin": "ratio", "k": 4, "retrieval": "max"}  # what evaluate.sh mines with


def die(msg):
    sys.exit(f"calibrate: error: {msg}")


def read_task(d, fold=None):
    """Scores of the mined pairs (descending), whether each is a gold pair, and the gold count; with
    fold 0 or 1, only the pairs and gold pairs whose source line number has that parity."""
    scores, hits, ids = [], [], []
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
                ids.append((int(cols[1]), int(cols[2])))
                hits.append(ids[-1] in gold)
    except (OSError, ValueError) as e:
        die(f"{d}: {e}")
    if fold is not None:
        keep = [i for i, (src, _) in enumerate(ids) if src % 2 == fold]
        scores, hits = [scores[i] for i in keep], [hits[i] for i in keep]
        gold = {g for g in gold if g[0] % 2 == fold}
    if not gold:
        die(f"{gold_path}: no gold pairs" + ("" if fold is None else f" with source lines of parity {fold}"))
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


def load_curves(work, sets, grid, fold=None):
    """Every task of the sets: names (set, pair), F1 curves over the grid, best F1s and their
    thresholds, and the embedding dimensions seen."""
    tasks, curves, best, best_t, dims = [], [], [], [], set()
    for s in sets:
        dirs = sorted(glob.glob(os.path.join(work, s, "*", "")))
        if not dirs:
            die(f"no tasks under {os.path.join(work, s)} (run evaluate.sh --work {work} first)")
        for d in dirs:
            task = read_task(d, fold)
            tasks.append((s, os.path.basename(d.rstrip("/"))))
            curves.append(f1_curve(*task, grid))
            b, bt = best_cut(*task)
            best.append(b)
            best_t.append(bt)
            if fold is None:
                dims.add(int(np.load(os.path.join(d, "src.npy"), mmap_mode="r").shape[1]))
    return tasks, np.stack(curves), np.asarray(best), best_t, dims


def minimax(f1, best, grid):
    """Index of the grid threshold whose largest gap to the tasks' best F1 is smallest; ties go to
    the higher mean F1, then to the lower threshold."""
    worst = (best[:, None] - f1).max(axis=0)
    return int(np.lexsort((grid, -f1.mean(axis=0), worst))[0])


def pair_key(task):
    """bitmill.json's key of a task named <xxx>-<yyy> (ISO 639-3 codes, alphabetical), else None."""
    codes = task.split("-")
    if len(codes) != 2 or not all(len(c) == 3 and c.isascii() and c.isalpha() and c.islower() for c in codes):
        return None
    return "-".join(sorted(codes))


def pair_thresholds(tasks, f1, best, grid, t, lam):
    """Each language pair's threshold: its own minimax threshold over its tasks, shrunk toward t."""
    rows = {}
    for k, (_, name) in enumerate(tasks):
        key = pair_key(name)
        if key:
            rows.setdefault(key, []).append(k)
    out = {}
    for key, ks in rows.items():
        own = float(grid[minimax(f1[ks], best[ks], grid)])
        out[key] = round(t + lam * (own - t), 6)
    return out


def task_thresholds(tasks, pairs, t):
    """The threshold bitmill-mine applies to each task: its pair's, else the default."""
    return np.array([pairs.get(pair_key(name), t) for _, name in tasks])


def f1_at(f1, grid, thresholds):
    """Each task's F1 at its own threshold (the grid point nearest to it: the grid's step is the
    thresholds' resolution)."""
    cols = np.abs(grid[None, :] - thresholds[:, None]).argmin(axis=1)
    return f1[np.arange(len(f1)), cols]


LAMBDAS = (0.0, 0.25, 0.5, 0.75, 1.0)


def cross_validate(work, sets, grid):
    """Held-out gaps (all tasks, both folds) of each LAMBDA: fitted on one half of every task,
    measured on the other."""
    halves = [load_curves(work, sets, grid, fold) for fold in (0, 1)]
    gaps = {lam: [] for lam in LAMBDAS}
    for fit, held in ((halves[0], halves[1]), (halves[1], halves[0])):
        tasks, f1, best, _, _ = fit
        t = float(grid[minimax(f1, best, grid)])
        for lam in LAMBDAS:
            th = task_thresholds(tasks, pair_thresholds(tasks, f1, best, grid, t, lam), t)
            gaps[lam].extend(held[2] - f1_at(held[1], grid, th))
    return {lam: np.asarray(g) for lam, g in gaps.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("work")
    ap.add_argument("model")
    ap.add_argument("--sets", default="mine,ntrex-mine")
    ap.add_argument("--report")
    ap.add_argument("--grid", default="0.9:1.6:0.0025")
    ap.add_argument("--pair-thresholds", action="store_true",
                    help="also a threshold per language pair, shrunk toward the default by cross-validation")
    a = ap.parse_args()
    try:
        lo, hi, step = (float(x) for x in a.grid.split(":"))
    except ValueError:
        die(f"--grid: expected LO:HI:STEP, not '{a.grid}'")
    if not (step > 0 and hi > lo):
        die("--grid: needs LO < HI and STEP > 0")
    grid = np.round(np.arange(lo, hi + step / 2, step), 6)

    tasks, f1, best, best_t, dims = load_curves(a.work, a.sets.split(","), grid)
    if len(dims) != 1:
        die(f"the embeddings in {a.work} have several dimensions {sorted(dims)}: not one model's")
    gap = best[:, None] - f1
    worst = gap.max(axis=0)
    i = minimax(f1, best, grid)
    t = float(grid[i])
    pairs, lam, cv = {}, None, None
    if a.pair_thresholds:
        cv = cross_validate(a.work, a.sets.split(","), grid)
        lam = min(LAMBDAS, key=lambda x: (cv[x].max(), cv[x].mean(), x))
        pairs = pair_thresholds(tasks, f1, best, grid, t, lam)
    at_pair = f1_at(f1, grid, task_thresholds(tasks, pairs, t))

    summary = set_summary(tasks, f1[:, i], gap[:, i])
    calibrated_on = (f"scripts/train/calibrate.py over evaluate.sh's dev tasks ({summary}): the threshold whose "
                     f"largest gap to a task's best F1 is smallest")
    if pairs:
        calibrated_on += (f"; pair_thresholds: {len(pairs)} language pairs, each pair's best threshold shrunk toward "
                          f"it by {lam:g} (two-fold cross-validation, largest held-out gap {cv[lam].max():.2f}, "
                          f"{cv[0.0].max():.2f} with the default alone); with them: "
                          f"{set_summary(tasks, at_pair, best - at_pair)}")
    path = os.path.join(a.model, "bitmill.json")
    write_calibration(path, t, dims.pop(), calibrated_on, pairs)

    lines = [f"### Calibrated mining threshold: {t:g}", "",
             f"`bitmill-mine` keeps pairs scoring above {t:g} when `--threshold` is not given (ratio margin, "
             f"k = 4, max retrieval; `bitmill.json`). Chosen by `scripts/train/calibrate.py` on the dev mining "
             f"tasks below as the threshold whose largest gap to a task's best F1 is smallest: "
             f"{worst[i]:.2f} points. {summary}.", ""]
    if pairs:
        lines += pair_report(cv, lam, len(pairs), set_summary(tasks, at_pair, best - at_pair))
    lines += ["| set | pair | F1 at the default | F1 at the pair's threshold | that threshold | best F1 | its threshold "
              "| gap (default) | gap (pair's) |" if pairs else
              "| set | pair | F1 at the default | best F1 | its threshold | gap |",
              "|---|---|--:|--:|--:|--:|--:|--:|--:|" if pairs else "|---|---|--:|--:|--:|--:|"]
    for k, (s, p) in enumerate(tasks):
        own = f" {at_pair[k]:.2f} | {pairs.get(pair_key(p), t):.4f} |" if pairs else ""
        tail = f" {best[k] - at_pair[k]:.2f} |" if pairs else ""
        lines.append(f"| {s} | {p} | {f1[k, i]:.2f} |{own} {best[k]:.2f} | {best_t[k]:.4f} | {gap[k, i]:.2f} |{tail}")
    write_report(a.report, "\n".join(lines) + "\n")
    print(f"calibrate: threshold {t:g}, largest gap {worst[i]:.2f} points"
          + (f"; {len(pairs)} pair thresholds (lambda {lam:g}), largest gap {(best - at_pair).max():.2f}" if pairs else "")
          + f"; wrote {path}", file=sys.stderr)


def set_summary(tasks, f1_at_t, gaps):
    """'mine (7 tasks): mean F1 83.15, largest gap 3.88; ntrex-mine (...)'."""
    sets = {}
    for k, (s, _) in enumerate(tasks):
        sets.setdefault(s, []).append(k)
    return "; ".join(f"{s} ({len(ks)} tasks): mean F1 {np.mean(f1_at_t[ks]):.2f}, largest gap {np.max(gaps[ks]):.2f}"
                     for s, ks in sets.items())


def pair_report(cv, lam, n_pairs, summary):
    lines = [f"**Per language pair** (`bitmill-mine --src-lang xxx --tgt-lang yyy`): {n_pairs} pairs, each pair's "
             f"best threshold shrunk toward the default by lambda = {lam:g}, chosen by two-fold cross-validation "
             f"(each task split by the parity of its source lines; fitted on one half, measured on the other). "
             f"With them: {summary}.", "",
             "| lambda | largest held-out gap | mean held-out gap | held-out gaps over 3 |", "|--:|--:|--:|--:|"]
    for x in LAMBDAS:
        name = f"{x:g}" + (" (the default alone)" if x == 0 else "") + (" **chosen**" if x == lam else "")
        lines.append(f"| {name} | {cv[x].max():.2f} | {cv[x].mean():.2f} | {int((cv[x] > 3).sum())} of {len(cv[x])} |")
    return lines + [""]


def write_calibration(path, t, dim, calibrated_on, pairs):
    """MODEL/bitmill.json with its mining block replaced, atomically; other keys kept."""
    doc = {}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    doc["mining"] = dict(SETTING, threshold=round(t, 6), dim=dim, calibrated_on=calibrated_on)
    if pairs:
        doc["mining"]["pair_thresholds"] = dict(sorted(pairs.items()))
    atomic.write_text(path, json.dumps(doc, indent=2, ensure_ascii=False) + "\n")


def write_report(path, report):
    if path:
        atomic.write_text(path, report)
    else:
        sys.stdout.write(report)


if __name__ == "__main__":
    main()
