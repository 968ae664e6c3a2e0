#!/usr/bin/python3
"""Writes the seed corpora of the fuzz targets (tests/fuzz/corpus/NAME/) from tests/fixtures and
data/samples: small real inputs, a few KB each, one file per seed, named after what it is.

  tests/fuzz/make_seeds.py [BIN_DIR]

BIN_DIR (default build/bin) holds the tools, which write the seeds only they can make: FAISS
indexes (bitmill-index), k-NN shard files (bitmill-mine --work) and the --explain YAML of
bitmill-filter. Seeds kept as regression inputs for fixed crashes (crash-*, regress-*) are left
alone; everything else in the corpus folders is rewritten.
"""
import base64
import gzip
import json
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FIX = os.path.join(ROOT, "tests", "fixtures", "tokenizers")
SEP = b"\n=====\n"  # fuzz_util.h's kSeparator
BIN = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "bin"))


def seed(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def clear(target):
    d = os.path.join(HERE, "corpus", target)
    if os.path.isdir(d):
        for f in os.listdir(d):
            if not f.startswith(("crash-", "regress-")):
                os.unlink(os.path.join(d, f))


def npy(arr):
    dtype = "<f4" if arr.dtype == np.float32 else "<f2"
    d = "{'descr': '%s', 'fortran_order': False, 'shape': (%d, %d), }" % (dtype, arr.shape[0], arr.shape[1])
    pad = (64 - (10 + len(d) + 1) % 64) % 64
    d = d + " " * pad + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(d)) + d.encode() + arr.tobytes()


def sample_pairs(n):
    with open(os.path.join(ROOT, "data", "samples", "deu-eng.tsv"), encoding="utf-8") as f:
        return [line.rstrip("\n").split("\t") for _, line in zip(range(n), f)]


def embeddings():
    rng = np.random.default_rng(1)
    m = rng.standard_normal((6, 8)).astype(np.float32)
    seed("npy", "f32_6x8.npy", npy(m))
    seed("npy", "f16_3x4.npy", npy(m[:3, :4].astype(np.float16)))
    seed("npy", "empty_0x8.npy", npy(m[:0]))
    v2 = npy(m[:2, :2])
    hl = struct.unpack("<H", v2[8:10])[0]
    seed("npy", "v2_header.npy", b"\x93NUMPY\x02\x00" + struct.pack("<I", hl) + v2[10:])
    seed("raw_embeddings", "f32_dim8", struct.pack("<H", 8) + m.tobytes())
    seed("raw_embeddings", "f16_dim4", struct.pack("<H", 4 | 0x8000) + m[:3, :4].astype(np.float16).tobytes())


def safetensors():
    def st(tensors, meta=True):
        header, blobs, off = {}, [], 0
        for name, (tag, arr) in tensors.items():
            data = arr.tobytes()
            header[name] = {"dtype": tag, "shape": list(arr.shape), "data_offsets": [off, off + len(data)]}
            blobs.append(data)
            off += len(data)
        if meta:
            header["__metadata__"] = {"format": "pt"}
        raw = json.dumps(header).encode()
        raw += b" " * ((8 - len(raw) % 8) % 8)
        return struct.pack("<Q", len(raw)) + raw + b"".join(blobs)

    rng = np.random.default_rng(2)
    w = rng.standard_normal((4, 3)).astype(np.float32)
    seed("safetensors", "f32.safetensors", st({"embedding.weight": ("F32", w), "bias": ("F32", w[0])}))
    bf = (w.view(np.uint32) >> 16).astype(np.uint16)
    seed("safetensors", "f16_bf16_i64.safetensors",
         st({"bert.a": ("F16", w.astype(np.float16)), "b": ("BF16", bf), "ids": ("I64", np.arange(3, dtype=np.int64))},
            meta=False))
    seed("safetensors", "empty.safetensors", st({}))


def model_configs():
    bert = {"model_type": "bert", "vocab_size": 600, "hidden_size": 64, "num_hidden_layers": 2,
            "num_attention_heads": 4, "intermediate_size": 128, "max_position_embeddings": 64,
            "type_vocab_size": 2, "layer_norm_eps": 1e-12, "pad_token_id": 0, "hidden_act": "gelu",
            "position_embedding_type": "absolute"}
    xlmr = dict(bert, model_type="xlm-roberta", pad_token_id=1, type_vocab_size=1, layer_norm_eps=1e-5)
    mods = [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}]
    dense = mods + [{"idx": 2, "name": "2", "path": "2_Dense", "type": "sentence_transformers.models.Dense"},
                    {"idx": 3, "name": "3", "path": "3_Normalize", "type": "sentence_transformers.models.Normalize"}]
    mean = {"word_embedding_dimension": 64, "pooling_mode_cls_token": False, "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False, "pooling_mode_mean_sqrt_len_tokens": False}
    cls = dict(mean, pooling_mode_cls_token=True, pooling_mode_mean_tokens=False)
    sbert = {"max_seq_length": 48, "do_lower_case": False}
    dcfg = {"in_features": 64, "out_features": 48, "bias": True,
            "activation_function": "torch.nn.modules.activation.Tanh"}
    static = [{"idx": 0, "name": "0", "path": "0_StaticEmbedding",
               "type": "sentence_transformers.models.StaticEmbedding"}]

    def parts(*files):
        return SEP.join(b"-" if f is None else json.dumps(f, indent=1).encode() for f in files)

    seed("model_config", "bert_mean", parts(mods, bert, mean, sbert, None))
    seed("model_config", "xlmr_cls_dense", parts(dense, xlmr, cls, sbert, dcfg))
    seed("model_config", "bare_bert", parts(None, bert, None, None, None))
    seed("model_config", "static", parts(static, None, None, None, None))
    calibration = {"mining": {"margin": "ratio", "k": 4, "retrieval": "max", "threshold": 1.1425, "dim": 256,
                              "calibrated_on": "dev"}}
    seed("model_config", "static_calibrated", parts(static, None, None, None, None, calibration))
    # Regression seeds of the fields of the wrong type that crashed bitmill-embed (issue 15).
    seed("model_config", "regress-hidden_act_number", parts(mods, dict(bert, hidden_act=3), mean, sbert, None))
    seed("model_config", "regress-eps_string", parts(mods, dict(bert, layer_norm_eps="tiny"), mean, sbert, None))
    seed("model_config", "regress-config_list", parts(mods, [1], mean, sbert, None))
    seed("model_config", "regress-modules_numbers", parts([1, 2], bert, mean, sbert, None))
    seed("model_config", "regress-path_number", parts([dict(mods[0], path=0), mods[1]], bert, mean, sbert, None))
    seed("model_config", "regress-cls_string", parts(mods, bert, dict(mean, pooling_mode_cls_token="yes"), sbert, None))
    seed("model_config", "regress-max_seq_string", parts(mods, bert, mean, {"max_seq_length": "long"}, None))


def charsmap_of(tok):
    n = tok.get("normalizer")
    stack = [n]
    while stack:
        n = stack.pop()
        if not n:
            continue
        if n.get("type") == "Precompiled":
            return n
        stack.extend(n.get("normalizers") or [])
    return None


def trimmed(tok, keep):
    """The tokenizer with its vocabulary cut to ids below `keep` (added tokens and specials too)."""
    tok = json.loads(json.dumps(tok))
    m = tok["model"]
    if m["type"] == "Unigram":
        m["vocab"] = m["vocab"][:keep]
    else:
        m["vocab"] = {t: i for t, i in m["vocab"].items() if i < keep}
    tok["added_tokens"] = [a for a in tok.get("added_tokens") or [] if a["id"] < keep]
    return tok


def tokenizers():
    names = ["unigram_xlmr", "unigram_plain", "unigram_mix", "wordpiece_cased", "wordpiece_mix", "wordpiece_uncased"]
    for name in names:
        tok = json.load(open(os.path.join(FIX, name, "tokenizer.json"), encoding="utf-8"))
        pre = charsmap_of(tok)
        if pre is not None:
            blob = base64.b64decode(pre["precompiled_charsmap"])
            seed("tokenizer_json", name + ".charsmap", b"C" + blob)
        small = json.dumps(trimmed(tok, 110), ensure_ascii=False, separators=(",", ":")).encode()
        cfg = os.path.join(FIX, name, "tokenizer_config.json")
        if os.path.exists(cfg):
            small += SEP + open(cfg, "rb").read()
        seed("tokenizer_json", name + ".json", small)
    vocab = open(os.path.join(FIX, "wordpiece_uncased", "vocab.txt"), "rb").read().split(b"\n")
    cfg = open(os.path.join(FIX, "wordpiece_uncased", "tokenizer_config.json"), "rb").read()
    seed("vocab", "uncased", b"\n".join(vocab[:300]) + b"\n" + SEP + cfg)
    seed("vocab", "cased_crlf", b"\r\n".join(vocab[:200]) + SEP + b'{"do_lower_case": false, "unk_token": {"content": "[UNK]"}}')
    seed("vocab", "no_config", b"\n".join(vocab[:120]))
    with tempfile.TemporaryDirectory() as tmp:
        text = os.path.join(tmp, "text.txt")
        with open(text, "w", encoding="utf-8") as f:
            for de, en in sample_pairs(200):
                f.write(de + "\n" + en + "\n")
        for kind, size in (("bpe", 120), ("unigram", 100)):
            prefix = os.path.join(tmp, kind)
            subprocess.run(["spm_train", "--input=" + text, "--model_prefix=" + prefix, "--vocab_size=%d" % size,
                            "--model_type=" + kind, "--character_coverage=1.0", "--minloglevel=2",
                            # no nmt_nfkc table, which alone is 240 KB
                            "--normalization_rule_name=identity"],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            seed("sentencepiece_model", kind + ".model", open(prefix + ".model", "rb").read())


def lines():
    text = "".join("%s\t%s\n" % (de, en) for de, en in sample_pairs(20)).encode()
    seed("line_reader", "plain_fail", b"\x00" + text)
    seed("line_reader", "crlf_skip_shard", b"\x05" + text.replace(b"\n", b"\r\n")[:600] + b"no newline")
    seed("line_reader", "latin1_replace", b"\x02" + "caf\xe9\nna\xefve\n".encode("latin-1") + b"ok\n\xf0\x9f\x98\n")
    seed("line_reader", "gzip", b"\x00" + gzip.compress(text[:800], mtime=0))
    zst = subprocess.run(["zstd", "-q", "-c"], input=text[:800], capture_output=True, check=True).stdout
    seed("line_reader", "zstd", b"\x00" + zst)
    seed("line_reader", "gzip_two_members", b"\x02" + gzip.compress(b"a\n", mtime=0) + gzip.compress(b"b\n", mtime=0))


def tsv():
    pairs = sample_pairs(12)
    bitext = "".join("%s\t%s\n" % (de, en) for de, en in pairs)
    seed("tsv", "bitext", b"\x00" + bitext.encode())
    seed("tsv", "bitext_annotate_all", b"\x0c" + (bitext + "1234 http://x.de\t\t\n\tonly target\nsame\tsame\n").encode())
    mined = "".join("%.4f\t%d\t%d\t%s\t%s\n" % (1.2 - i / 100, i, i, de, en) for i, (de, en) in enumerate(pairs[:6]))
    seed("tsv", "mined", b"\x00" + mined.encode())
    gold = open(os.path.join(ROOT, "data", "samples", "mine", "gold.tsv"), "rb").read()[:300]
    seed("tsv", "gold_crlf", b"\x01" + gold.replace(b"\n", b"\r\n"))


def jsonl():
    docs = []
    pairs = sample_pairs(60)
    for i in range(0, 60, 20):
        text = "\n".join(en for _, en in pairs[i:i + 20])
        docs.append(json.dumps({"id": i, "text": text, "url": "https://example.com/%d" % i}))
    docs.append(json.dumps({"text": "Deutsch: " + " ".join(de for de, _ in pairs[:10]), "meta": {"a": [1, 2.5, None]}}))
    docs.append(json.dumps({"text": "lorem ipsum " * 30 + "\nJavascript must be enabled.\n{ code }\n"
                            + "Terms of use | privacy policy\n\u00e2\u20ac\u2122 mojibake"}))
    seed("jsonl", "docs_auto", b"\x00" + "\n".join(docs[:3]).encode() + b"\n")
    seed("jsonl", "docs_jsonl_en_all", b"\x14" + "\n".join(docs[2:]).encode() + b"\n")
    seed("jsonl", "plain_text", b"\x08" + "\n".join(en for _, en in pairs[:15]).encode())
    seed("jsonl", "not_an_object", b"\x04" + b'{"text": "ok"}\n[1, 2]\n')


def filter_yaml():
    seed("filter_config_yaml", "header_example", """rules:
  length-ratio: {max: 2.5}
  numbers: false
  lang-id:
    enabled: true
    min-prob: 0.5
    min-prob.de: 0.3
""")
    seed("filter_config_yaml", "anchors_and_lists", "base: &b {max: 3}\nrules:\n  length-ratio: *b\n  urls: [1, 2]\n")
    for mode in ("", "--mono"):
        args = [os.path.join(BIN, "bitmill-filter"), "--explain"] + ([mode] if mode else [])
        out = subprocess.run(args, capture_output=True, check=True, stdin=subprocess.DEVNULL).stdout
        seed("filter_config_yaml", "explain_" + (mode.lstrip("-") or "bitext"), out)


def work_files(tmp):
    """Embeddings and texts of a tiny mining job (5 x 6 sentences)."""
    pairs = sample_pairs(6)
    rng = np.random.default_rng(3)
    with open(os.path.join(tmp, "src.txt"), "w") as f:
        f.write("".join(de + "\n" for de, _ in pairs[:5]))
    with open(os.path.join(tmp, "tgt.txt"), "w") as f:
        f.write("".join(en + "\n" for _, en in pairs))
    for name, n in (("src", 5), ("tgt", 6)):
        with open(os.path.join(tmp, name + ".npy"), "wb") as f:
            f.write(npy(rng.standard_normal((n, 8)).astype(np.float32)))
    with open(os.path.join(tmp, "big.npy"), "wb") as f:
        f.write(npy(rng.standard_normal((64, 8)).astype(np.float32)))


def tool(*args):
    subprocess.run([os.path.join(BIN, args[0])] + list(args[1:]), check=True, capture_output=True,
                   stdin=subprocess.DEVNULL)


def faiss_indexes(tmp):
    for factory, name in (("Flat", "flat"), ("IVF2,Flat", "ivf2_flat"), ("PQ2x4", "pq2x4"), ("HNSW4", "hnsw4"),
                          ("IDMap,Flat", "idmap_flat"), ("IVF2,SQ8", "ivf2_sq8")):
        out = os.path.join(tmp, name + ".faiss")
        tool("bitmill-index", "-q", "--factory", factory, "-o", out, os.path.join(tmp, "big.npy"))
        data = open(out, "rb").read()
        if len(data) <= 8192:
            seed("faiss_index", name, data)


def mine_shards(tmp):
    common = ["--src", os.path.join(tmp, "src.txt"), "--tgt", os.path.join(tmp, "tgt.txt"),
              "--src-emb", os.path.join(tmp, "src.npy"), "--tgt-emb", os.path.join(tmp, "tgt.npy"), "-k", "2"]
    for n in (1, 2):
        work = os.path.join(tmp, "work%d" % n)
        os.makedirs(work)
        for i in range(n):
            tool("bitmill-mine", "-q", *common, "--work", work, "--shard", "%d/%d" % (i, n))
        files = [open(os.path.join(work, "knn.%d-of-%d.bin" % (i, n)), "rb").read() for i in range(n)]
        flags = b"\x00" if n == 1 else b"\x02"
        seed("mine_shard", "shards_of_%d" % n, flags + SEP.join(files))
        seed("mine_shard", "shards_of_%d_fixed_sums" % n, bytes([flags[0] | 1]) + SEP.join(files))
    unify = os.path.join(tmp, "work_unify")
    os.makedirs(unify)
    tool("bitmill-mine", "-q", *common, "--unify", "--work", unify, "--shard", "0/1")
    seed("mine_shard", "unify", b"\x01" + open(os.path.join(unify, "knn.0-of-1.bin"), "rb").read())


def near_work(tmp):
    """The job of near_work_fuzz.cc, made by bitmill-dedup in the same relative paths."""
    docs = ['{"id": "a", "text": "the cat sat on the mat by the door"}',
            '{"id": 2, "text": "the cat sat on the mat by the window"}',
            '{"id": "c", "text": ""}',
            '{"id": "d", "text": "a completely different sentence here"}',
            '{"id": "e", "text": "the cat sat on the mat by the door"}',
            '{"id": "f", "text": "another different sentence here today"}']
    d = os.path.join(tmp, "near")
    os.makedirs(d)
    for f in range(2):
        with open(os.path.join(d, "in.%d.jsonl" % f), "w") as g:
            g.write("".join(x + "\n" for x in docs[f * 3:f * 3 + 3]))
    opts = ["-q", "-t", "1", "--memory", "1M", "--mode", "near", "--format", "jsonl", "--id-field", "id", "--verify",
            "0.5", "--bands", "4", "--rows", "2", "--ngram", "2", "--work", "work"]
    run = lambda *a: subprocess.run([os.path.join(BIN, "bitmill-dedup"), *opts, *a], check=True, cwd=d,
                                    capture_output=True, stdin=subprocess.DEVNULL)
    for i in range(2):
        run("--phase", "sign", "--shard", "%d/2" % i, "in.0.jsonl", "in.1.jsonl")
    for i in range(2):
        run("--phase", "join", "--shard", "%d/2" % i)
    run("--phase", "cluster")
    for kind, name in ((0, "sign.1-of-2.bin"), (1, "join.1-of-2.bin"), (2, "clusters.bin")):
        data = open(os.path.join(d, "work", name), "rb").read()
        base = name.split(".")[0]
        seed("near_work", base, bytes([kind << 1]) + data)
        seed("near_work", base + "_fixed_sums", bytes([kind << 1 | 1]) + data)


def option_values():
    values = [(0, "512M"), (0, "1.5GiB"), (0, "100000"), (0, "4 G"), (1, "3/8"), (1, "0/1"), (2, "3 10 1"),
              (2, "0 4"), (3, "line"), (3, "file"), (4, "pair"), (4, "src"), (5, "nfkc-casefold"), (6, "ratio\tmax"),
              (6, "distance\tintersect"), (7, "replace"), (8, "length-ratio.max=2.5"), (8, "lang-id.min-prob.de=0.3"),
              (8, "numbers=off"), (8, "fineweb-lines.max-duplicate-line-fraction=0.1"), (9, "Latn,Cyrl"),
              (10, "de"), (10, "deu"), (10, "kab")]
    for sel, text in values:
        name = "%d_%s" % (sel, "".join(c if c.isalnum() else "_" for c in text))
        seed("option_values", name, bytes([sel]) + text.encode())


def main():
    for target in ("npy", "raw_embeddings", "safetensors", "model_config", "tokenizer_json", "vocab",
                   "sentencepiece_model", "line_reader", "tsv", "jsonl", "filter_config_yaml", "faiss_index",
                   "mine_shard", "option_values", "near_work"):
        clear(target)
    embeddings()
    safetensors()
    model_configs()
    tokenizers()
    lines()
    tsv()
    jsonl()
    filter_yaml()
    option_values()
    with tempfile.TemporaryDirectory() as tmp:
        work_files(tmp)
        faiss_indexes(tmp)
        mine_shards(tmp)
        near_work(tmp)


if __name__ == "__main__":
    main()
