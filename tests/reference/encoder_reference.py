#!/usr/bin/python3
"""Independent PyTorch reference for bitmill-embed (Debian's python3-torch, numpy, sentencepiece).

  encoder_reference.py make DIR --arch bert|xlmr [--pooling cls|mean] [--dense] [--normalize]
                                [--dtype f32|f16|bf16] [--seed N] [--hidden 64 --layers 2 ...]
      writes a random-weight checkpoint in the sentence-transformers layout: config.json,
      model.safetensors (written here from the published format), modules.json, 1_Pooling,
      optional 2_Dense (Tanh) and Normalize, sentence_bert_config.json and a tokenizer
      (BERT: vocab.txt built from the sample text; XLM-R: sentencepiece.bpe.model trained here).
  encoder_reference.py embed DIR TEXTS OUT.npy
      embeds each line of TEXTS the way sentence-transformers does (HF BertModel/XLMRobertaModel
      semantics, written out with torch.nn.functional), and saves float32 rows.

Nothing here imports bitmill: the forward pass, the tokenisation (SentencePiece with the fairseq
id offset for XLM-R; greedy WordPiece for the lower-case ASCII test text of BERT) and the file
format are written from their public definitions.
"""
import argparse
import json
import math
import os
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F

SPECIAL_BERT = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def write_safetensors(path, tensors, dtype):
    """tensors: name -> float32 numpy array, stored as F32, F16 or BF16; int8 arrays are stored as I8."""
    header, blobs, offset = {}, [], 0
    for name, arr in tensors.items():
        if arr.dtype == np.int8:
            data, tag = np.ascontiguousarray(arr).tobytes(), "I8"
        elif dtype == "f32":
            data, tag = np.ascontiguousarray(arr, dtype="<f4").tobytes(), "F32"
        elif dtype == "f16":
            data, tag = np.ascontiguousarray(arr, dtype="<f2").tobytes(), "F16"
        else:  # bf16: round to nearest even on the upper 16 bits of the f32 pattern
            bits = np.ascontiguousarray(arr, dtype="<f4").view("<u4").astype(np.uint64)
            rounded = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype("<u2")
            data, tag = rounded.tobytes(), "BF16"
        header[name] = {"dtype": tag, "shape": list(arr.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    header["__metadata__"] = {"format": "pt"}
    raw = json.dumps(header).encode()
    raw += b" " * ((8 - len(raw) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for b in blobs:
            f.write(b)


def stored_values(arr, dtype):
    """The float32 values a reader gets back after storing `arr` as `dtype`."""
    if dtype == "f32":
        return arr.astype(np.float32)
    if dtype == "f16":
        return arr.astype(np.float16).astype(np.float32)
    bits = arr.astype("<f4").view("<u4").astype(np.uint64)
    rounded = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype(np.uint32) << 16
    return rounded.astype("<u4").view("<f4")


def sample_words():
    here = os.path.dirname(os.path.abspath(__file__))
    words = []
    with open(os.path.join(here, "..", "..", "data", "samples", "deu-eng.tsv"), encoding="utf-8") as f:
        for line in f:
            for w in line.split("\t")[-1].lower().split():
                w = "".join(c for c in w if "a" <= c <= "z")
                if w:
                    words.append(w)
    return words


def bert_vocab(args):
    words = sorted(set(sample_words()))
    vocab = SPECIAL_BERT + [chr(c) for c in range(ord("a"), ord("z") + 1)]
    vocab += ["##" + chr(c) for c in range(ord("a"), ord("z") + 1)]
    vocab += [w for w in words if len(w) > 1][: args.vocab_words]
    vocab += ["##" + w[1:] for w in words if len(w) > 3][: args.vocab_words // 4]
    return list(dict.fromkeys(vocab))


def make_static(args):
    """sentence-transformers StaticEmbedding: 0_StaticEmbedding/{model.safetensors, tokenizer.json}."""
    rng = np.random.default_rng(args.seed)
    d = args.dir
    sub = os.path.join(d, "0_StaticEmbedding")
    os.makedirs(sub, exist_ok=True)
    vocab = bert_vocab(args)
    tok = {"version": "1.0", "truncation": None, "padding": None,
           "added_tokens": [{"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False,
                             "normalized": False, "special": True} for i, t in enumerate(SPECIAL_BERT)],
           "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                          "strip_accents": None, "lowercase": True},
           "pre_tokenizer": {"type": "BertPreTokenizer"},
           "post_processor": {"type": "BertProcessing", "sep": ["[SEP]", 3], "cls": ["[CLS]", 2]},
           "decoder": None,
           "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                     "max_input_chars_per_word": 100, "vocab": {t: i for i, t in enumerate(vocab)}}}
    json.dump(tok, open(os.path.join(sub, "tokenizer.json"), "w"))
    table = (rng.standard_normal((len(vocab), args.hidden)) * 0.5).astype(np.float32)
    if args.dtype == "int8":  # bitmill's int8 table: rows of q (int8) times a per-row f32 scale
        scale = (np.abs(table).max(axis=1) / 127).astype(np.float32)
        q = np.clip(np.rint(table / scale[:, None]), -127, 127).astype(np.int8)
        write_safetensors(os.path.join(sub, "model.safetensors"), {"embedding.weight": q, "embedding.scale": scale},
                          "f32")
    else:
        write_safetensors(os.path.join(sub, "model.safetensors"), {"embedding.weight": table}, args.dtype)
    modules = [{"idx": 0, "name": "0", "path": "0_StaticEmbedding",
                "type": "sentence_transformers.models.StaticEmbedding"}]
    if args.normalize:
        modules.append({"idx": 1, "name": "1", "path": "1_Normalize", "type": "sentence_transformers.models.Normalize"})
    json.dump(modules, open(os.path.join(d, "modules.json"), "w"), indent=1)
    json.dump({"arch": "static", "dtype": args.dtype}, open(os.path.join(d, "reference.json"), "w"))


def make(args):
    if args.arch == "static":
        return make_static(args)
    rng = np.random.default_rng(args.seed)
    d = args.dir
    os.makedirs(d, exist_ok=True)
    H, L, A, I = args.hidden, args.layers, args.heads, args.intermediate
    if args.arch == "bert":
        vocab = bert_vocab(args)
        with open(os.path.join(d, "vocab.txt"), "w", encoding="utf-8") as f:
            f.write("\n".join(vocab) + "\n")
        with open(os.path.join(d, "tokenizer_config.json"), "w") as f:
            json.dump({"do_lower_case": True, "tokenize_chinese_chars": True, "strip_accents": None}, f)
        V, pad, P = len(vocab), 0, args.max_positions
        model_type = "bert"
    else:
        import sentencepiece as spm
        text = os.path.join(d, "spm_train.txt")
        here = os.path.dirname(os.path.abspath(__file__))
        with open(os.path.join(here, "..", "..", "data", "samples", "deu-eng.tsv"), encoding="utf-8") as f, \
                open(text, "w", encoding="utf-8") as out:
            for line in f:
                out.write(line.replace("\t", "\n"))
        spm.SentencePieceTrainer.train(input=text, model_prefix=os.path.join(d, "sentencepiece.bpe"),
                                       vocab_size=args.spm_vocab, model_type="bpe", character_coverage=1.0,
                                       minloglevel=2)
        os.remove(text)
        os.remove(os.path.join(d, "sentencepiece.bpe.vocab"))
        sp = spm.SentencePieceProcessor(model_file=os.path.join(d, "sentencepiece.bpe.model"))
        V, pad, P = sp.get_piece_size() + 2, 1, args.max_positions + 2  # +1 offset and <mask>; positions from pad+1
        model_type = "xlm-roberta"
    config = {"model_type": model_type, "vocab_size": V, "hidden_size": H, "num_hidden_layers": L,
              "num_attention_heads": A, "intermediate_size": I, "max_position_embeddings": P,
              "type_vocab_size": 1 if args.arch == "xlmr" else 2, "layer_norm_eps": 1e-5 if args.arch == "xlmr" else 1e-12,
              "pad_token_id": pad, "hidden_act": "gelu", "position_embedding_type": "absolute"}
    json.dump(config, open(os.path.join(d, "config.json"), "w"), indent=1)
    prefix = "bert." if args.arch == "bert" else "roberta."

    def rnd(*shape, scale=0.5):
        return (rng.standard_normal(shape) * scale).astype(np.float32)

    t = {}
    t[prefix + "embeddings.word_embeddings.weight"] = rnd(V, H)
    t[prefix + "embeddings.position_embeddings.weight"] = rnd(P, H)
    t[prefix + "embeddings.token_type_embeddings.weight"] = rnd(config["type_vocab_size"], H)
    t[prefix + "embeddings.LayerNorm.weight"] = 1 + rnd(H, scale=0.1)
    t[prefix + "embeddings.LayerNorm.bias"] = rnd(H, scale=0.1)
    for l in range(L):
        p = f"{prefix}encoder.layer.{l}."
        for part in ("query", "key", "value"):
            t[p + f"attention.self.{part}.weight"] = rnd(H, H, scale=1 / math.sqrt(H))
            t[p + f"attention.self.{part}.bias"] = rnd(H, scale=0.1)
        t[p + "attention.output.dense.weight"] = rnd(H, H, scale=1 / math.sqrt(H))
        t[p + "attention.output.dense.bias"] = rnd(H, scale=0.1)
        t[p + "attention.output.LayerNorm.weight"] = 1 + rnd(H, scale=0.1)
        t[p + "attention.output.LayerNorm.bias"] = rnd(H, scale=0.1)
        t[p + "intermediate.dense.weight"] = rnd(I, H, scale=1 / math.sqrt(H))
        t[p + "intermediate.dense.bias"] = rnd(I, scale=0.1)
        t[p + "output.dense.weight"] = rnd(H, I, scale=1 / math.sqrt(I))
        t[p + "output.dense.bias"] = rnd(H, scale=0.1)
        t[p + "output.LayerNorm.weight"] = 1 + rnd(H, scale=0.1)
        t[p + "output.LayerNorm.bias"] = rnd(H, scale=0.1)
    t[prefix + "pooler.dense.weight"] = rnd(H, H)  # present in real checkpoints, unused
    write_safetensors(os.path.join(d, "model.safetensors"), t, args.dtype)

    modules = [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
               {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}]
    os.makedirs(os.path.join(d, "1_Pooling"), exist_ok=True)
    json.dump({"word_embedding_dimension": H, "pooling_mode_cls_token": args.pooling == "cls",
               "pooling_mode_mean_tokens": args.pooling == "mean", "pooling_mode_max_tokens": False,
               "pooling_mode_mean_sqrt_len_tokens": False}, open(os.path.join(d, "1_Pooling", "config.json"), "w"))
    if args.dense:
        os.makedirs(os.path.join(d, "2_Dense"), exist_ok=True)
        out_dim = args.dense_out
        json.dump({"in_features": H, "out_features": out_dim, "bias": True,
                   "activation_function": "torch.nn.modules.activation.Tanh"},
                  open(os.path.join(d, "2_Dense", "config.json"), "w"))
        write_safetensors(os.path.join(d, "2_Dense", "model.safetensors"),
                          {"linear.weight": rnd(out_dim, H, scale=1 / math.sqrt(H)), "linear.bias": rnd(out_dim, scale=0.1)},
                          "f32")
        modules.append({"idx": 2, "name": "2", "path": "2_Dense", "type": "sentence_transformers.models.Dense"})
    if args.normalize:
        modules.append({"idx": len(modules), "name": str(len(modules)), "path": "3_Normalize",
                        "type": "sentence_transformers.models.Normalize"})
    json.dump(modules, open(os.path.join(d, "modules.json"), "w"), indent=1)
    json.dump({"max_seq_length": args.max_seq_length, "do_lower_case": False},
              open(os.path.join(d, "sentence_bert_config.json"), "w"))
    json.dump({"arch": args.arch, "dtype": args.dtype}, open(os.path.join(d, "reference.json"), "w"))


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        b, e = info["data_offsets"]
        raw = data[b:e]
        if info["dtype"] == "F32":
            arr = np.frombuffer(raw, dtype="<f4")
        elif info["dtype"] == "F16":
            arr = np.frombuffer(raw, dtype="<f2").astype(np.float32)
        elif info["dtype"] == "I8":
            arr = np.frombuffer(raw, dtype=np.int8)
        else:
            arr = (np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16).view("<f4")
        out[name.split(".", 1)[1] if name.startswith(("bert.", "roberta.")) else name] = torch.from_numpy(
            arr.reshape(info["shape"]).copy())
    return out


def wordpiece(text, vocab, max_len):
    ids = [vocab["[CLS]"]]
    for word in text.lower().split():
        start, pieces = 0, []
        while start < len(word):
            end = len(word)
            while end > start:
                sub = word[start:end] if start == 0 else "##" + word[start:end]
                if sub in vocab:
                    pieces.append(vocab[sub])
                    break
                end -= 1
            if end == start:
                pieces = [vocab["[UNK]"]]
                break
            start = end
        ids += pieces
    return ids[: max_len - 1] + [vocab["[SEP]"]]


def embed_static(args, ref):
    d = args.dir
    sub = os.path.join(d, "0_StaticEmbedding")
    tok = json.load(open(os.path.join(sub, "tokenizer.json")))
    vocab = tok["model"]["vocab"]
    tensors = read_safetensors(os.path.join(sub, "model.safetensors"))
    table = tensors["embedding.weight"]
    if "embedding.scale" in tensors:  # int8: each element one f32 product, as bitmill computes it
        table = table.to(torch.float32) * tensors["embedding.scale"][:, None]
    modules = json.load(open(os.path.join(d, "modules.json")))
    rows = []
    with torch.no_grad():
        for t in open(args.texts, encoding="utf-8").read().split("\n")[:-1]:
            ids = wordpiece(t, vocab, 10**9)[1:-1]  # add_special_tokens=False, no truncation
            bag = F.embedding_bag(torch.tensor(ids, dtype=torch.long), table, torch.tensor([0]), mode="mean")[0]
            if any(m["type"].endswith("Normalize") for m in modules):
                bag = F.normalize(bag, p=2, dim=0)
            rows.append(bag.numpy().astype(np.float32))
    np.save(args.out, np.stack(rows))


def embed(args):
    d = args.dir
    ref = json.load(open(os.path.join(d, "reference.json")))
    if ref["arch"] == "static":
        return embed_static(args, ref)
    cfg = json.load(open(os.path.join(d, "config.json")))
    st_cfg = json.load(open(os.path.join(d, "sentence_bert_config.json")))
    max_len = st_cfg["max_seq_length"]
    w = read_safetensors(os.path.join(d, "model.safetensors"))
    texts = open(args.texts, encoding="utf-8").read().split("\n")[:-1]
    if ref["arch"] == "bert":
        vocab = {tok: i for i, tok in enumerate(open(os.path.join(d, "vocab.txt"), encoding="utf-8").read().split("\n")[:-1])}
        seqs = [wordpiece(t, vocab, max_len) for t in texts]
    else:
        import sentencepiece as spm
        sp = spm.SentencePieceProcessor(model_file=os.path.join(d, "sentencepiece.bpe.model"))
        seqs = []
        for t in texts:
            # fairseq / HF XLMRobertaTokenizer: <s>=0, <pad>=1, </s>=2, <unk>=3, pieces at sp id + 1
            ids = [3 if i == sp.unk_id() else i + 1 for i in sp.encode(t)]
            seqs.append([0] + ids[: max_len - 2] + [2])
    H, nh, eps = cfg["hidden_size"], cfg["num_attention_heads"], cfg["layer_norm_eps"]
    dh = H // nh
    pooling_cfg = json.load(open(os.path.join(d, "1_Pooling", "config.json")))
    modules = json.load(open(os.path.join(d, "modules.json")))
    rows = []
    with torch.no_grad():
        for ids in seqs:
            ids_t = torch.tensor(ids)
            n = len(ids)
            if ref["arch"] == "xlmr":
                pos = torch.arange(n) + cfg["pad_token_id"] + 1
            else:
                pos = torch.arange(n)
            x = w["embeddings.word_embeddings.weight"][ids_t] + w["embeddings.position_embeddings.weight"][pos] \
                + w["embeddings.token_type_embeddings.weight"][0]
            x = F.layer_norm(x, (H,), w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)
            for l in range(cfg["num_hidden_layers"]):
                p = f"encoder.layer.{l}."
                q = F.linear(x, w[p + "attention.self.query.weight"], w[p + "attention.self.query.bias"])
                k = F.linear(x, w[p + "attention.self.key.weight"], w[p + "attention.self.key.bias"])
                v = F.linear(x, w[p + "attention.self.value.weight"], w[p + "attention.self.value.bias"])
                q, k, v = (t.view(n, nh, dh).transpose(0, 1) for t in (q, k, v))
                att = torch.softmax(q @ k.transpose(1, 2) / math.sqrt(dh), dim=-1)
                ctx = (att @ v).transpose(0, 1).reshape(n, H)
                a = F.linear(ctx, w[p + "attention.output.dense.weight"], w[p + "attention.output.dense.bias"])
                x = F.layer_norm(x + a, (H,), w[p + "attention.output.LayerNorm.weight"],
                                 w[p + "attention.output.LayerNorm.bias"], eps)
                h = F.gelu(F.linear(x, w[p + "intermediate.dense.weight"], w[p + "intermediate.dense.bias"]))
                o = F.linear(h, w[p + "output.dense.weight"], w[p + "output.dense.bias"])
                x = F.layer_norm(x + o, (H,), w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], eps)
            y = x[0] if pooling_cfg["pooling_mode_cls_token"] else x.mean(dim=0)
            for m in modules[2:]:
                if m["type"].endswith("Dense"):
                    dw = read_safetensors(os.path.join(d, m["path"], "model.safetensors"))
                    y = torch.tanh(F.linear(y, dw["linear.weight"], dw["linear.bias"]))
                elif m["type"].endswith("Normalize"):
                    y = F.normalize(y, p=2, dim=0)
            rows.append(y.numpy().astype(np.float32))
    np.save(args.out, np.stack(rows))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("make")
    m.add_argument("dir")
    m.add_argument("--arch", choices=["bert", "xlmr", "static"], required=True)
    m.add_argument("--pooling", choices=["cls", "mean"], default="mean")
    m.add_argument("--dense", action="store_true")
    m.add_argument("--dense-out", type=int, default=48)
    m.add_argument("--normalize", action="store_true")
    m.add_argument("--dtype", choices=["f32", "f16", "bf16", "int8"], default="f32")
    m.add_argument("--seed", type=int, default=1)
    m.add_argument("--hidden", type=int, default=64)
    m.add_argument("--layers", type=int, default=2)
    m.add_argument("--heads", type=int, default=4)
    m.add_argument("--intermediate", type=int, default=128)
    m.add_argument("--max-positions", type=int, default=64)
    m.add_argument("--max-seq-length", type=int, default=48)
    m.add_argument("--vocab-words", type=int, default=600)
    m.add_argument("--spm-vocab", type=int, default=600)
    e = sub.add_parser("embed")
    e.add_argument("dir")
    e.add_argument("texts")
    e.add_argument("out")
    args = ap.parse_args()
    torch.manual_seed(0)
    make(args) if args.cmd == "make" else embed(args)


if __name__ == "__main__":
    main()
