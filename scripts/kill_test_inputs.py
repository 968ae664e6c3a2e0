"""Inputs and cases of scripts/kill_test.py: what each tool is run on, and what it must leave.

The inputs are generated from data/samples (Tatoeba's deu-eng pairs) with a fixed seed, sized so
that one run takes about 0.5-2 s on 2 cores at scale "full" (kills then land mid-run), and a
fraction of that at scale "small" (the ctest). Embeddings come from bitmill-embed with the default
model; the k-NN shards and the trained index of the merge cases come from the tools themselves.
"""

import json
import os
import random
import shutil
import subprocess

# Sizes per scale: lines to deduplicate (with --memory 1M, so the run spills), bitext rows to
# filter, web documents, lines to embed, sentences per side to mine and evaluate, rows to index
# (from the lines embedded) and IVF lists, mined pairs to score.
SCALES = {
    "full": dict(dedup=1_000_000, bitext=40_000, docs=5_000, embed=200_000, mine=20_000, index=80_000, lists=64,
                 bucc=1_000_000),
    "small": dict(dedup=120_000, bitext=5_000, docs=1_000, embed=20_000, mine=2_000, index=5_000, lists=16,
                  bucc=100_000),
}
SHARDS = 3  # k-NN and index shards; the cases kill shard 1 and the merges


def _pairs(root):
    pairs = []
    with open(os.path.join(root, "data/samples/deu-eng.tsv"), encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) >= 2:
                pairs.append((cols[0], cols[1]))
    return pairs


def _write(path, lines):
    with open(path, "w", encoding="utf-8") as f:
        for line in lines:
            f.write(line + "\n")


class SetupError(Exception):
    """An input could not be made, or a reference run failed: not a finding of the test."""


def _run(argv, what):
    r = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise SetupError(f"making {what} failed (exit {r.returncode}): {r.stderr.strip()}")


def make_inputs(root, bin_dir, d, scale):
    """Writes the inputs into `d`; returns nothing (the cases name the files)."""
    n = SCALES[scale]
    rng = random.Random(20240615)
    pairs = _pairs(root)
    de_words = sorted({w for p in pairs for w in p[0].split()})
    en_words = sorted({w for p in pairs for w in p[1].split()})

    # Dedup: about 40% repeated lines, spread over the whole input.
    distinct = max(1, n["dedup"] // 600)
    _write(f"{d}/lines.txt", (f"{rng.choice(pairs)[rng.randrange(2)]} {rng.randrange(distinct)}"
                              for _ in range(n["dedup"])))
    # Filter, bitext: mostly clean pairs (numbers agree), some swapped, some with other numbers.
    rows = []
    for i in range(n["bitext"]):
        de, en = rng.choice(pairs)
        r = rng.random()
        if r < 0.8:
            rows.append(f"{de} ({i})\t{en} ({i})")
        elif r < 0.9:
            rows.append(f"{en}\t{de}")
        else:
            rows.append(f"{de} {i}\t{en} {i + 1}")
    _write(f"{d}/bitext.tsv", rows)
    # Filter, web documents: English paragraphs, some German, some repetitive.
    docs = []
    for i in range(n["docs"]):
        side = 1 if rng.random() < 0.85 else 0
        paras = ["  ".join(rng.choice(pairs)[side] for _ in range(rng.randint(3, 8))) for _ in range(rng.randint(2, 5))]
        if rng.random() < 0.1:
            paras = [paras[0]] * 4
        docs.append(json.dumps({"id": i, "url": f"https://example.org/{i}", "text": "\n".join(paras)}))
    _write(f"{d}/docs.jsonl", docs)
    # Embed: sentences with a number word, so that rows differ.
    _write(f"{d}/sentences.txt", (f"{rng.choice(pairs)[rng.randrange(2)]} {rng.choice(en_words)}"
                                  for _ in range(n["embed"])))
    # Mine and eval: German and English sides of the same pairs, each with two random words.
    order = [rng.randrange(len(pairs)) for _ in range(n["mine"])]
    _write(f"{d}/src.txt", (f"{pairs[i][0]} {rng.choice(de_words)} {rng.choice(de_words)}" for i in order))
    _write(f"{d}/tgt.txt", (f"{pairs[i][1]} {rng.choice(en_words)} {rng.choice(en_words)}" for i in order))
    for side in ("src", "tgt"):
        _run([f"{bin_dir}/bitmill-embed", "-q", "-o", f"{d}/{side}.npy", f"{d}/{side}.txt"], f"{side}.npy")
    # Index: rows of the lines embedded.
    with open(f"{d}/sentences.txt") as f, open(f"{d}/rows.txt", "w") as g:
        for _, line in zip(range(n["index"]), f):
            g.write(line)
    _run([f"{bin_dir}/bitmill-embed", "-q", "-o", f"{d}/rows.npy", f"{d}/rows.txt"], "rows.npy")
    # Sharded mining: the complete shards of the merge case.
    os.mkdir(f"{d}/knn")
    for i in range(SHARDS):
        _run([f"{bin_dir}/bitmill-mine", "-q", *mine_files(d), "--work", f"{d}/knn", "--shard", f"{i}/{SHARDS}"],
             f"k-NN shard {i}")
    # Sharded index: trained once, shards for the merge case.
    emb = [f"{d}/rows.npy"]
    _run([f"{bin_dir}/bitmill-index", "-q", "--factory", f"IVF{n['lists']},Flat", "--train-only",
          "-o", f"{d}/trained.faiss", *emb], "the trained index")
    for i in range(SHARDS):
        _run([f"{bin_dir}/bitmill-index", "-q", "--trained", f"{d}/trained.faiss", "--shard", f"{i}/{SHARDS}",
              "-o", f"{d}/shard.{i}.faiss", *emb], f"index shard {i}")
    # Sharded near dedup: the documents in three files, and every phase's files for the later cases.
    with open(f"{d}/docs.jsonl") as f:
        lines = f.readlines()
    for k in range(3):
        with open(f"{d}/docs.{k}.jsonl", "w") as g:
            g.writelines(lines[k * len(lines) // 3:(k + 1) * len(lines) // 3])
    os.mkdir(f"{d}/nearwork")
    near = [f"{bin_dir}/bitmill-dedup", "-q", *NEAR_OPTS, "--work", f"{d}/nearwork"]
    for k in range(3):
        _run([*near, "--phase", "sign", "--shard", f"{k}/3", *near_files(d)], f"near sign shard {k}")
    for k in range(2):
        _run([*near, "--phase", "join", "--shard", f"{k}/2"], f"near join shard {k}")
    _run([*near, "--phase", "cluster"], "near clusters")
    # BUCC: many mined pairs (scores with ties), a gold standard holding a third of them.
    with open(f"{d}/mined.tsv", "w") as f, open(f"{d}/gold.tsv", "w") as g:
        for i in range(n["bucc"]):
            s, t = rng.randrange(n["bucc"]), rng.randrange(n["bucc"])
            f.write(f"{rng.randrange(90000) / 50000 + 0.5:.5g}\t{s}\t{t}\tx\ty\n")
            if i % 3 == 0:
                g.write(f"{s}\t{t}\n")


NEAR_OPTS = ["--mode", "near", "--format", "jsonl", "--id-field", "id", "--verify", "0.5", "--memory", "1M"]


def near_files(d):
    return [f"{d}/docs.{k}.jsonl" for k in range(3)]


def _copy_near(names):
    def setup(i, t):
        for f in names:
            shutil.copy(f"{i}/nearwork/{f}", f"{t}/work/{f}")
    return setup


def mine_files(d):
    return ["--src", f"{d}/src.txt", "--tgt", f"{d}/tgt.txt", "--src-emb", f"{d}/src.npy", "--tgt-emb", f"{d}/tgt.npy"]


class Case:
    """One command to kill. `argv(i, t)` gets the inputs' folder and the trial's folder, which has
    out/ (outputs), work/ (a mining --work folder) and tmp/ (--tmp-dir). `outputs` are the files
    the command writes, relative to the trial folder; `work_files` what setup() puts in work/."""

    def __init__(self, name, tool, argv, outputs, work_files=(), setup=None):
        self.name, self.tool, self.argv, self.outputs = name, tool, argv, list(outputs)
        self.work_files, self._setup = list(work_files), setup

    def setup(self, inputs, trial):
        if self._setup:
            self._setup(inputs, trial)


def _copy_shards(i, t):
    for f in os.listdir(f"{i}/knn"):
        shutil.copy(f"{i}/knn/{f}", f"{t}/work/{f}")


def cases(bin_dir, scale):
    b = bin_dir
    n = SCALES[scale]
    shards = [f"knn.{i}-of-{SHARDS}.bin" for i in range(SHARDS)]
    near_signs = [f"sign.{k}-of-3.bin" for k in range(3)]
    near_joins = [f"join.{k}-of-2.bin" for k in range(2)]
    near_all = near_signs + near_joins + ["clusters.bin"]
    return [
        Case("dedup", "dedup",
             lambda i, t: [f"{b}/bitmill-dedup", "-q", "--memory", "1M", "--tmp-dir", f"{t}/tmp",
                           "--removed", f"{t}/out/removed.txt.zst", "-o", f"{t}/out/dedup.txt", f"{i}/lines.txt"],
             ["out/dedup.txt", "out/removed.txt.zst"]),
        Case("dedup-near", "dedup",
             lambda i, t: [f"{b}/bitmill-dedup", "-q", "--mode", "near", "--format", "jsonl", "--id-field", "id",
                           "--verify", "0.5", "--memory", "1M", "--tmp-dir", f"{t}/tmp",
                           "--removed", f"{t}/out/near-removed.jsonl", "--clusters", f"{t}/out/clusters.tsv.gz",
                           "-o", f"{t}/out/near-kept.jsonl.zst", f"{i}/docs.jsonl"],
             ["out/near-kept.jsonl.zst", "out/near-removed.jsonl", "out/clusters.tsv.gz"]),
        Case("dedup-near-sign", "dedup",
             lambda i, t: [f"{b}/bitmill-dedup", "-q", *NEAR_OPTS, "--tmp-dir", f"{t}/tmp", "--work", f"{t}/work",
                           "--phase", "sign", "--shard", "1/3", *near_files(i)],
             ["work/sign.1-of-3.bin"]),
        Case("dedup-near-join", "dedup",
             lambda i, t: [f"{b}/bitmill-dedup", "-q", *NEAR_OPTS, "--tmp-dir", f"{t}/tmp", "--work", f"{t}/work",
                           "--phase", "join", "--shard", "1/2"],
             ["work/join.1-of-2.bin"], work_files=near_signs, setup=_copy_near(near_signs)),
        Case("dedup-near-cluster", "dedup",
             lambda i, t: [f"{b}/bitmill-dedup", "-q", *NEAR_OPTS, "--work", f"{t}/work", "--phase", "cluster"],
             ["work/clusters.bin"], work_files=near_signs + near_joins, setup=_copy_near(near_signs + near_joins)),
        Case("dedup-near-apply", "dedup",
             lambda i, t: [f"{b}/bitmill-dedup", "-q", *NEAR_OPTS, "--work", f"{t}/work", "--phase", "apply",
                           "--shard", "1/3", "--removed", f"{t}/out/near-removed.1.jsonl", "--clusters",
                           f"{t}/out/clusters.1.tsv", "-o", f"{t}/out/near-kept.1.jsonl.zst", *near_files(i)],
             ["out/near-kept.1.jsonl.zst", "out/near-removed.1.jsonl", "out/clusters.1.tsv"],
             work_files=near_all, setup=_copy_near(near_all)),
        Case("filter", "filter",
             lambda i, t: [f"{b}/bitmill-filter", "-q", "--src-lang", "de", "--tgt-lang", "en",
                           "--rejected", f"{t}/out/rejected.tsv", "--stats", f"{t}/out/stats.json",
                           "-o", f"{t}/out/kept.tsv.gz", f"{i}/bitext.tsv"],
             ["out/kept.tsv.gz", "out/rejected.tsv", "out/stats.json"]),
        Case("filter-mono", "filter",
             lambda i, t: [f"{b}/bitmill-filter", "-q", "--mono", "--lang", "en", "--rejected", f"{t}/out/dropped.jsonl",
                           "-o", f"{t}/out/kept.jsonl.zst", f"{i}/docs.jsonl"],
             ["out/kept.jsonl.zst", "out/dropped.jsonl"]),
        Case("embed", "embed",
             lambda i, t: [f"{b}/bitmill-embed", "-q", "--tmp-dir", f"{t}/tmp", "-o", f"{t}/out/emb.npy",
                           f"{i}/sentences.txt"],
             ["out/emb.npy"]),
        Case("index", "index",
             lambda i, t: [f"{b}/bitmill-index", "-q", "--factory", f"IVF{n['lists']},Flat", "-o", f"{t}/out/index.faiss",
                           f"{i}/rows.npy"],
             ["out/index.faiss"]),
        Case("index-shard", "index",
             lambda i, t: [f"{b}/bitmill-index", "-q", "--trained", f"{i}/trained.faiss", "--shard", f"1/{SHARDS}",
                           "-o", f"{t}/out/shard.1.faiss", f"{i}/rows.npy"],
             ["out/shard.1.faiss"]),
        Case("index-merge", "index",
             lambda i, t: [f"{b}/bitmill-index", "merge", "-q", "-o", f"{t}/out/merged.faiss",
                           *[f"{i}/shard.{s}.faiss" for s in range(SHARDS)]],
             ["out/merged.faiss"]),
        Case("mine", "mine",
             lambda i, t: [f"{b}/bitmill-mine", "-q", *mine_files(i), "--ids", "-o", f"{t}/out/mined.tsv"],
             ["out/mined.tsv"]),
        Case("mine-shard", "mine",
             lambda i, t: [f"{b}/bitmill-mine", "-q", *mine_files(i), "--work", f"{t}/work", "--shard", f"1/{SHARDS}"],
             [f"work/{shards[1]}"]),
        Case("mine-merge", "mine",
             lambda i, t: [f"{b}/bitmill-mine", "merge", "-q", "--src", f"{i}/src.txt", "--tgt", f"{i}/tgt.txt",
                           "--work", f"{t}/work", "--ids", "-o", f"{t}/out/mined.tsv"],
             ["out/mined.tsv"], work_files=shards, setup=_copy_shards),
        Case("eval-tatoeba", "eval",
             lambda i, t: [f"{b}/bitmill-eval", "tatoeba", "-q", "--src-emb", f"{i}/src.npy", "--tgt-emb", f"{i}/tgt.npy",
                           "-o", f"{t}/out/tatoeba.tsv"],
             ["out/tatoeba.tsv"]),
        Case("eval-bucc", "eval",
             lambda i, t: [f"{b}/bitmill-eval", "bucc", "-q", "--mined", f"{i}/mined.tsv", "--gold", f"{i}/gold.tsv",
                           "-o", f"{t}/out/bucc.tsv"],
             ["out/bucc.tsv"]),
    ]
