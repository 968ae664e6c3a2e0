#!/usr/bin/python3
"""Build the "random-weight encoder" baseline: a static embedding model that bitmill-embed loads.

    scripts/train/random_model.py OUT_DIR [--train DIR] [--vocab 16000] [--dim 256] [--seed 1234]

What it writes (the sentence-transformers StaticEmbedding layout, see man bitmill-embed):

    OUT_DIR/modules.json                       StaticEmbedding, then Normalize
    OUT_DIR/0_StaticEmbedding/tokenizer.json   SentencePiece unigram model as a HF tokenizer.json
    OUT_DIR/0_StaticEmbedding/model.safetensors  embedding.weight: [vocab, dim] F32, N(0, 1)
    OUT_DIR/0_StaticEmbedding/spm_unigram.model  the SentencePiece model itself (provenance)
    OUT_DIR/1_Normalize/                       (empty: Normalize has no parameters)
    OUT_DIR/random_model.json                  the parameters and the sample that built it

A sentence's embedding is the normalised mean of its token vectors: with random vectors the
only cross-lingual signal is shared tokens (names, numbers, cognates), which is what a trained
model has to beat. Why: the project needs a floor for its evaluation table before a trained
model exists.

The tokenizer is trained with spm_train (Debian package sentencepiece) on a language-balanced
sample of the training corpus: the distinct sentences of every language found in
DIR/<a>-<b>.tsv.zst (both columns), at most --per-lang of them per language, drawn with --seed.
Only the training corpus is read: never ../shared/data/dev. Every step is seeded, and spm_train
runs with --threads (default 1) so the same arguments give the same model.

Needs: /usr/bin/python3 with numpy and sentencepiece (Debian python3-numpy,
python3-sentencepiece), spm_train, zstd.
"""
import argparse
import glob
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import sentencepiece as spm

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from st_export import tokenizer_json, write_safetensors  # noqa: E402  (the shared export code)

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_TRAIN = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "data", "train"))


def log(msg):
    print(f"random_model: {msg}", file=sys.stderr, flush=True)


def balanced_sample(train_dir, per_lang, seed):
    """language -> up to per_lang distinct sentences, drawn with a fixed seed."""
    files = sorted(glob.glob(os.path.join(train_dir, "*-*.tsv.zst")))
    if not files:
        sys.exit(f"random_model: no <a>-<b>.tsv.zst files in {train_dir}")
    langs = {}  # language -> dict used as an insertion-ordered set
    for path in files:
        a, b = os.path.basename(path)[: -len(".tsv.zst")].split("-")
        text = subprocess.run(["zstd", "-dcq", path], check=True, capture_output=True).stdout.decode("utf-8")
        for line in text.split("\n"):
            cols = line.split("\t")
            if len(cols) < 2:
                continue
            for lang, sent in ((a, cols[0].strip()), (b, cols[1].strip())):
                if sent:
                    langs.setdefault(lang, {})[sent] = None
    rng = random.Random(seed)
    sample = {}
    for lang in sorted(langs):
        sents = list(langs[lang])
        sample[lang] = rng.sample(sents, min(per_lang, len(sents)))
    return sample


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out_dir", help="model directory to create (must not exist, or be empty)")
    p.add_argument("--train", default=DEFAULT_TRAIN, help="training corpus: <a>-<b>.tsv.zst (default: %(default)s)")
    p.add_argument("--vocab", type=int, default=16000, help="SentencePiece vocabulary size (default %(default)s)")
    p.add_argument("--dim", type=int, default=256, help="embedding dimension (default %(default)s)")
    p.add_argument("--per-lang", type=int, default=5000,
                   help="distinct sentences sampled per language for the tokenizer (default %(default)s)")
    p.add_argument("--seed", type=int, default=1234, help="seed of the sample, spm_train and weights")
    p.add_argument("--threads", type=int, default=1, help="spm_train threads (default %(default)s)")
    args = p.parse_args()

    if os.path.exists(args.out_dir) and os.listdir(args.out_dir):
        sys.exit(f"random_model: {args.out_dir} exists and is not empty")
    if shutil.which("spm_train") is None or shutil.which("zstd") is None:
        sys.exit("random_model: spm_train and zstd are needed (Debian packages sentencepiece, zstd)")
    if "dev" in os.path.realpath(args.train).split(os.sep):
        sys.exit("random_model: the tokenizer must not be trained on the dev sets")

    log(f"sampling up to {args.per_lang} sentences per language from {args.train}")
    sample = balanced_sample(args.train, args.per_lang, args.seed)
    lines = [s for lang in sorted(sample) for s in sample[lang]]
    random.Random(args.seed).shuffle(lines)
    log(f"{len(lines)} sentences from {len(sample)} languages")

    sub = os.path.join(args.out_dir, "0_StaticEmbedding")
    os.makedirs(sub, exist_ok=True)
    os.makedirs(os.path.join(args.out_dir, "1_Normalize"), exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = os.path.join(tmp, "sample.txt")
        with open(corpus, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        spm_args = ["--model_type=unigram", f"--vocab_size={args.vocab}", "--character_coverage=0.9995",
                    f"--random_seed={args.seed}", f"--num_threads={args.threads}", "--input_sentence_size=0",
                    "--max_sentence_length=4192", "--minloglevel=1"]
        log("spm_train " + " ".join(spm_args))
        subprocess.run(["spm_train", f"--input={corpus}", f"--model_prefix={tmp}/spm"] + spm_args, check=True)
        shutil.copy(f"{tmp}/spm.model", os.path.join(sub, "spm_unigram.model"))

    tok = tokenizer_json(os.path.join(sub, "spm_unigram.model"))
    with open(os.path.join(sub, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tok, f, ensure_ascii=False)
    vocab = len(tok["model"]["vocab"])
    table = np.random.default_rng(args.seed).standard_normal((vocab, args.dim), dtype=np.float32)
    write_safetensors(os.path.join(sub, "model.safetensors"), "embedding.weight", table)
    modules = [{"idx": 0, "name": "0", "path": "0_StaticEmbedding",
                "type": "sentence_transformers.models.StaticEmbedding"},
               {"idx": 1, "name": "1", "path": "1_Normalize", "type": "sentence_transformers.models.Normalize"}]
    with open(os.path.join(args.out_dir, "modules.json"), "w") as f:
        json.dump(modules, f, indent=2)
    info = {"what": "random-weight static embedding baseline (mean of N(0,1) token vectors, normalised)",
            "script": "scripts/train/random_model.py", "seed": args.seed, "dim": args.dim, "vocab": vocab,
            "per_lang": args.per_lang, "train": os.path.abspath(args.train), "spm_train": spm_args,
            "sample_sentences": len(lines), "sample_per_language": {k: len(v) for k, v in sample.items()}}
    with open(os.path.join(args.out_dir, "random_model.json"), "w") as f:
        json.dump(info, f, indent=2)
    log(f"wrote {args.out_dir}: vocab {vocab}, dim {args.dim}")


if __name__ == "__main__":
    main()
