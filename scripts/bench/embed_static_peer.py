#!/usr/bin/python3
"""embed_static_peer.py MODEL TEXT OUT.npy THREADS: the Python peer of scripts/bench/embed_static.sh.

Runs a bitmill/sentence-transformers static model the way sentence-transformers' StaticEmbedding
does (tokenise, EmbeddingBag mean, L2 normalise) with SentencePiece's C++ encoder and torch, and
prints the seconds of the encode loop (model loading and reading the text excluded).
"""
import os
import sys
import time

import numpy as np
import sentencepiece as spm
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "train"))
import st_export  # noqa: E402 (the StaticEmbedding reader of the training scripts)


def main():
    model, text, out, threads = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    torch.set_num_threads(threads)
    table, spm_model, _ = st_export.load_static_model(model)
    sp = spm.SentencePieceProcessor(model_file=spm_model)
    bag = torch.nn.EmbeddingBag.from_pretrained(torch.from_numpy(table), mode="mean")
    with open(text, encoding="utf-8") as f:
        lines = f.read().split("\n")[:-1]
    rows = []
    t0 = time.perf_counter()
    with torch.no_grad():
        for s in range(0, len(lines), 4096):
            ids = sp.encode(lines[s:s + 4096], num_threads=threads)
            offsets = torch.tensor([0] + [len(x) for x in ids[:-1]]).cumsum(0)
            flat = torch.tensor([i for x in ids for i in x], dtype=torch.long)
            emb = bag(flat, offsets)
            rows.append(torch.nn.functional.normalize(emb, dim=1))
    elapsed = time.perf_counter() - t0
    np.save(out, torch.cat(rows).numpy())
    print(f"{elapsed:.3f}")


if __name__ == "__main__":
    main()
