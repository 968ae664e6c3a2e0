"""Kill anywhere: every tool, killed by SIGKILL or SIGTERM at a random moment, then rerun.

Usage: scripts/kill_test.sh [--trials N] [--tool T...] [--seed S] [--scale full|small]
                            [--bin DIR] [--work DIR] [--keep] [-v]

For each case (scripts/kill_test_inputs.py: a tool on a generated input, sharded steps and merges
included), one uninterrupted run makes the reference outputs and times the run. Then each trial,
in a fresh folder:
  1. starts the command, sleeps a time drawn uniformly from [0, 1.2 x the reference time] and
     sends SIGKILL or SIGTERM (drawn at random);
  2. checks that the process died by that signal (or had already exited 0), that every output
     either does not exist under its final name or is byte-identical to the reference, and, after
     SIGTERM, that no temporary file is left (the signal cleanup's promise; SIGKILL's leftovers
     are counted, not failed);
  3. reruns the command to completion and checks exit 0, byte-identical outputs, and that the
     output, work and --tmp-dir folders hold nothing but the outputs (no *.tmp.<pid> file of the
     killed run, no spill file, no partial shard).
Spill files never have a name (O_TMPFILE, util/temp_file.cc), so none may be left in --tmp-dir.
The delays and signals come from --seed (per case, so one case's draws do not depend on which
others run). Prints a table per case and exits 1 on any failure, 2 on a usage or set-up error.
"""

import argparse
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kill_test_inputs as inputs  # noqa: E402

SIGNALS = (signal.SIGKILL, signal.SIGTERM)


def digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def listing(folder):
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


def fresh_trial(case, inputs_dir, trial):
    if os.path.exists(trial):
        shutil.rmtree(trial)
    for sub in ("out", "work", "tmp"):
        os.makedirs(f"{trial}/{sub}")
    case.setup(inputs_dir, trial)


def run_to_end(argv, log, timeout):
    """Runs argv to completion; returns (exit status, seconds)."""
    start = time.monotonic()
    with open(log, "w") as err:
        r = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=err, timeout=timeout)
    return r.returncode, time.monotonic() - start


def temp_leftovers(trial):
    """Temporary outputs (*.tmp.*) in out/ and work/, and anything in tmp/ (spill files)."""
    left = [f"{sub}/{f}" for sub in ("out", "work") for f in listing(f"{trial}/{sub}") if ".tmp." in f]
    return left + [f"tmp/{f}" for f in listing(f"{trial}/tmp")]


def strays(case, trial):
    """Files in out/, work/ and tmp/ that are neither outputs nor what setup() put there."""
    expected = set(case.outputs) | {f"work/{f}" for f in case.work_files}
    found = {f"{sub}/{f}" for sub in ("out", "work", "tmp") for f in listing(f"{trial}/{sub}")}
    return sorted(found - expected)


class Tally:
    def __init__(self, name):
        self.name = name
        self.trials = self.sigkill = self.sigterm = self.mid_run = self.finished = 0
        self.kill_left = self.identical = self.stray = 0
        self.failures = []

    def fail(self, trial, what):
        self.failures.append(f"{self.name} trial {trial}: {what}")


def check_outputs(case, trial, ref):
    """Outputs that exist under their final name but differ from the reference."""
    return [o for o in case.outputs if os.path.exists(f"{trial}/{o}") and digest(f"{trial}/{o}") != ref[o]]


def one_trial(case, k, rng, ref, ref_time, inputs_dir, base, tally, opts):
    trial = f"{base}/{case.name}/trial"
    fresh_trial(case, inputs_dir, trial)
    sig = rng.choice(SIGNALS)
    delay = rng.uniform(0, 1.2 * ref_time)
    argv = case.argv(inputs_dir, trial)
    tally.trials += 1
    if sig == signal.SIGKILL:
        tally.sigkill += 1
    else:
        tally.sigterm += 1
    with open(f"{base}/{case.name}/killed.log", "w") as err:
        p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err)
        time.sleep(delay)
        p.send_signal(sig)  # a no-op when the process has exited already
        rc = p.wait()
    if rc == -sig:
        tally.mid_run += 1
        outcome = "killed"
    elif rc == 0:
        tally.finished += 1
        outcome = "finished"
    else:
        tally.fail(k, f"{sig.name} after {delay:.3f} s: exit status {rc}, neither the signal nor 0")
        outcome = f"exit {rc}"
    bad = check_outputs(case, trial, ref)
    if bad:
        tally.fail(k, f"{sig.name} after {delay:.3f} s: incomplete output under its final name: {', '.join(bad)}")
    left = temp_leftovers(trial)
    if left:
        tally.kill_left += 1
        if sig == signal.SIGTERM:
            tally.fail(k, f"SIGTERM after {delay:.3f} s left {', '.join(left)}")
    rc2, _ = run_to_end(argv, f"{base}/{case.name}/rerun.log", timeout=60 + 30 * ref_time)
    if rc2 != 0:
        with open(f"{base}/{case.name}/rerun.log") as f:
            tally.fail(k, f"the rerun exited {rc2}: {f.read().strip()}")
    missing = [o for o in case.outputs if not os.path.exists(f"{trial}/{o}")]
    differ = check_outputs(case, trial, ref)
    if rc2 == 0 and not missing and not differ:
        tally.identical += 1
    elif missing or differ:
        tally.fail(k, f"after the rerun: missing {missing}, different {differ}")
    extra = strays(case, trial)
    if extra:
        tally.stray += 1
        tally.fail(k, f"after the rerun, stray files: {', '.join(extra)}")
    if opts.verbose:
        print(f"  {case.name} #{k}: {sig.name} at {delay:.3f} s -> {outcome}; left {len(left)}; "
              f"rerun exit {rc2}{'; STRAY ' + str(extra) if extra else ''}", file=sys.stderr)


def reference(case, inputs_dir, base):
    """The uninterrupted run: output digests and the run time (the faster of two runs)."""
    trial = f"{base}/{case.name}/reference"
    times = []
    for _ in range(2):
        fresh_trial(case, inputs_dir, trial)
        rc, secs = run_to_end(case.argv(inputs_dir, trial), f"{base}/{case.name}/reference.log", timeout=600)
        if rc != 0:
            with open(f"{base}/{case.name}/reference.log") as f:
                raise inputs.SetupError(f"{case.name}: the reference run exited {rc}: {f.read().strip()}")
        times.append(secs)
    extra = strays(case, trial)
    if extra:
        raise inputs.SetupError(f"{case.name}: an uninterrupted run leaves {extra}")
    ref = {o: digest(f"{trial}/{o}") for o in case.outputs}
    shutil.rmtree(trial)
    return ref, min(times)


def print_table(tallies, ref_times):
    head = ("case", "ref. run", "trials", "SIGKILL", "SIGTERM", "killed mid-run", "already finished",
            "temp left by kill", "identical after rerun", "stray files", "failures")
    rows = [(t.name, f"{ref_times[t.name]:.2f} s", t.trials, t.sigkill, t.sigterm, t.mid_run, t.finished,
             t.kill_left, f"{t.identical}/{t.trials}", t.stray, len(t.failures)) for t in tallies]
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join("---" if i == 0 else "--:" for i in range(len(head))) + "|")
    for r in rows:
        print("| " + " | ".join(str(c) for c in r) + " |")


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(prog="kill_test.sh", description="Kill every tool at random moments, rerun, compare.")
    ap.add_argument("--trials", type=int, default=50, help="trials per case (default 50)")
    ap.add_argument("--tool", nargs="+", default=[], help="tools (dedup, mine, ...) or cases (mine-merge, ...)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the delays and signals (default 1)")
    ap.add_argument("--scale", choices=sorted(inputs.SCALES), default="full", help="input sizes (default full)")
    ap.add_argument("--bin", default=f"{root}/build/bin", help="the tools' folder (default build/bin)")
    ap.add_argument("--work", help="folder for inputs and trials (default: a new one under $TMPDIR)")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    ap.add_argument("-v", "--verbose", action="store_true", help="one line per trial on stderr")
    a = ap.parse_args()
    all_cases = inputs.cases(os.path.abspath(a.bin), a.scale)
    known = {c.name for c in all_cases} | {c.tool for c in all_cases}
    unknown = [t for t in a.tool if t not in known]
    if unknown or a.trials < 1:
        ap.error(f"unknown --tool {', '.join(unknown)} (known: {', '.join(sorted(known))})" if unknown
                 else "--trials must be at least 1")
    chosen = [c for c in all_cases if not a.tool or c.name in a.tool or c.tool in a.tool]
    for tool in sorted({c.tool for c in all_cases}):
        if not os.access(f"{a.bin}/bitmill-{tool}", os.X_OK):
            print(f"kill_test: {a.bin}/bitmill-{tool}: not an executable (build first, or pass --bin)", file=sys.stderr)
            return 2
    base = a.work or tempfile.mkdtemp(prefix="bitmill-kill-")
    os.makedirs(base, exist_ok=True)
    try:
        start = time.monotonic()
        inputs_dir = f"{base}/inputs"
        if not os.path.isdir(inputs_dir):
            os.makedirs(inputs_dir)
            inputs.make_inputs(root, os.path.abspath(a.bin), inputs_dir, a.scale)
        print(f"kill_test: {len(chosen)} cases x {a.trials} trials, seed {a.seed}, scale {a.scale}, "
              f"inputs ready in {time.monotonic() - start:.0f} s", file=sys.stderr)
        tallies, ref_times = [], {}
        for case in chosen:
            os.makedirs(f"{base}/{case.name}", exist_ok=True)
            ref, ref_times[case.name] = reference(case, inputs_dir, base)
            rng = random.Random(f"{a.seed}/{case.name}")
            tally = Tally(case.name)
            for k in range(a.trials):
                one_trial(case, k, rng, ref, ref_times[case.name], inputs_dir, base, tally, a)
            tallies.append(tally)
            shutil.rmtree(f"{base}/{case.name}/trial", ignore_errors=True)
        print_table(tallies, ref_times)
        failures = [f for t in tallies for f in t.failures]
        for f in failures:
            print(f"FAIL {f}", file=sys.stderr)
        print(f"kill_test: {sum(t.trials for t in tallies)} trials in {time.monotonic() - start:.0f} s, "
              f"{len(failures)} failures", file=sys.stderr)
        return 1 if failures else 0
    except inputs.SetupError as e:
        print(f"kill_test: {e}", file=sys.stderr)
        return 2
    finally:
        if not a.keep and not a.work:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
