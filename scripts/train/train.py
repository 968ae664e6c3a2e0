#!/usr/bin/python3
"""Train bitmill's static sentence encoder (step 2 of the recipe; see scripts/train/README.md).

    scripts/train/train.py --corpus DIR --tokenizer SPM.model --out MODEL_DIR
                           [--minutes 15 | --steps N] [--dim 256] [--batch 1024] [--scale 20]
                           [--lr 0.01] [--seed 1234] [--alpha 1.0] [--group 1] [--margin 0]
                           [--teacher DIR] [--dtype f32|f16|int8] [--evaluate]

The model: a static embedding table over SentencePiece pieces; a sentence's embedding is the mean
of its piece vectors (torch EmbeddingBag, mode "mean"), then L2-normalised. It is exported in the
sentence-transformers StaticEmbedding layout that bitmill-embed loads (st_export.py), so what is
trained here is exactly what bitmill-embed computes.

The loss: symmetric in-batch contrastive loss (InfoNCE from a to b and from b to a) over a batch
of --batch translation pairs, with cosine similarities multiplied by --scale, an optional additive
margin on the true pair (LaBSE) and the other pairs of the batch as negatives. Pairs of the batch
that share a side (the same English sentence translated into two languages, say) are not counted
as negatives of each other. The table is updated with SparseAdam (only the rows of the pieces in
the batch move).

Sampling: a language pair is drawn with probability proportional to n**alpha (n its number of
pairs; alpha 1 = uniform over all pairs; 0.5 gives small language pairs more weight), then its
next pair in a shuffled order (reshuffled when used up). With --group G a batch is made of
batch/G runs of G pairs of one language pair: the negatives of a pair are then mostly in the same
languages, which makes them harder.

Distillation (--teacher DIR, Reimers & Gurevych 2020, "Making monolingual sentence embeddings
multilingual"): the student is trained so that student(a) and student(b) both come close (squared
distance of the normalised embeddings) to teacher(English side); pairs without English are not
used (--teacher-target mean uses the normalised mean of teacher(a) and teacher(b) instead, for
every pair). On CPU the teacher is another static model made by this script (bigger vocabulary
and dimension, trained longer); its embeddings are projected onto their first --dim principal
axes when the dimensions differ. --distill-weight and --contrastive-weight mix both losses.

Stopping: --steps N, or --minutes M of training (corpus loading and tokenisation not counted).
The card records the step count; rerunning a --minutes run with --steps N reproduces it exactly
with the constant schedule (with --schedule linear the decay of a --minutes run follows the clock,
of a --steps run the step: the same shape, not the same numbers). Prefer --steps for a recipe:
the speed of a CPU shared with other jobs varies several-fold.

Besides the model, MODEL_DIR gets README.md (a stage card) and training.json (the same facts:
arguments, command, steps, pairs, seconds, device, the tokenizer's command), which
scripts/train/card.py reads to write the shipped model's card.

Determinism: numpy and torch are seeded with --seed; given the same corpus, tokenizer, arguments,
step count, torch build and --threads, the result is the same (CPU runs: bit-identical in our
checks). --eval-every reports retrieval accuracy on --heldout pairs of the training corpus that
are kept out of training; the dev sets are never read here (--evaluate runs evaluate.sh on the
exported model at the end, which does).

The tokenised corpus is cached in --cache (keyed by the tokenizer and the corpus files' names,
sizes and times).

Needs /usr/bin/python3 with torch, numpy, sentencepiece (Debian python3-torch, python3-numpy,
python3-sentencepiece; with libopenblas0-pthread), zstd.
"""
import argparse
import hashlib
import itertools
import json
import os
import shlex
import subprocess
import sys
import time

import numpy as np
import sentencepiece as spm
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import st_export  # noqa: E402

ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))


def log(msg):
    print(f"train: {msg}", file=sys.stderr, flush=True)


# --- Corpus ----------------------------------------------------------------------------------------

class Corpus:
    """Tokenised pairs: sentence s has pieces tokens[offsets[s]:offsets[s + 1]]; pair i is
    (sa[i], sb[i]) of language pair lp[i] (an index into names). Identical strings share an id."""

    def __init__(self, tokens, offsets, sa, sb, lp, names, weights=None):
        self.tokens, self.offsets, self.sa, self.sb, self.lp, self.names = tokens, offsets, sa, sb, lp, names
        self.weights = np.ones(len(names)) if weights is None else np.asarray(weights, dtype=np.float64)

    def valid(self):
        """Pairs whose sides both have pieces (an empty bag is the zero vector: it teaches nothing)."""
        lens = np.diff(self.offsets)
        return (lens[self.sa] > 0) & (lens[self.sb] > 0)

    def bags(self, sids):
        """(flat piece ids, bag offsets) of sentences `sids`, as EmbeddingBag takes them."""
        starts = self.offsets[sids]
        lens = self.offsets[sids + 1] - starts
        bag_off = np.zeros(len(sids), dtype=np.int64)
        np.cumsum(lens[:-1], out=bag_off[1:])
        flat = np.repeat(starts - bag_off, lens) + np.arange(int(lens.sum()), dtype=np.int64)
        return self.tokens[flat], bag_off


def corpus_key(files, spm_model):
    h = hashlib.sha256()
    with open(spm_model, "rb") as f:
        h.update(f.read())
    for a, b, path in files:
        stat = os.stat(path)
        h.update(f"{os.path.abspath(path)}\t{stat.st_size}\t{stat.st_mtime_ns}\n".encode())
    return h.hexdigest()[:20]


def load_corpus(corpus_specs, spm_model, cache_dir, threads):
    files = st_export.corpus_files(corpus_specs, "train")
    key = corpus_key([f[:3] for f in files], spm_model)
    cache = os.path.join(cache_dir, f"corpus-{key}.npz") if cache_dir else None
    if cache and os.path.exists(cache):
        z = np.load(cache)
        log(f"tokenised corpus from the cache {cache}")
        return Corpus(z["tokens"], z["offsets"], z["sa"], z["sb"], z["lp"], [str(n) for n in z["names"]],
                      [f[3] for f in files])
    t0 = time.time()
    ids = {}  # sentence -> id, insertion ordered
    sa, sb, lp, names = [], [], [], []
    for a, b, path, _ in files:
        pairs = st_export.read_pairs(path)
        k = len(names)
        names.append(f"{a}-{b}")
        for x, y in pairs:
            sa.append(ids.setdefault(x, len(ids)))
            sb.append(ids.setdefault(y, len(ids)))
            lp.append(k)
    log(f"read {len(sa)} pairs, {len(ids)} distinct sentences from {len(files)} files in {time.time() - t0:.0f} s")
    sp = spm.SentencePieceProcessor(model_file=spm_model)
    sents = list(ids)
    del ids
    lens = np.zeros(len(sents) + 1, dtype=np.int64)
    chunks = []
    for i in range(0, len(sents), 200000):
        enc = sp.encode(sents[i:i + 200000], out_type=int, num_threads=threads)
        lens[i + 1:i + 1 + len(enc)] = [len(e) for e in enc]
        chunks.append(np.fromiter(itertools.chain.from_iterable(enc), dtype=np.int32,
                                  count=int(lens[i + 1:i + 1 + len(enc)].sum())))
    tokens = np.concatenate(chunks)
    offsets = np.cumsum(lens)
    sa, sb, lp = np.array(sa, dtype=np.int64), np.array(sb, dtype=np.int64), np.array(lp, dtype=np.int32)
    log(f"tokenised in {time.time() - t0:.0f} s: {len(tokens)} pieces, {len(tokens) / max(1, len(sents)):.1f} per sentence")
    corpus = Corpus(tokens, offsets, sa, sb, lp, names, [f[3] for f in files])
    if cache:
        os.makedirs(cache_dir, exist_ok=True)
        tmp = cache + f".tmp{os.getpid()}.npz"
        np.savez(tmp, tokens=tokens, offsets=offsets, sa=sa, sb=sb, lp=lp, names=np.array(names))
        os.replace(tmp, cache)
    return corpus


class Sampler:
    """Batches of pair indices: language pairs drawn by temperature, pairs in a shuffled order."""

    def __init__(self, corpus, usable, alpha, group, seed, eng_boost=1.0, pair_weights=None):
        self.rng = np.random.default_rng(seed)
        self.group = group
        self.members = []
        for k in range(len(corpus.names)):
            self.members.append(np.flatnonzero((corpus.lp == k) & usable))
        n = np.array([len(m) for m in self.members], dtype=np.float64)
        eng = np.array([eng_boost if "eng" in name.split("-") else 1.0 for name in corpus.names])
        pw = np.array([(pair_weights or {}).get(name, 1.0) for name in corpus.names])
        w = np.where(n > 0, n ** alpha * eng * pw * corpus.weights, 0.0)
        self.p = w / w.sum()
        self.topics = [None] * len(self.members)
        self.perm = [self.rng.permutation(m) for m in self.members]
        self.cursor = [0] * len(self.members)

    def set_topics(self, k, labels):
        """Pairs of file k come in runs of one topic (label) from now on: the pair order becomes the
        topics in a random order, each topic's pairs shuffled, so a run of --group pairs mostly
        shares a topic and its in-batch negatives are near misses rather than random sentences."""
        self.topics[k] = labels
        self.perm[k] = self.order(k)
        self.cursor[k] = 0

    def order(self, k):
        if self.topics[k] is None:
            return self.rng.permutation(self.members[k])
        labels = self.topics[k]
        rank = self.rng.permutation(int(labels.max()) + 1)[labels]
        key = rank.astype(np.float64) + self.rng.random(len(labels))
        return self.members[k][np.argsort(key, kind="stable")]

    def take(self, k, count):
        out = []
        while count > 0:
            if self.cursor[k] >= len(self.perm[k]):
                self.perm[k] = self.order(k)
                self.cursor[k] = 0
            c = min(count, len(self.perm[k]) - self.cursor[k])
            out.append(self.perm[k][self.cursor[k]:self.cursor[k] + c])
            self.cursor[k] += c
            count -= c
        return out

    def batch(self, size):
        chunks = size // self.group
        drawn = np.bincount(self.rng.choice(len(self.p), size=chunks, p=self.p), minlength=len(self.p))
        parts = []
        for k in np.flatnonzero(drawn):
            parts.extend(self.take(k, int(drawn[k]) * self.group))
        return np.concatenate(parts)


# --- Model and losses ------------------------------------------------------------------------------

def embed(table, corpus, sids, device):
    """Normalised embeddings of sentences `sids` with the whole table (no gradient)."""
    tok, off = corpus.bags(sids)
    x = F.embedding_bag(torch.from_numpy(tok.astype(np.int64)).to(device), table,
                        torch.from_numpy(off).to(device), mode="mean")
    return F.normalize(x, dim=-1)


class RowAdam:
    """SparseAdam (torch.optim.SparseAdam's update, bit for bit in intent) on the rows of the table that
    a batch uses. Why not torch's: the sparse gradient of EmbeddingBag and its coalescing cost ten
    times the rest of a step on CPU; here the batch's rows are gathered into a small dense leaf
    tensor, the bags are taken over it, and its dense gradient updates those rows only."""

    def __init__(self, table, lr, betas=(0.9, 0.999), eps=1e-8):
        self.table, self.lr, self.betas, self.eps = table, lr, betas, eps
        self.m = torch.zeros_like(table)
        self.v = torch.zeros_like(table)
        self.t = 0

    @torch.no_grad()
    def step(self, rows, grad):
        b1, b2 = self.betas
        self.t += 1
        m = self.m.index_select(0, rows)
        v = self.v.index_select(0, rows)
        m.add_((grad - m) * (1 - b1))
        v.add_((grad * grad - v) * (1 - b2))
        self.m.index_copy_(0, rows, m)
        self.v.index_copy_(0, rows, v)
        step_size = self.lr * (1 - b2 ** self.t) ** 0.5 / (1 - b1 ** self.t)
        self.table.index_add_(0, rows, m / (v.sqrt() + self.eps), alpha=-step_size)


def embed_batch(table, corpus, sides, device):
    """Embeddings of each list of sentence ids in `sides`, through a dense leaf tensor holding only
    the table rows they use: (embeddings per side, rows, leaf)."""
    bags = [corpus.bags(s) for s in sides]
    tok = np.concatenate([b[0] for b in bags])
    rows, local = np.unique(tok, return_inverse=True)
    rows = torch.from_numpy(rows.astype(np.int64)).to(device)
    leaf = table.index_select(0, rows).requires_grad_()
    out, start = [], 0
    for t, off in bags:
        ids = torch.from_numpy(local[start:start + len(t)].astype(np.int64)).to(device)
        start += len(t)
        x = F.embedding_bag(ids, leaf, torch.from_numpy(off).to(device), mode="mean")
        out.append(F.normalize(x, dim=-1))
    return out, rows, leaf


def contrastive(u, v, sa, sb, scale, margin, device):
    sim = u @ v.T
    n = sim.shape[0]
    eye = torch.eye(n, dtype=torch.bool, device=device)
    if margin:
        sim = sim - margin * eye
    logits = scale * sim
    # Another pair that shares a side with pair i is a translation of it too: not a negative.
    same = (sa[:, None] == sa[None, :]) | (sb[:, None] == sb[None, :])
    same = torch.from_numpy(same).to(device) & ~eye
    logits = logits.masked_fill(same, float("-inf"))
    target = torch.arange(n, device=device)
    return (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target)) / 2


@torch.no_grad()
def heldout_accuracy(table, corpus, pairs, device):
    u = embed(table, corpus, corpus.sa[pairs], device)
    v = embed(table, corpus, corpus.sb[pairs], device)
    sim = u @ v.T
    target = torch.arange(len(pairs), device=device)
    return [float((sim.argmax(1) == target).float().mean()) * 100, float((sim.argmax(0) == target).float().mean()) * 100]


class Teacher:
    """A static teacher model (st_export layout) and its own tokenisation of the corpus."""

    def __init__(self, model_dir, corpus_dir, cache, threads, device):
        table, spm_model, self.normalize = st_export.load_static_model(model_dir)
        self.table = torch.from_numpy(table).to(device)
        self.corpus = load_corpus(corpus_dir, spm_model, cache, threads)
        self.proj = None
        self.device = device

    def fit_projection(self, sids, dim):
        """Project onto the first `dim` principal axes (uncentred, as PCA on unit vectors mostly is)."""
        if dim == self.table.shape[1]:
            return
        if dim > self.table.shape[1]:
            raise SystemExit(f"train: --dim {dim} is larger than the teacher's {self.table.shape[1]}")
        with torch.no_grad():
            x = self.raw(sids)
            _, _, vt = torch.linalg.svd(x, full_matrices=False)
            self.proj = vt[:dim].T.contiguous()

    @torch.no_grad()
    def raw(self, sids):
        tok, off = self.corpus.bags(sids)
        x = F.embedding_bag(torch.from_numpy(tok.astype(np.int64)).to(self.device), self.table,
                            torch.from_numpy(off).to(self.device), mode="mean")
        return F.normalize(x, dim=-1)

    @torch.no_grad()
    def __call__(self, sids):
        x = self.raw(sids)
        return F.normalize(x @ self.proj, dim=-1) if self.proj is not None else x


def assign_topics(sampler, corpus, table, size, seed, device):
    """k-means (faiss) of each language pair's English side (the second side when neither is English)
    under `table`, n // size clusters, for Sampler.set_topics. Files under 4 clusters keep a plain
    order."""
    import faiss
    faiss.omp_set_num_threads(torch.get_num_threads())
    t0 = time.time()
    done = 0
    for k, members in enumerate(sampler.members):
        if len(members) < 4 * size or sampler.p[k] == 0:
            continue
        a, b = corpus.names[k].split("-")
        sids = corpus.sa[members] if a == "eng" else corpus.sb[members]
        x = np.concatenate([embed(table, corpus, sids[i:i + 65536], device).cpu().numpy()
                            for i in range(0, len(sids), 65536)]).astype(np.float32)
        km = faiss.Kmeans(x.shape[1], len(members) // size, niter=8, seed=seed, spherical=True,
                          max_points_per_centroid=32, min_points_per_centroid=1, verbose=False)
        km.train(x)
        _, labels = km.index.search(x, 1)
        sampler.set_topics(k, labels[:, 0].astype(np.int64))
        done += len(members)
    log(f"topic batches: {done} pairs clustered in {time.time() - t0:.0f} s")


# --- Main ------------------------------------------------------------------------------------------

def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    p.add_argument("--corpus", required=True, action="append",
                   help="directory of <a>-<b>.tsv.zst pair files, or DIR:WEIGHT; repeat to mix corpora (a file's "
                        "sampling weight n**alpha is multiplied by its corpus's WEIGHT, default 1)")
    p.add_argument("--tokenizer", required=True, help="SentencePiece model (scripts/train/tokenizer.py)")
    p.add_argument("--out", required=True, help="model directory to write (must not exist or be empty)")
    stop = p.add_mutually_exclusive_group(required=True)
    stop.add_argument("--minutes", type=float, help="training time (loading not counted)")
    stop.add_argument("--steps", type=int, help="training steps")
    p.add_argument("--dim", type=int, default=256, help="embedding dimension (default %(default)s)")
    p.add_argument("--batch", type=int, default=1024, help="pairs per batch (default %(default)s)")
    p.add_argument("--scale", type=float, default=20.0, help="similarity scale of the loss (default %(default)s)")
    p.add_argument("--margin", type=float, default=0.0, help="additive margin on the true pair (default 0)")
    p.add_argument("--lr", type=float, default=0.01, help="SparseAdam learning rate (default %(default)s)")
    p.add_argument("--schedule", choices=["constant", "linear"], default="constant",
                   help="learning rate: constant, or linear decay to 0 after the warm-up (default %(default)s)")
    p.add_argument("--warmup", type=int, default=0, help="linear warm-up steps (default 0)")
    p.add_argument("--init-std", type=float, default=1.0, help="std of the N(0, s) initial vectors (default 1)")
    p.add_argument("--alpha", type=float, default=1.0,
                   help="language-pair sampling exponent: p ~ n**alpha (default %(default)s: uniform over pairs)")
    p.add_argument("--eng-boost", type=float, default=1.0,
                   help="multiply the sampling weight of language pairs with English by this (default 1)")
    p.add_argument("--pair-weight", action="append", default=[], metavar="PAIRS:W",
                   help="multiply the sampling weight of these language pairs (comma-separated, e.g. "
                        "deu-eng,ces-eng:4) by W; repeatable")
    p.add_argument("--topic-batches", action="store_true",
                   help="with --group: cluster each language pair's pairs by the English (else second) side's "
                        "embedding under the starting table (k-means, one cluster per --topic-size pairs) and draw "
                        "the runs of a batch cluster by cluster (hard in-batch negatives; best with --init)")
    p.add_argument("--topic-size", type=int, default=0,
                   help="pairs per k-means cluster of --topic-batches (default: --group)")
    p.add_argument("--group", type=int, default=1, help="pairs per same-language-pair run in a batch (default 1)")
    p.add_argument("--english-only", action="store_true", help="train on the pairs with English only")
    p.add_argument("--teacher", help="static teacher model directory: distillation (see above)")
    p.add_argument("--teacher-target", choices=["eng", "mean"], default="eng")
    p.add_argument("--distill-weight", type=float, default=1.0, help="weight of the distillation loss")
    p.add_argument("--contrastive-weight", type=float, default=None,
                   help="weight of the contrastive loss (default 1, or 0 with --teacher)")
    p.add_argument("--init", help="start from this static model's table (same tokenizer and dim)")
    p.add_argument("--seed", type=int, default=1234)
    p.add_argument("--threads", type=int, default=2, help="torch and tokenizer threads (default %(default)s)")
    p.add_argument("--device", default=None, help="torch device (default: cuda when available, else cpu)")
    p.add_argument("--eval-every", type=int, default=0, help="held-out retrieval check every N steps (0: off)")
    p.add_argument("--heldout", type=int, default=2000, help="training pairs with English kept out for --eval-every")
    p.add_argument("--log-every", type=int, default=100)
    p.add_argument("--export-at", default="",
                   help="comma-separated steps at which to also export OUT-stepN (for learning curves)")
    p.add_argument("--dtype", choices=["f32", "f16", "int8"], default="f16",
                   help="exported weights (default %(default)s); int8: a per-row scale, read by bitmill-embed only")
    p.add_argument("--no-normalize", action="store_true", help="export without the Normalize module")
    p.add_argument("--scale-dtype", choices=["f32", "f16"], default="f32",
                   help="with --dtype int8: the per-row scales' type (default %(default)s)")
    p.add_argument("--no-spm", action="store_true",
                   help="export without spm_unigram.model (tokenizer.json alone: bitmill-embed reads it, and the "
                        "training scripts rebuild the SentencePiece model from it)")
    p.add_argument("--cache", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "bitmill-train-cache"),
                   help="tokenised corpus cache ('' disables; default %(default)s)")
    p.add_argument("--evaluate", action="store_true",
                   help="run scripts/train/evaluate.sh on the model at the end (reads the dev sets); "
                        "the report goes to OUT.eval.md beside the model directory")
    args = p.parse_args()
    if args.contrastive_weight is None:
        args.contrastive_weight = 0.0 if args.teacher else 1.0
    if args.batch % args.group:
        p.error("--batch must be a multiple of --group")
    if args.topic_batches and args.group < 2:
        p.error("--topic-batches needs --group > 1 (a batch's runs are what share a topic)")
    if args.topic_size < 0:
        p.error("--topic-size must be >= 0")
    args.pair_weights = {}
    for spec in args.pair_weight:
        pairs, _, w = spec.rpartition(":")
        try:
            weight = float(w)
        except ValueError:
            weight = -1.0
        if not pairs or weight < 0:
            p.error(f"--pair-weight expects PAIRS:W with W >= 0, not '{spec}'")
        for name in pairs.split(","):
            if name.count("-") != 1 or name.split("-") != sorted(name.split("-")):
                p.error(f"--pair-weight: '{name}' is not a language pair in file-name order (like deu-eng)")
            args.pair_weights[name] = weight
    return args


def lr_factor(step, progress, args):
    """Warm-up over --warmup steps; with --schedule linear, then a linear decay to 0 over the rest
    of the run (progress: the fraction of the run done, in steps or in time)."""
    f = min(1.0, (step + 1) / args.warmup) if args.warmup else 1.0
    if args.schedule == "linear" and step >= args.warmup:
        f *= max(0.0, 1.0 - progress)
    return f


def main():
    args = parse_args()
    if os.path.exists(args.out) and os.listdir(args.out):
        sys.exit(f"train: {args.out} exists and is not empty")
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    log(f"torch {torch.__version__} on {device}, {torch.get_num_threads()} threads")

    corpus = load_corpus(args.corpus, args.tokenizer, args.cache, args.threads)
    vocab = spm.SentencePieceProcessor(model_file=args.tokenizer).get_piece_size()
    rng = np.random.default_rng(args.seed)
    names = corpus.names
    has_eng = np.array(["eng" in n.split("-") for n in names])
    eng_first = np.array([n.split("-")[0] == "eng" for n in names])
    usable = corpus.valid()
    log(f"{int((~usable).sum())} pairs with a side without pieces left out")
    heldout = None
    if args.eval_every:
        cand = np.flatnonzero(has_eng[corpus.lp])
        heldout = np.sort(rng.choice(cand, size=min(args.heldout, len(cand)), replace=False))
        usable[heldout] = False
        # Keep English on side b so that the check is always xx -> en.
        heldout_swap = np.array([names[corpus.lp[i]].split("-")[0] == "eng" for i in heldout])
    if args.english_only or (args.teacher and args.teacher_target == "eng"):
        usable &= has_eng[corpus.lp]
    teacher = None
    if args.teacher:
        teacher = Teacher(args.teacher, args.corpus, args.cache, args.threads, device)
        if len(teacher.corpus.sa) != len(corpus.sa) or not np.array_equal(teacher.corpus.lp, corpus.lp):
            sys.exit("train: the teacher's reading of the corpus does not line up with the student's")
        usable &= teacher.corpus.valid()
    unknown = sorted(set(args.pair_weights) - set(names))
    if unknown:
        sys.exit(f"train: --pair-weight names language pairs the corpus does not have: {', '.join(unknown)}")
    sampler = Sampler(corpus, usable, args.alpha, args.group, args.seed, args.eng_boost, args.pair_weights)
    log(f"{int(usable.sum())} training pairs in {int((sampler.p > 0).sum())} language pairs; "
        f"largest sampling weights: " + ", ".join(f"{names[k]} {sampler.p[k]:.3f}" for k in np.argsort(-sampler.p)[:5]))

    if teacher is not None:
        fit = sampler.batch(min(20000, int(usable.sum())))
        teacher.fit_projection(np.where(eng_first[teacher.corpus.lp[fit]], teacher.corpus.sa[fit],
                                        teacher.corpus.sb[fit]), args.dim)

    if args.init:
        init, init_spm, _ = st_export.load_static_model(args.init)
        if init.shape != (vocab, args.dim):
            sys.exit(f"train: --init table is {init.shape}, expected {(vocab, args.dim)}")
        weight = torch.from_numpy(init.copy())
    else:
        weight = torch.randn(vocab, args.dim, generator=torch.Generator().manual_seed(args.seed)) * args.init_std
    table = weight.to(device)
    if args.topic_batches:
        assign_topics(sampler, corpus, table, args.topic_size or args.group, args.seed, device)
    opt = RowAdam(table, args.lr)

    export_at = {int(x) for x in args.export_at.split(",") if x}
    step, t_start, seen = 0, time.time(), 0
    t_log, losses = t_start, []
    while True:
        elapsed = time.time() - t_start
        if args.steps is not None:
            if step >= args.steps:
                break
            progress = (step - args.warmup) / max(1, args.steps - args.warmup)
        else:
            if elapsed >= args.minutes * 60:
                break
            # The decay follows the clock (the step count is not known in advance): such a run is
            # reproduced by --steps only up to the schedule's shape.
            progress = elapsed / (args.minutes * 60)
        opt.lr = args.lr * lr_factor(step, progress, args)
        idx = sampler.batch(args.batch)
        sa, sb = corpus.sa[idx], corpus.sb[idx]
        (u, v), rows, leaf = embed_batch(table, corpus, (sa, sb), device)
        loss = torch.zeros((), device=device)
        if args.contrastive_weight:
            loss = loss + args.contrastive_weight * contrastive(u, v, sa, sb, args.scale, args.margin, device)
        if teacher is not None:
            if args.teacher_target == "eng":
                t = teacher(np.where(eng_first[corpus.lp[idx]], teacher.corpus.sa[idx], teacher.corpus.sb[idx]))
            else:
                t = F.normalize(teacher(teacher.corpus.sa[idx]) + teacher(teacher.corpus.sb[idx]), dim=-1)
            d = ((u - t) ** 2).sum(1).mean() + ((v - t) ** 2).sum(1).mean()
            loss = loss + args.distill_weight * d
        loss.backward()
        opt.step(rows, leaf.grad)
        step += 1
        seen += len(idx)
        losses.append(float(loss))
        if step % args.log_every == 0:
            now = time.time()
            log(f"step {step}{'/' + str(args.steps) if args.steps is not None else ''} loss {np.mean(losses):.4f} "
                f"lr {opt.lr:.2g} {args.log_every * args.batch / (now - t_log):.0f} pairs/s "
                f"[{(now - t_start) / 60:.1f} min]")
            t_log, losses = now, []
        if step in export_at:
            d = os.path.normpath(args.out) + f"-step{step}"
            st_export.write_static_model(d, args.tokenizer, table.float().cpu().numpy(), args.dtype,
                                         not args.no_normalize, args.scale_dtype)
            log(f"step {step}: exported {d}")
        if args.eval_every and step % args.eval_every == 0:
            h = heldout
            a = np.where(heldout_swap, corpus.sb[h], corpus.sa[h])
            b = np.where(heldout_swap, corpus.sa[h], corpus.sb[h])
            acc = heldout_accuracy(table, Corpus(corpus.tokens, corpus.offsets, a, b, None, names),
                                   np.arange(len(h)), device)
            log(f"step {step}: held-out retrieval xx->en {acc[0]:.1f}%, en->xx {acc[1]:.1f}% ({len(h)} pairs)")
    train_s = time.time() - t_start
    log(f"{step} steps, {seen} pairs in {train_s / 60:.1f} min")

    os.makedirs(args.out, exist_ok=True)
    out_table = table.float().cpu().numpy()
    size = st_export.write_static_model(args.out, args.tokenizer, out_table, args.dtype, not args.no_normalize,
                                        args.scale_dtype, not args.no_spm)
    write_card(args, vocab, step, seen, train_s, size, device)
    log(f"wrote {args.out}: vocab {vocab} x dim {args.dim} {args.dtype}, {size / 1e6:.1f} MB on disk")

    if args.evaluate:
        report = os.path.normpath(args.out) + ".eval.md"
        cmd = [os.path.join(HERE, "evaluate.sh"), args.out, "-t", str(args.threads), "--out", report]
        log("running " + " ".join(shlex.quote(c) for c in cmd))
        subprocess.run(cmd, check=True)
        with open(report) as f:
            print(f.read())


def tokenizer_command(tok):
    """The tokenizer.py command line recorded in its PREFIX.json: lists as repeated options, flags bare."""
    words = ["scripts/train/tokenizer.py"]
    for k, v in (tok or {}).get("args", {}).items():
        flag = "--" + k.replace("_", "-")
        if v is True:
            words.append(flag)
        elif isinstance(v, list):
            for item in v:
                words += [flag, shlex.quote(str(item))]
        elif v not in (False, None):
            words += [flag, shlex.quote(str(v))]
    return " ".join(words)


def write_card(args, vocab, steps, seen, train_s, size, device):
    tok_info = os.path.splitext(args.tokenizer)[0] + ".json"
    tok = None
    if os.path.exists(tok_info):
        with open(tok_info) as f:
            tok = json.load(f)
    argv = " ".join(shlex.quote(a) for a in sys.argv)
    rerun = argv if args.steps is not None else argv.replace(f"--minutes {args.minutes:g}", f"--steps {steps}")
    info = {"args": vars(args), "steps": steps, "pairs_seen": seen, "train_seconds": round(train_s, 1),
            "vocab": vocab, "size_bytes": size, "device": str(device), "torch": torch.__version__,
            "tokenizer": tok}
    card = f"""# bitmill static sentence encoder

A static multilingual sentence encoder for bitmill-embed: the mean of SentencePiece piece vectors
(unigram, {vocab} pieces, {args.dim} dimensions, {args.dtype}), L2-normalised{" (no Normalize module)" if args.no_normalize else ""}.
Trained by `scripts/train/train.py` with a symmetric in-batch contrastive loss{" and distillation from " + args.teacher if args.teacher else ""}
on translation pairs; see `scripts/train/README.md` for the recipe. {size / 1e6:.1f} MB on disk.

## Recipe

Tokenizer: `{tokenizer_command(tok)}`

Training ({steps} steps, {seen} pairs, {train_s / 60:.1f} min on {device}, torch {torch.__version__}, {args.threads} threads):

    {argv}

Reproduce exactly (same step count):

    {rerun}

## Arguments

```json
{json.dumps(info, indent=2, ensure_ascii=False)}
```
"""
    with open(os.path.join(args.out, "README.md"), "w", encoding="utf-8") as f:
        f.write(card)
    # The same facts for scripts/train/card.py, which follows --init back through the stages.
    with open(os.path.join(args.out, "training.json"), "w", encoding="utf-8") as f:
        json.dump(dict(info, command=argv, rerun=rerun, tokenizer_command=tokenizer_command(tok)), f, indent=2,
                  ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
