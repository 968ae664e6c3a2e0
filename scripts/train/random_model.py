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
import base64
import glob
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile

import numpy as np
import sentencepiece as spm

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


def proto_fields(buf):
    """(field number, wire type, value) of a serialised protobuf message; enough for ModelProto."""
    i = 0

    def varint():
        nonlocal i
        v = shift = 0
        while True:
            b = buf[i]
            i += 1
            v |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                return v

    while i < len(buf):
        key = varint()
        field, wire = key >> 3, key & 7
        if wire == 0:
            yield field, wire, varint()
        elif wire == 1:
            yield field, wire, buf[i:i + 8]
            i += 8
        elif wire == 2:
            n = varint()
            yield field, wire, buf[i:i + n]
            i += n
        elif wire == 5:
            yield field, wire, buf[i:i + 4]
            i += 4
        else:
            raise ValueError(f"protobuf wire type {wire} not handled")


def normalizer_spec(model_path):
    """NormalizerSpec (ModelProto field 3): precompiled_charsmap (2) and the whitespace flags."""
    spec = {"charsmap": b"", "add_dummy_prefix": True, "remove_extra_whitespaces": True}
    for field, _, value in proto_fields(open(model_path, "rb").read()):
        if field == 3:
            for f, _, v in proto_fields(value):
                if f == 2:
                    spec["charsmap"] = bytes(v)
                elif f == 3:
                    spec["add_dummy_prefix"] = bool(v)
                elif f == 4:
                    spec["remove_extra_whitespaces"] = bool(v)
    return spec


def tokenizer_json(model_path):
    """The SentencePiece unigram model as tokenizers' JSON, as transformers' SpmConverter writes it."""
    sp = spm.SentencePieceProcessor(model_file=model_path)
    spec = normalizer_spec(model_path)
    vocab = [[sp.id_to_piece(i), float(sp.get_score(i))] for i in range(sp.get_piece_size())]
    specials = [i for i in range(sp.get_piece_size()) if sp.is_control(i) or sp.is_unknown(i)]
    normalizers = []
    if spec["charsmap"]:
        normalizers.append({"type": "Precompiled",
                            "precompiled_charsmap": base64.b64encode(spec["charsmap"]).decode()})
    if spec["remove_extra_whitespaces"]:
        normalizers.append({"type": "Strip", "strip_left": True, "strip_right": True})
        normalizers.append({"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "})
    metaspace = {"type": "Metaspace", "replacement": "\u2581",
                 "prepend_scheme": "always" if spec["add_dummy_prefix"] else "never", "split": True}
    return {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [{"id": i, "content": sp.id_to_piece(i), "single_word": False, "lstrip": False,
                          "rstrip": False, "normalized": False, "special": True} for i in specials],
        "normalizer": {"type": "Sequence", "normalizers": normalizers},
        "pre_tokenizer": metaspace,
        "post_processor": None,
        "decoder": metaspace,
        "model": {"type": "Unigram", "unk_id": sp.unk_id(), "vocab": vocab, "byte_fallback": False},
    }


def write_safetensors(path, name, arr):
    """One F32 tensor in the safetensors format (8-byte header length, JSON header, data)."""
    data = np.ascontiguousarray(arr, dtype="<f4").tobytes()
    header = {name: {"dtype": "F32", "shape": list(arr.shape), "data_offsets": [0, len(data)]},
              "__metadata__": {"format": "pt"}}
    raw = json.dumps(header).encode()
    raw += b" " * ((8 - len(raw) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)) + raw + data)


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
