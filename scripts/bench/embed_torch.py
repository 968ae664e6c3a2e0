#!/usr/bin/python3
"""PyTorch peer for scripts/bench/embed.sh: a sentence-transformers-style batched encoder.

  embed_torch.py info
      prints one JSON line: torch version, the BLAS library torch runs on and a 2-thread SGEMM rate.
  embed_torch.py bench MODEL TEXTS --out ROWS.npy [--ids IDS.json] [--threads 2] [--batch 32]
      tokenises TEXTS (one sentence per line), encodes them the way sentence-transformers'
      encode() does (sorted by length, batches of --batch, padded, attention mask, no_grad),
      saves the rows in input order to ROWS.npy, optionally writes the token ids for the ONNX
      Runtime peer, and prints one JSON line with the timings.
  embed_torch.py export MODEL ONNX [--opset 14]
      exports the same torch.nn.Module (ids + mask in, sentence embeddings out) to ONNX with
      dynamic batch and sequence axes.

The model is written here as a torch.nn.Module (nn.Linear, nn.LayerNorm, masked softmax
attention, exact GELU, mean or CLS pooling, optional Dense+Tanh and Normalize) with HF
BertModel / XLMRobertaModel semantics; the safetensors file is read by hand. Tokenisers:
SentencePiece with the fairseq id mapping (XLM-R), or HF's BERT normaliser, pre-tokeniser and
greedy WordPiece (BERT), so the ids match what bitmill-embed and HF tokenizers produce.
Nothing here imports bitmill.
"""
import argparse
import json
import math
import os
import struct
import sys
import time
import unicodedata

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


# --- checkpoint -------------------------------------------------------------------------------

# The checkpoint reader of the PyTorch reference (tests/reference/encoder_reference.py): one
# reader for both, so the benchmark's model is loaded exactly as the parity tests load it.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "reference"))
from encoder_reference import read_safetensors  # noqa: E402


class Layer(nn.Module):
    def __init__(self, hidden, heads, inter, eps):
        super().__init__()
        self.heads, self.dh = heads, hidden // heads
        self.query = nn.Linear(hidden, hidden)
        self.key = nn.Linear(hidden, hidden)
        self.value = nn.Linear(hidden, hidden)
        self.attn_out = nn.Linear(hidden, hidden)
        self.attn_ln = nn.LayerNorm(hidden, eps=eps)
        self.inter = nn.Linear(hidden, inter)
        self.gelu = nn.GELU()  # exact (erf) GELU, as HF's "gelu"
        self.out = nn.Linear(inter, hidden)
        self.out_ln = nn.LayerNorm(hidden, eps=eps)

    def forward(self, x, ext_mask):
        b, s, h = x.shape
        q = self.query(x).view(b, s, self.heads, self.dh).transpose(1, 2)
        k = self.key(x).view(b, s, self.heads, self.dh).transpose(1, 2)
        v = self.value(x).view(b, s, self.heads, self.dh).transpose(1, 2)
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.dh) + ext_mask
        probs = torch.softmax(scores, dim=-1)
        ctx = torch.matmul(probs, v).transpose(1, 2).reshape(b, s, h)
        x = self.attn_ln(self.attn_out(ctx) + x)
        return self.out_ln(self.out(self.gelu(self.inter(x))) + x)


class SentenceEncoder(nn.Module):
    """input_ids, attention_mask (int64, batch x seq, right-padded) -> batch x dim embeddings."""

    def __init__(self, model_dir):
        super().__init__()
        cfg = json.load(open(os.path.join(model_dir, "config.json")))
        self.arch = "xlmr" if cfg["model_type"] in ("xlm-roberta", "roberta") else "bert"
        H, L, A, I = cfg["hidden_size"], cfg["num_hidden_layers"], cfg["num_attention_heads"], cfg["intermediate_size"]
        eps = cfg.get("layer_norm_eps", 1e-12)
        self.pad_id = cfg.get("pad_token_id", 1 if self.arch == "xlmr" else 0)
        self.word = nn.Embedding(cfg["vocab_size"], H)
        self.pos = nn.Embedding(cfg["max_position_embeddings"], H)
        self.tok_type = nn.Embedding(cfg.get("type_vocab_size", 2), H)
        self.emb_ln = nn.LayerNorm(H, eps=eps)
        self.layers = nn.ModuleList(Layer(H, A, I, eps) for _ in range(L))
        pool = json.load(open(os.path.join(model_dir, "1_Pooling", "config.json")))
        self.cls_pooling = bool(pool.get("pooling_mode_cls_token"))
        modules = json.load(open(os.path.join(model_dir, "modules.json")))
        self.dense = None
        self.normalize = False
        w = read_safetensors(os.path.join(model_dir, "model.safetensors"))
        dense_w = None
        for m in modules[2:]:
            if m["type"].endswith("Dense"):
                dcfg = json.load(open(os.path.join(model_dir, m["path"], "config.json")))
                act = dcfg.get("activation_function", "")
                if not act.endswith("Tanh"):
                    raise ValueError(f"Dense activation {act} not supported here")
                self.dense = nn.Linear(dcfg["in_features"], dcfg["out_features"], bias=dcfg.get("bias", True))
                dense_w = read_safetensors(os.path.join(model_dir, m["path"], "model.safetensors"))
            elif m["type"].endswith("Normalize"):
                self.normalize = True
        sd = {"word.weight": w["embeddings.word_embeddings.weight"],
              "pos.weight": w["embeddings.position_embeddings.weight"],
              "tok_type.weight": w["embeddings.token_type_embeddings.weight"],
              "emb_ln.weight": w["embeddings.LayerNorm.weight"], "emb_ln.bias": w["embeddings.LayerNorm.bias"]}
        names = {"query": "attention.self.query", "key": "attention.self.key", "value": "attention.self.value",
                 "attn_out": "attention.output.dense", "attn_ln": "attention.output.LayerNorm",
                 "inter": "intermediate.dense", "out": "output.dense", "out_ln": "output.LayerNorm"}
        for l in range(L):
            for mine, theirs in names.items():
                for p in ("weight", "bias"):
                    sd[f"layers.{l}.{mine}.{p}"] = w[f"encoder.layer.{l}.{theirs}.{p}"]
        if self.dense is not None:
            sd["dense.weight"] = dense_w["linear.weight"]
            if "linear.bias" in dense_w:
                sd["dense.bias"] = dense_w["linear.bias"]
        self.load_state_dict(sd, strict=True)
        self.eval()

    def forward(self, input_ids, attention_mask):
        if self.arch == "xlmr":
            # HF create_position_ids_from_input_ids: padding_idx + running count of real tokens
            pos = torch.cumsum(attention_mask, dim=1) * attention_mask + self.pad_id
        else:
            pos = torch.arange(input_ids.shape[1], dtype=torch.long).unsqueeze(0)
        x = self.word(input_ids) + self.pos(pos) + self.tok_type.weight[0]
        x = self.emb_ln(x)
        maskf = attention_mask.to(x.dtype)
        ext = ((1.0 - maskf) * torch.finfo(torch.float32).min)[:, None, None, :]
        for layer in self.layers:
            x = layer(x, ext)
        if self.cls_pooling:
            y = x[:, 0]
        else:  # sentence-transformers mean pooling
            m = maskf.unsqueeze(-1)
            y = (x * m).sum(1) / torch.clamp(m.sum(1), min=1e-9)
        if self.dense is not None:
            y = torch.tanh(self.dense(y))
        if self.normalize:
            y = F.normalize(y, p=2, dim=1)
        return y


# --- tokenisers -------------------------------------------------------------------------------

class XlmrTokenizer:
    def __init__(self, model_dir, max_len):
        import sentencepiece as spm
        self.sp = spm.SentencePieceProcessor(model_file=os.path.join(model_dir, "sentencepiece.bpe.model"))
        self.max_len = max_len

    def __call__(self, text):
        unk = self.sp.unk_id()
        # fairseq / HF XLMRobertaTokenizer: <s>=0, <pad>=1, </s>=2, <unk>=3, pieces at sp id + 1
        ids = [3 if i == unk else i + 1 for i in self.sp.encode(text)]
        return [0] + ids[: self.max_len - 2] + [2]


def _is_punct(c):
    o = ord(c)
    if 33 <= o <= 47 or 58 <= o <= 64 or 91 <= o <= 96 or 123 <= o <= 126:
        return True
    return unicodedata.category(c).startswith("P")


def _is_cjk(o):
    return (0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x2A6DF or 0x2A700 <= o <= 0x2B73F
            or 0x2B740 <= o <= 0x2B81F or 0x2B820 <= o <= 0x2CEAF or 0xF900 <= o <= 0xFAFF or 0x2F800 <= o <= 0x2FA1F)


class BertTokenizer:
    """HF BertNormalizer + BertPreTokenizer + WordPiece (greedy longest match, ## continuation)."""

    def __init__(self, model_dir, max_len):
        vocab = open(os.path.join(model_dir, "vocab.txt"), encoding="utf-8").read().split("\n")
        if vocab and vocab[-1] == "":
            vocab.pop()
        self.vocab = {t: i for i, t in enumerate(vocab)}
        cfg_path = os.path.join(model_dir, "tokenizer_config.json")
        cfg = json.load(open(cfg_path)) if os.path.exists(cfg_path) else {}
        self.lower = cfg.get("do_lower_case", True)
        strip = cfg.get("strip_accents")
        self.strip = self.lower if strip is None else strip
        self.chinese = cfg.get("tokenize_chinese_chars", True)
        self.max_len = max_len
        self.cls, self.sep, self.unk = self.vocab["[CLS]"], self.vocab["[SEP]"], self.vocab["[UNK]"]
        self.cache = {}

    def normalize(self, text):
        out = []
        for c in text:
            o = ord(c)
            if o == 0 or o == 0xFFFD:
                continue
            cat = unicodedata.category(c)
            if c in "\t\n\r" or cat == "Zs":
                out.append(" ")
            elif cat in ("Cc", "Cf", "Cn", "Co"):
                continue
            elif self.chinese and _is_cjk(o):
                out.append(f" {c} ")
            else:
                out.append(c)
        text = "".join(out)
        if self.strip:
            text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
        if self.lower:
            text = text.lower()
        return text

    def words(self, text):
        for chunk in text.split():
            cur = []
            for c in chunk:
                if _is_punct(c):
                    if cur:
                        yield "".join(cur)
                        cur = []
                    yield c
                else:
                    cur.append(c)
            if cur:
                yield "".join(cur)

    def wordpiece(self, word):
        hit = self.cache.get(word)
        if hit is not None:
            return hit
        if len(word) > 100:
            pieces = [self.unk]
        else:
            pieces, start = [], 0
            while start < len(word):
                end = len(word)
                while end > start:
                    sub = word[start:end] if start == 0 else "##" + word[start:end]
                    if sub in self.vocab:
                        pieces.append(self.vocab[sub])
                        break
                    end -= 1
                if end == start:
                    pieces = [self.unk]
                    break
                start = end
        self.cache[word] = pieces
        return pieces

    def __call__(self, text):
        ids = []
        for w in self.words(self.normalize(text)):
            ids += self.wordpiece(w)
        return [self.cls] + ids[: self.max_len - 2] + [self.sep]


def make_tokenizer(model_dir, arch):
    st = json.load(open(os.path.join(model_dir, "sentence_bert_config.json")))
    max_len = st["max_seq_length"]
    return XlmrTokenizer(model_dir, max_len) if arch == "xlmr" else BertTokenizer(model_dir, max_len)


# --- commands ---------------------------------------------------------------------------------

def blas_library():
    """The BLAS shared object mapped into this process (torch links libblas.so.3)."""
    libs = set()
    with open("/proc/self/maps") as f:
        for line in f:
            path = line.split()[-1] if len(line.split()) >= 6 else ""
            base = os.path.basename(path)
            if any(k in base for k in ("blas", "mkl_rt", "mkl_core", "blis")):
                libs.add(os.path.realpath(path))
    return sorted(libs)


def cmd_info(args):
    torch.set_num_threads(args.threads)
    cfg = torch.__config__.show()
    blas_info = next((p.split("=", 1)[1] for p in cfg.replace(",", "\n").split("\n") if "BLAS_INFO" in p), "?")
    a, b = torch.randn(1024, 1024), torch.randn(1024, 1024)
    for _ in range(3):
        a @ b
    n, t = 0, time.perf_counter()
    while time.perf_counter() - t < 0.5:
        a @ b
        n += 1
    gflops = 2 * 1024 ** 3 * n / (time.perf_counter() - t) / 1e9
    libs = blas_library()
    print(json.dumps({"torch": torch.__version__, "blas_info": blas_info.strip(), "blas_libs": libs,
                      "openblas": any("openblas" in p for p in libs), "sgemm_gflops": round(gflops, 1),
                      "threads": torch.get_num_threads()}))


def batches(order, size):
    return [order[i:i + size] for i in range(0, len(order), size)]


def pad(seqs, pad_id):
    n = max(len(s) for s in seqs)
    ids = np.full((len(seqs), n), pad_id, dtype=np.int64)
    mask = np.zeros((len(seqs), n), dtype=np.int64)
    for i, s in enumerate(seqs):
        ids[i, : len(s)] = s
        mask[i, : len(s)] = 1
    return torch.from_numpy(ids), torch.from_numpy(mask)


def cmd_bench(args):
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    t_load = time.perf_counter()
    model = SentenceEncoder(args.model)
    t_load = time.perf_counter() - t_load
    texts = open(args.texts, encoding="utf-8").read().split("\n")
    if texts and texts[-1] == "":
        texts.pop()
    tok = make_tokenizer(args.model, model.arch)
    t_tok = time.perf_counter()
    seqs = [tok(t) for t in texts]
    t_tok = time.perf_counter() - t_tok
    # sentence-transformers encode(): longest text first (by characters), then fixed-size batches
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    groups = batches(order, args.batch)
    if args.ids:
        with open(args.ids, "w") as f:
            json.dump({"pad_id": model.pad_id, "batch": args.batch, "order": order, "ids": seqs}, f)
    rows = np.zeros((len(texts), 0), dtype=np.float32)
    with torch.no_grad():
        model(*pad([seqs[i] for i in groups[len(groups) // 2]], model.pad_id))  # warm-up, not timed
        c0, t0 = time.process_time(), time.perf_counter()
        out = []
        for g in groups:
            ids, mask = pad([seqs[i] for i in g], model.pad_id)
            out.append(model(ids, mask).numpy())
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    emb = np.concatenate(out)
    rows = np.zeros_like(emb)
    rows[np.array(order)] = emb
    np.save(args.out, rows)
    tokens = sum(len(s) for s in seqs)
    padded = sum(len(g) * max(len(seqs[i]) for i in g) for g in groups)
    print(json.dumps({"sentences": len(texts), "tokens": tokens, "mean_tokens": tokens / len(texts),
                      "padded_tokens": padded, "encode_s": wall, "cpu_s": cpu, "tokenize_s": t_tok,
                      "load_s": t_load, "sentences_per_s": len(texts) / wall, "dim": int(rows.shape[1])}))


def cmd_export(args):
    torch.set_num_threads(args.threads)
    model = SentenceEncoder(args.model)
    ids = torch.tensor([[0, 5, 6, 7, 2], [0, 8, 2, model.pad_id, model.pad_id]], dtype=torch.long)
    mask = (torch.arange(5)[None, :] < torch.tensor([[5], [3]])).long()
    with torch.no_grad():
        torch.onnx.export(model, (ids, mask), args.onnx, input_names=["input_ids", "attention_mask"],
                          output_names=["embedding"], opset_version=args.opset, do_constant_folding=True,
                          dynamic_axes={"input_ids": {0: "batch", 1: "sequence"},
                                        "attention_mask": {0: "batch", 1: "sequence"},
                                        "embedding": {0: "batch"}})
    print(json.dumps({"onnx": args.onnx, "opset": args.opset, "bytes": os.path.getsize(args.onnx)}))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    i = sub.add_parser("info")
    i.add_argument("--threads", type=int, default=2)
    b = sub.add_parser("bench")
    b.add_argument("model")
    b.add_argument("texts")
    b.add_argument("--out", required=True)
    b.add_argument("--ids")
    b.add_argument("--threads", type=int, default=2)
    b.add_argument("--batch", type=int, default=32)
    e = sub.add_parser("export")
    e.add_argument("model")
    e.add_argument("onnx")
    e.add_argument("--opset", type=int, default=14)
    e.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    {"info": cmd_info, "bench": cmd_bench, "export": cmd_export}[args.cmd](args)


if __name__ == "__main__":
    main()
