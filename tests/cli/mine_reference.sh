# bitmill-mine against the independent reference (tests/reference/mine_reference.py, LASER's
# definitions in numpy): for each margin x retrieval, with and without --threshold, the same
# (source line, target line) pairs must come out, in the same order up to scores within 1e-5 of
# each other, with every score within 1e-5; likewise for `score` and for --unify.
set -e
ref=$CASES/../reference/mine_reference.py
py=/usr/bin/python3
export PYTHONDONTWRITEBYTECODE=1 OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2

# Rows have random norms (normalisation matters); planted pairs are a source's direction plus
# noise among random distractors; "dup" repeats 120 lines per side with copies of their rows, and
# "dupdiff" with perturbed rows, where only the first occurrence's row gives the reference's pairs.
$py "$ref" make-data rand32 --n-src 700 --n-tgt 600 --dim 64 --seed 19
$py "$ref" make-data rand16 --n-src 700 --n-tgt 600 --dim 64 --dtype f16 --seed 12
$py "$ref" make-data planted --n-src 800 --n-tgt 900 --dim 64 --planted 300 --seed 13
$py "$ref" make-data eq --n-src 500 --n-tgt 500 --dim 64 --planted 200 --dtype f16 --seed 14
$py "$ref" make-data dup --n-src 600 --n-tgt 600 --dim 64 --planted 150 --dup 120 --seed 32
$py "$ref" make-data dupdiff --n-src 600 --n-tgt 600 --dim 64 --planted 150 --dup 120 --dup-noise 0.5 --seed 18

cat > compare.py <<'PY'
"""compare(ref, got, kind): one line saying whether two outputs agree, or where they first differ."""
import sys

TOL = 1e-5


def rows(path, kind):
    out = []
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        for n, line in enumerate(f, 1):
            c = line.rstrip("\n").split("\t")
            want = 5 if kind == "ids" else 3
            if len(c) != want:
                raise ValueError(f"{path}:{n}: {len(c)} columns, expected {want}")
            key = (int(c[1]), int(c[2]), c[3], c[4]) if kind == "ids" else (c[1], c[2])
            out.append((float(c[0]), key))
    return out


def compare(ref_path, got_path, kind):
    """kind: "ids" (mined pairs with --ids) or "score" (the score subcommand: row r is line r)."""
    try:
        got = rows(got_path, kind)
    except (OSError, ValueError) as e:
        return f"unreadable bitmill output: {e}"
    ref = rows(ref_path, kind)
    rk, gk = [k for _, k in ref], [k for _, k in got]
    head, same = f"{len(ref)} rows", "same texts" if kind == "score" else "same pairs"
    if sorted(rk) != sorted(gk):
        t = next((t for t, (a, b) in enumerate(zip(rk, gk)) if a != b), min(len(rk), len(gk)))
        show = lambda r: f"{r[t][1]} {r[t][0]:.7g}" if t < len(r) else "(no row)"
        return (f"{head}, {same}: NO (bitmill {len(got)} rows); first difference at row {t}: "
                f"reference {show(ref)}, bitmill {show(got)}")
    score = {k: s for s, k in ref}
    if kind == "score":
        order_ok = rk == gk
    else:  # rows whose reference scores are within TOL may come in either order, unless equal
        order_ok = rk == gk or all(score[a] >= score[b] - TOL and (score[a] != score[b] or a < b)
                                   for a, b in zip(gk, gk[1:]))
    if not order_ok:
        t = next(t for t, (a, b) in enumerate(zip(rk, gk)) if a != b)  # rk != gk here
        return (f"{head}, {same}: yes but NOT in the same order; first difference at row {t}: "
                f"reference {rk[t][:2]} {ref[t][0]:.7g}, bitmill {gk[t][:2]} {got[t][0]:.7g}")
    # score rows are compared line by line (repeated lines repeat a key); mined pairs by pair
    expect = [s for s, _ in ref] if kind == "score" else [score[k] for _, k in got]
    diff, worst = max(((abs(g - e), k) for (g, k), e in zip(got, expect)), default=(0.0, None))
    if diff > TOL:
        return f"{head}, {same}: yes, scores within {TOL:g}: NO (|diff| {diff:.3g} at {worst[:2]})"
    return f"{head}, {same}: yes, scores within {TOL:g}: yes"


if __name__ == "__main__":
    print(sys.argv[1] + ":", compare(sys.argv[2], sys.argv[3], sys.argv[4]))
PY

echo "--- margin x retrieval, with and without --threshold"
$py - "$ref" <<'PY'
import subprocess, sys
import numpy as np
sys.path.insert(0, sys.argv[1].rsplit("/", 1)[0])
import mine_reference as M
from compare import compare

K, EPS = 4, 1e-6


def decision_gap(m):
    """The smallest gap in a decision that float rounding could flip (a pair in or out of the
    k-NN lists, a side's best candidate, the order of conflicting candidates in max mode): the
    data are only a fair test if it is well above the two implementations' rounding (~1e-7).
    Exact ties (repeated rows) do not count: the contract settles them by line number."""
    gaps = []
    for q, b in ((m.src.x, m.tgt.x), (m.tgt.x, m.src.x)):
        s, _ = M.knn(q, b, K + 1)
        gaps.append(s[:, K - 1] - s[:, K])
    for margin in M.MARGINS:
        nx, ny = len(m.src.x), len(m.tgt.x)
        fwd = m.scores(np.repeat(np.arange(nx), K), m.x2y.ravel(), margin).reshape(nx, K)
        bwd = m.scores(m.y2x.ravel(), np.repeat(np.arange(ny), K), margin).reshape(ny, K)
        for sc in (fwd, bwd):
            top = np.sort(sc, axis=1)
            gaps.append(top[:, -1] - top[:, -2])
        fb, fs, bb, bs = m.best(margin)
        cands = {(i, int(fb[i])): fs[i] for i in range(nx)} | {(int(bb[j]), j): bs[j] for j in range(ny)}
        for side in (0, 1):
            by = {}
            for pair, s in cands.items():
                by.setdefault(pair[side], []).append(s)
            gaps += [np.diff(sorted(v)) for v in by.values() if len(v) > 1]
    return min(g for g in np.concatenate([np.ravel(g) for g in gaps]) if g > 0)


def middle_threshold(rows):
    """A threshold in the widest gap between the middle half of the scores, so that rounding
    cannot move a row across it."""
    s = sorted(r[0] for r in rows)
    t = max(range(len(s) // 4, 3 * len(s) // 4), key=lambda t: s[t + 1] - s[t])
    thr = float(f"{(s[t] + s[t + 1]) / 2:.6f}")
    assert s[t] < thr < s[t + 1]
    return thr


def bitmill(d, args, out):
    cmd = ["bitmill-mine", "-q", "--src", f"{d}/src.txt", "--tgt", f"{d}/tgt.txt", "--src-emb",
           f"{d}/src.npy", "--tgt-emb", f"{d}/tgt.npy", "-k", str(K), "--ids", "-o", out] + args
    p = subprocess.run(cmd, capture_output=True, text=True)
    return "" if p.returncode == 0 else f"bitmill-mine exited with {p.returncode}: {p.stderr.strip()[:200]}"


# dup without --unify: repeated rows give exact ties, which go to the lower line numbers.
for d in ("rand32", "rand16", "planted", "dup"):
    m = M.Miner(M.Side(f"{d}/src.txt", f"{d}/src.npy", False), M.Side(f"{d}/tgt.txt", f"{d}/tgt.npy", False), K)
    print(f"{d}: {len(m.src.x)} x {len(m.tgt.x)} rows of {m.src.x.shape[1]}, "
          f"every decision an exact tie or clear of rounding (gap > {EPS:g}): {decision_gap(m) > EPS}")
    for margin in ("ratio", "distance", "absolute"):
        for retrieval in M.RETRIEVALS:
            rows = m.mine(margin, retrieval)
            thr = middle_threshold(rows)
            for label, t in (("", None), (" --threshold", thr)):
                name = f"{d}_{margin}_{retrieval}{'_t' if t is not None else ''}"
                with open(f"ref_{name}.tsv", "w", encoding="utf-8") as f:
                    f.write(m.format(rows if t is None else m.mine(margin, retrieval, t), ids=True))
                args = ["--margin", margin, "--retrieval", retrieval, "-t", "2"]
                args += [] if t is None else ["--threshold", repr(t)]
                err = bitmill(d, args, f"got_{name}.tsv")
                print(f"{d} {margin}/{retrieval}{label}:", err or compare(f"ref_{name}.tsv", f"got_{name}.tsv", "ids"))
    if d == "planted":
        gold = {tuple(map(int, l.split())) for l in open(f"{d}/gold.tsv")}
        found = {(int(m.src.line_of[i]), int(m.tgt.line_of[j])) for _, i, j in m.mine("ratio", "max")}
        print(f"planted: the reference finds all {len(gold)} planted pairs (ratio/max): {gold <= found}")

for d in ("dup", "dupdiff"):  # for the --unify cases below
    m = M.Miner(M.Side(f"{d}/src.txt", f"{d}/src.npy", True), M.Side(f"{d}/tgt.txt", f"{d}/tgt.npy", True), K)
    print(f"{d} --unify: {len(m.src.x)} x {len(m.tgt.x)} distinct rows, "
          f"every decision an exact tie or clear of rounding (gap > {EPS:g}): {decision_gap(m) > EPS}")

err = bitmill("rand32", ["-t", "1"], "got_t1.tsv")
same = not err and open("got_t1.tsv", "rb").read() == open("got_rand32_ratio_max.tsv", "rb").read()
print("rand32 ratio/max: -t 1 output byte-identical to -t 2:", err or same)
PY

echo "--- score: line r of the source with line r of the target"
for margin in ratio distance absolute; do
  $py "$ref" score --src eq/src.txt --tgt eq/tgt.txt --src-emb eq/src.npy --tgt-emb eq/tgt.npy \
    --margin $margin -o ref_score_$margin.tsv
  rc=0
  bitmill-mine score -q --src eq/src.txt --tgt eq/tgt.txt --src-emb eq/src.npy --tgt-emb eq/tgt.npy \
    --margin $margin -o got_score_$margin.tsv 2>err.txt || rc=$?
  [ $rc -eq 0 ] || echo "score $margin: bitmill-mine exited with $rc: $(head -c 200 err.txt)"
  $py compare.py "score $margin" ref_score_$margin.tsv got_score_$margin.tsv score
done
# With --unify, each line is scored through its text's first occurrence.
files=(--src dup/src.txt --tgt dup/tgt.txt --src-emb dup/src.npy --tgt-emb dup/tgt.npy)
$py "$ref" score "${files[@]}" --unify -o ref_score_unify.tsv
rc=0
bitmill-mine score -q "${files[@]}" --unify -o got_score_unify.tsv 2>err.txt || rc=$?
[ $rc -eq 0 ] || echo "score ratio --unify: bitmill-mine exited with $rc: $(head -c 200 err.txt)"
$py compare.py "score ratio --unify (dup)" ref_score_unify.tsv got_score_unify.tsv score

echo "--- --unify"
for d in dup dupdiff; do
  echo "$d: $(sort -u $d/src.txt | wc -l) distinct of $(wc -l < $d/src.txt) source lines," \
    "$(sort -u $d/tgt.txt | wc -l) distinct of $(wc -l < $d/tgt.txt) target lines"
done
unify() {  # dataset retrieval
  local d=$1 r=$2 rc=0
  local files=(--src $d/src.txt --tgt $d/tgt.txt --src-emb $d/src.npy --tgt-emb $d/tgt.npy)
  $py "$ref" mine "${files[@]}" --unify --ids --retrieval $r -o ref_u_${d}_$r.tsv
  bitmill-mine -q "${files[@]}" --unify --ids --retrieval $r -t 2 -o got_u_${d}_$r.tsv 2>err.txt || rc=$?
  [ $rc -eq 0 ] || echo "$d --unify ratio/$r: bitmill-mine exited with $rc: $(head -c 200 err.txt)"
  $py compare.py "$d --unify ratio/$r" ref_u_${d}_$r.tsv got_u_${d}_$r.tsv ids
}
for r in max fwd bwd intersect; do unify dup $r; done
unify dupdiff max
