"""Shared helpers of the training scripts: the StaticEmbedding model directory (export and load).

The layout written here is the sentence-transformers StaticEmbedding directory that
build/bin/bitmill-embed loads (see man bitmill-embed):

    DIR/modules.json                         StaticEmbedding, then Normalize (optional)
    DIR/0_StaticEmbedding/tokenizer.json     the SentencePiece unigram model as a HF tokenizer.json
    DIR/0_StaticEmbedding/model.safetensors  embedding.weight: [vocab, dim], F32 or F16
    DIR/0_StaticEmbedding/spm_unigram.model  the SentencePiece model itself (training reads it; a
                                             directory without it gets one rebuilt from tokenizer.json)
    DIR/1_Normalize/                         (empty: Normalize has no parameters)

The tokenizer.json conversion is the one of scripts/train/random_model.py (copied, so that script
stays self-contained): a Precompiled normaliser holding the spm charsmap (NFKC, or NFKC with case
folding for --normalization_rule_name=nmt_nfkc_cf), Strip/Replace for the whitespace flags, and a
Metaspace pre-tokenizer, as transformers' SpmConverter writes it.

Needs numpy and sentencepiece (Debian python3-numpy, python3-sentencepiece); no torch.
"""
import base64
import hashlib
import json
import os
import struct
import tempfile

import numpy as np
import sentencepiece as spm

STATIC_DIR = "0_StaticEmbedding"
SPM_NAME = "spm_unigram.model"


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
    """NormalizerSpec (ModelProto field 3): name (1), precompiled_charsmap (2) and whitespace flags."""
    spec = {"name": "", "charsmap": b"", "add_dummy_prefix": True, "remove_extra_whitespaces": True}
    with open(model_path, "rb") as f:
        buf = f.read()
    for field, _, value in proto_fields(buf):
        if field == 3:
            for f, _, v in proto_fields(value):
                if f == 1:
                    spec["name"] = bytes(v).decode("utf-8", "replace")
                elif f == 2:
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


def spm_from_tokenizer_json(path):
    """The SentencePiece model (a serialized ModelProto) behind a tokenizer.json that tokenizer_json()
    wrote: its pieces with their scores and types, the precompiled normaliser and the whitespace
    flags, which is all SentencePiece's unigram encoder reads, so it tokenises as the model it was
    made from (tests/cli/train_spm_roundtrip.sh). What it cannot restore is training metadata (the
    trainer's options, the normaliser's name: "precompiled" here). Why: a model directory need
    not carry both files (the shipped one keeps tokenizer.json, which bitmill-embed and
    sentence-transformers read), and training and the speed peer still tokenise with SentencePiece."""
    from sentencepiece import sentencepiece_model_pb2 as pb  # Debian's python3-sentencepiece

    with open(path, encoding="utf-8") as f:
        t = json.load(f)
    model = t.get("model") or {}
    if model.get("type") != "Unigram":
        raise ValueError(f"{path}: not a Unigram tokenizer.json")
    normalizers = (t.get("normalizer") or {}).get("normalizers", [])
    charsmap = [n["precompiled_charsmap"] for n in normalizers if n.get("type") == "Precompiled"]
    specials = {a["id"] for a in t.get("added_tokens", []) if a.get("special")}
    proto = pb.ModelProto()
    for i, (piece, score) in enumerate(model["vocab"]):
        p = proto.pieces.add()
        p.piece, p.score = piece, score
        p.type = (pb.ModelProto.SentencePiece.UNKNOWN if i == model.get("unk_id") else
                  pb.ModelProto.SentencePiece.CONTROL if i in specials else pb.ModelProto.SentencePiece.NORMAL)
    ids = {p.piece: i for i, p in enumerate(proto.pieces) if p.type != pb.ModelProto.SentencePiece.NORMAL}
    ts = proto.trainer_spec
    ts.model_type, ts.vocab_size = pb.TrainerSpec.UNIGRAM, len(proto.pieces)
    ts.unk_id = model.get("unk_id", 0)
    ts.bos_id, ts.eos_id, ts.pad_id = (ids.get(name, -1) for name in ("<s>", "</s>", "<pad>"))
    ns = proto.normalizer_spec
    ns.name = "precompiled"
    ns.precompiled_charsmap = base64.b64decode(charsmap[0]) if charsmap else b""
    ns.add_dummy_prefix = (t.get("pre_tokenizer") or {}).get("prepend_scheme", "always") == "always"
    ns.remove_extra_whitespaces = any(n.get("type") == "Strip" for n in normalizers)
    ns.escape_whitespaces = True
    return proto.SerializeToString()


def quantize_int8(table, scale_dtype="f32"):
    """bitmill's int8 table: (q int8 [vocab, dim], scale [vocab], float32 or float16) with row r =
    scale[r] * q[r], scale = max |row| / 127 (1 for an all-zero row) in the scale's type, q =
    round-half-even(row / scale) with the scale as stored (an f16 scale is rounded first, so q
    makes up for its rounding; a row too small for an f16 scale gets the smallest one)."""
    table = np.asarray(table, dtype=np.float32)
    scale = (np.abs(table).max(axis=1) / 127).astype(np.float32)
    scale[scale == 0] = 1
    if scale_dtype == "f16":
        scale = np.maximum(scale.astype(np.float16), np.float16(2.0**-24))
    elif scale_dtype != "f32":
        raise ValueError(f"scale dtype {scale_dtype!r}: f32 or f16")
    q = np.clip(np.rint(table / scale.astype(np.float32)[:, None]), -127, 127).astype(np.int8)
    return q, scale


def write_safetensors(path, name, arr, dtype="f32", scale_dtype="f32"):
    """The table `name` in the safetensors format (8-byte header length, JSON header, data): f32,
    f16, or int8 (name as I8 and name's stem + ".scale" as F32, or F16 with scale_dtype "f16":
    "embedding.weight" gets "embedding.scale", see quantize_int8)."""
    if dtype == "f32":
        tensors = [(name, "F32", arr.shape, np.ascontiguousarray(arr, dtype="<f4").tobytes())]
    elif dtype == "f16":
        tensors = [(name, "F16", arr.shape, np.ascontiguousarray(arr, dtype="<f2").tobytes())]
    elif dtype == "int8":
        q, scale = quantize_int8(arr, scale_dtype)
        tag, little = ("F16", "<f2") if scale_dtype == "f16" else ("F32", "<f4")
        tensors = [(name, "I8", q.shape, q.tobytes()),
                   (name.rsplit(".", 1)[0] + ".scale", tag, scale.shape, scale.astype(little).tobytes())]
    else:
        raise ValueError(f"dtype {dtype!r}: f32, f16 or int8")
    header, off = {}, 0
    for n, tag, shape, data in tensors:
        header[n] = {"dtype": tag, "shape": list(shape), "data_offsets": [off, off + len(data)]}
        off += len(data)
    header["__metadata__"] = {"format": "pt"}
    raw = json.dumps(header).encode()
    raw += b" " * ((8 - len(raw) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)) + raw + b"".join(t[3] for t in tensors))


def read_safetensors(path, name):
    """The float32 values of one F32/F16/BF16 tensor of a safetensors file, or of an I8 table
    times its per-row scale (name's stem + ".scale"), each element one f32 product as bitmill
    computes it."""
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        info = header[name]
        begin, end = info["data_offsets"]
        f.seek(8 + n + begin)
        data = f.read(end - begin)
    if info["dtype"] == "I8":
        q = np.frombuffer(data, dtype=np.int8).reshape(info["shape"]).astype(np.float32)
        scale = read_safetensors(path, name.rsplit(".", 1)[0] + ".scale")
        return (q * scale[:, None]).astype(np.float32)
    if info["dtype"] == "F32":
        arr = np.frombuffer(data, dtype="<f4")
    elif info["dtype"] == "F16":
        arr = np.frombuffer(data, dtype="<f2").astype(np.float32)
    elif info["dtype"] == "BF16":
        arr = (np.frombuffer(data, dtype="<u2").astype(np.uint32) << 16).view("<f4")
    else:
        raise ValueError(f"{path}: {name}: dtype {info['dtype']} not handled")
    return arr.reshape(info["shape"]).astype(np.float32)


def write_static_model(out_dir, spm_model, table, dtype="f32", normalize=True, scale_dtype="f32", with_spm=True):
    """Writes the StaticEmbedding directory for `table` ([vocab, dim]) and, unless with_spm is
    false, the spm model file (load_static_model rebuilds it from tokenizer.json otherwise).

    Returns the size on disk of the directory in bytes.
    """
    sp = spm.SentencePieceProcessor(model_file=spm_model)
    if table.shape[0] != sp.get_piece_size():
        raise ValueError(f"table has {table.shape[0]} rows, the tokenizer {sp.get_piece_size()} pieces")
    sub = os.path.join(out_dir, STATIC_DIR)
    os.makedirs(sub, exist_ok=True)
    if with_spm:
        with open(spm_model, "rb") as src, open(os.path.join(sub, SPM_NAME), "wb") as dst:
            dst.write(src.read())
    with open(os.path.join(sub, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer_json(spm_model), f, ensure_ascii=False)
    write_safetensors(os.path.join(sub, "model.safetensors"), "embedding.weight", table, dtype, scale_dtype)
    modules = [{"idx": 0, "name": "0", "path": STATIC_DIR, "type": "sentence_transformers.models.StaticEmbedding"}]
    if normalize:
        os.makedirs(os.path.join(out_dir, "1_Normalize"), exist_ok=True)
        modules.append({"idx": 1, "name": "1", "path": "1_Normalize",
                        "type": "sentence_transformers.models.Normalize"})
    with open(os.path.join(out_dir, "modules.json"), "w") as f:
        json.dump(modules, f, indent=2)
    return dir_size(out_dir)


def derived_spm_model(tokenizer_path):
    """The path of the SentencePiece model rebuilt from a tokenizer.json (spm_from_tokenizer_json),
    written once under the temporary directory and named by its content's hash, so a corpus cache
    keyed by the model's bytes (train.py) finds it again."""
    data = spm_from_tokenizer_json(tokenizer_path)
    path = os.path.join(tempfile.gettempdir(), f"bitmill-spm-{hashlib.sha256(data).hexdigest()[:16]}.model")
    if not os.path.exists(path):
        tmp = f"{path}.tmp.{os.getpid()}"
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    return path


def load_static_model(model_dir):
    """(table [vocab, dim] float32, path of the spm model, normalize) of a StaticEmbedding directory; a
    directory without spm_unigram.model gets the one its tokenizer.json describes (derived_spm_model)."""
    with open(os.path.join(model_dir, "modules.json")) as f:
        modules = json.load(f)
    static = [m for m in modules if m["type"].endswith("StaticEmbedding")]
    if not static:
        raise ValueError(f"{model_dir}: modules.json has no StaticEmbedding module")
    sub = os.path.join(model_dir, static[0]["path"])
    spm_model = os.path.join(sub, SPM_NAME)
    if not os.path.exists(spm_model):
        if not os.path.exists(os.path.join(sub, "tokenizer.json")):
            raise ValueError(f"{model_dir}: no {SPM_NAME} or tokenizer.json beside the weights")
        spm_model = derived_spm_model(os.path.join(sub, "tokenizer.json"))
    table = read_safetensors(os.path.join(sub, "model.safetensors"), "embedding.weight")
    normalize = any(m["type"].endswith("Normalize") for m in modules)
    return table, spm_model, normalize


def dir_size(path):
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            total += os.path.getsize(os.path.join(root, name))
    return total


# --- The training corpus -------------------------------------------------------------------------

def pair_files(corpus_dir):
    """[(lang a, lang b, path)] of the DIR/<a>-<b>.tsv.zst files, sorted by name."""
    out = []
    for name in sorted(os.listdir(corpus_dir)):
        if not name.endswith(".tsv.zst"):
            continue
        langs = name[: -len(".tsv.zst")].split("-")
        if len(langs) != 2 or not all(langs):
            continue
        out.append((langs[0], langs[1], os.path.join(corpus_dir, name)))
    if not out:
        raise SystemExit(f"no <a>-<b>.tsv.zst files in {corpus_dir}")
    return out


def corpus_files(specs, who):
    """[(lang a, lang b, path, weight)] of corpus specs "DIR" or "DIR:WEIGHT" (weight default 1): the
    pair files of several corpora, each file a group of its own (the same language pair in two
    corpora is two groups, which the samplers weight separately)."""
    out = []
    for spec in specs:
        path, weight = spec, 1.0
        head, sep, tail = spec.rpartition(":")
        if sep and head:
            try:
                path, weight = head, float(tail)
            except ValueError:
                pass
        refuse_dev(path, who)
        out.extend((a, b, f, weight) for a, b, f in pair_files(path))
    return out


def refuse_dev(path, who):
    """The dev sets must never be training data (tokenizer or model)."""
    if "dev" in os.path.realpath(path).split(os.sep):
        raise SystemExit(f"{who}: {path} looks like a dev set directory: training reads training data only")


def read_pairs(path):
    """The (a, b) sentence pairs of one <a>-<b>.tsv.zst file, both sides stripped, empty sides dropped."""
    import subprocess
    raw = subprocess.run(["zstd", "-dcq", path], check=True, capture_output=True).stdout
    pairs = []
    for line in raw.decode("utf-8", "replace").split("\n"):
        cols = line.split("\t")
        if len(cols) < 2:
            continue
        a, b = cols[0].strip(), cols[1].strip()
        if a and b:
            pairs.append((a, b))
    return pairs


def temperature_quota(counts, total, alpha, weights=None):
    """How many of `total` items to draw from each group of size counts[i], proportionally to
    weights[i] * counts[i]**alpha, never more than counts[i] (the excess goes to the other groups)."""
    counts = np.asarray(counts, dtype=np.float64)
    weights = np.ones(len(counts)) if weights is None else np.asarray(weights, dtype=np.float64)
    quota = np.zeros(len(counts))
    free = counts > 0
    left = min(float(total), counts.sum())
    while left > 0.5 and free.any():
        w = np.where(free, weights * counts ** alpha, 0.0)
        q = left * w / w.sum()
        over = free & (q >= counts)
        if not over.any():
            quota[free] = q[free]
            break
        quota[over] = counts[over]
        left -= counts[over].sum()
        free &= ~over
    # Integer quotas that add up to round(sum): floor, then the largest remainders get one more.
    base = np.floor(quota).astype(np.int64)
    rest = int(round(quota.sum())) - int(base.sum())
    if rest > 0:
        order = np.argsort(-(quota - base), kind="stable")
        base[order[:rest]] += 1
    return np.minimum(base, counts.astype(np.int64))
