#!/usr/bin/python3
"""Train the SentencePiece unigram tokenizer of a static sentence encoder (step 1 of the recipe).

    scripts/train/tokenizer.py --corpus DIR --out PREFIX [--vocab 32000] [--pairs 400000]
                               [--alpha 1.0] [--lowercase] [--seed 1234] [--threads 1]

Writes PREFIX.model and PREFIX.vocab (spm_train's files) and PREFIX.json (the arguments, the
sample size per language pair and the spm_train command line).

The sample: --pairs sentence pairs drawn without replacement from the DIR/<a>-<b>.tsv.zst files,
both sides of each pair becoming one input line of spm_train. How many pairs come from each
language pair follows temperature sampling: proportional to n**alpha, where n is the number of
pairs of that language pair (alpha 1: a uniform sample of all pairs; 0.5: smaller pairs get
relatively more; 0: the same number from each pair; a pair never gives more than it has, the rest
goes to the others). Language balance matters: a unigram vocabulary drawn from a uniform sample
spends most pieces on the few big languages.

--min-lines M tops up every language (other than English) that has fewer than M lines in that
sample with more of its own sentences (its side of pairs not yet drawn, chosen with --seed), up
to M or all it has. Why: the sample is drawn per language pair, and a language with few pairs
gets so few lines that spm_train gives its script almost no multi-character pieces (bitmill-
static-v2 tokenised Burmese, Malayalam, Telugu or Kannada at 0.6-0.8 pieces per character, about
one piece per letter), which a static model cannot make up for.

--lowercase trains with spm's nmt_nfkc_cf rule (NFKC, then Unicode case folding). The folding is
part of the model's normaliser (precompiled charsmap), so train.py, bitmill-embed (through the
Precompiled normaliser of tokenizer.json) and anyone else tokenising with the model all fold case.

Deterministic: the sample is drawn with --seed, spm_train runs with --random_seed and one thread
by default (more threads make its EM sums nondeterministic). Only training data is read: a
directory with "dev" in its path is refused.

Needs /usr/bin/python3 with numpy and sentencepiece, spm_train (Debian package sentencepiece), zstd.
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import st_export  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_TRAIN = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "data", "train"))


# Transliteration of Cyrillic and Greek (lower case, after diacritics are gone) into Latin, so
# that names and cognates share pieces across scripts ("Путин" and "Putin", Serbian in either
# script). Latin letters with a caron become the same digraphs as their Cyrillic counterparts.
CYRILLIC = dict(zip("абвгдезиклмнопрстуфхцыэ", "abvgdeziklmnoprstufhcye"))
CYRILLIC.update({"ж": "zh", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ь": "", "ю": "ju", "я": "ja",
                 "й": "j", "і": "i", "є": "je", "ґ": "g", "ђ": "dj", "ј": "j", "љ": "lj", "њ": "nj",
                 "ћ": "c", "џ": "dz", "ѕ": "dz"})
GREEK = dict(zip("αβγδεζηικλμνξοπρσςτυφω", "avgdeziiklmnxoprsstyfo"))
GREEK.update({"θ": "th", "χ": "ch", "ψ": "ps"})
LATIN_SPECIAL = {"č": "ch", "š": "sh", "ž": "zh", "đ": "dj", "ł": "l", "ø": "o", "æ": "ae", "œ": "oe",
                 "þ": "th", "ð": "d", "ı": "i", "ħ": "h"}
FOLD_SPECIAL = {"đ": "d", "ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "þ": "th", "ð": "d", "ı": "i", "ħ": "h"}
DELETE = {0x00AD, 0x200B, 0x2060, 0xFEFF}  # soft hyphen, zero-width space, word joiner, BOM


def fold_char(c, translit):
    """The normalised form of one code point: NFKC, case folding, diacritics of Latin, Greek and
    Cyrillic letters removed, optionally Cyrillic and Greek transliterated."""
    import unicodedata
    cat = unicodedata.category(c)
    if ord(c) in DELETE or (cat == "Cc" and c not in "\t\n\r"):
        return ""
    if c == "\t":
        return " "
    s = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", c).casefold())
    out = []
    for ch in s:
        if translit and ch in "йč šž".replace(" ", ""):
            out.append(CYRILLIC.get(ch) or LATIN_SPECIAL[ch])
            continue
        special = (LATIN_SPECIAL if translit else FOLD_SPECIAL).get(ch)
        if special is not None:
            out.append(special)
            continue
        base = unicodedata.normalize("NFD", ch)
        if base and unicodedata.name(base[0], "").startswith(("LATIN", "GREEK", "CYRILLIC")):
            base = "".join(x for x in base if not 0x300 <= ord(x) <= 0x36F)
            ch = unicodedata.normalize("NFC", base)
        elif len(base) == 1 and 0x300 <= ord(base) <= 0x36F:
            ch = ""  # a combining diacritic on its own (decomposed input)
        if translit:
            ch = "".join(CYRILLIC.get(x, GREEK.get(x, x)) for x in ch)
        out.append(ch)
    return "".join(out)


def normalization_rules(path, translit):
    """Writes spm_train's --normalization_rule_tsv for fold_char (one rule per code point it changes)."""
    n = 0
    with open(path, "w", encoding="ascii") as f:
        for cp in range(0x110000):
            if cp == 0 or 0xD800 <= cp <= 0xDFFF or cp == 0x2581:
                continue
            c = chr(cp)
            t = fold_char(c, translit)
            if t != c:
                f.write("%X\t%s\n" % (cp, " ".join("%X" % ord(x) for x in t)))
                n += 1
    return n


def log(msg):
    print(f"tokenizer: {msg}", file=sys.stderr, flush=True)


def top_up(files, data, chosen, per_lang, min_lines, rng):
    """{language: [extra lines]}: for each non-English language below min_lines in the sample, its
    side of pairs not drawn yet, uniformly without replacement, up to min_lines or all it has."""
    pools = {}
    for (a, b, _, _), pairs, idx in zip(files, data, chosen):
        left = np.setdiff1d(np.arange(len(pairs)), idx, assume_unique=True)
        for side, lang in ((0, a), (1, b)):
            if lang != "eng" and per_lang.get(lang, 0) < min_lines:
                pools.setdefault(lang, []).extend(pairs[i][side] for i in left)
    out = {}
    for lang in sorted(pools):
        pool, need = pools[lang], min_lines - per_lang.get(lang, 0)
        take = rng.choice(len(pool), size=min(need, len(pool)), replace=False) if pool else []
        if len(take):
            out[lang] = [pool[i] for i in np.sort(take)]
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    p.add_argument("--corpus", action="append",
                   help="directory of <a>-<b>.tsv.zst, or DIR:WEIGHT; repeat to mix corpora (each file's sampling "
                        "weight is multiplied by its corpus's WEIGHT; default: " + DEFAULT_TRAIN + ")")
    p.add_argument("--out", required=True, help="output prefix: PREFIX.model, PREFIX.vocab, PREFIX.json")
    p.add_argument("--vocab", type=int, default=32000, help="vocabulary size (default %(default)s)")
    p.add_argument("--pairs", type=int, default=400000, help="sentence pairs in the sample (default %(default)s)")
    p.add_argument("--alpha", type=float, default=1.0,
                   help="temperature exponent over language pairs (default %(default)s: uniform over pairs)")
    p.add_argument("--normalize", choices=["nmt_nfkc", "nmt_nfkc_cf", "fold", "fold-translit"], default="nmt_nfkc",
                   help="nmt_nfkc: spm's default; nmt_nfkc_cf: and case folding; fold: NFKC, case folding and "
                        "no diacritics on Latin, Greek and Cyrillic letters; fold-translit: fold, and Cyrillic and "
                        "Greek written in Latin letters (default %(default)s)")
    p.add_argument("--lowercase", action="store_true", help="same as --normalize nmt_nfkc_cf")
    p.add_argument("--character-coverage", type=float, default=0.9995, help="spm_train (default %(default)s)")
    p.add_argument("--seed", type=int, default=1234, help="seed of the sample and of spm_train")
    p.add_argument("--threads", type=int, default=1, help="spm_train threads (default %(default)s: deterministic)")
    p.add_argument("--min-lines", type=int, default=0,
                   help="top up each non-English language to this many sample lines (default 0: off)")
    args = p.parse_args()
    args.corpus = args.corpus or [DEFAULT_TRAIN]

    if shutil.which("spm_train") is None or shutil.which("zstd") is None:
        sys.exit("tokenizer: spm_train and zstd are needed (Debian packages sentencepiece, zstd)")
    t0 = time.time()
    files = st_export.corpus_files(args.corpus, "tokenizer")
    data = []
    for a, b, path, _ in files:
        data.append(st_export.read_pairs(path))
    counts = [len(d) for d in data]
    quota = st_export.temperature_quota(counts, args.pairs, args.alpha, [f[3] for f in files])
    log(f"{sum(counts)} pairs in {len(files)} files; sampling {int(quota.sum())} with alpha {args.alpha}")
    rng = np.random.default_rng(args.seed)
    lines = []
    per_pair = {}
    chosen = []
    per_lang = {}
    for (a, b, _, _), pairs, q in zip(files, data, quota):
        idx = np.sort(rng.choice(len(pairs), size=int(q), replace=False)) if q else np.zeros(0, dtype=np.int64)
        chosen.append(idx)
        for i in idx:
            lines.append(pairs[i][0])
            lines.append(pairs[i][1])
        if q:
            per_pair[f"{a}-{b}"] = per_pair.get(f"{a}-{b}", 0) + int(q)
            per_lang[a] = per_lang.get(a, 0) + int(q)
            per_lang[b] = per_lang.get(b, 0) + int(q)
    topped = top_up(files, data, chosen, per_lang, args.min_lines, rng) if args.min_lines > 0 else {}
    for lang, extra in topped.items():
        lines.extend(extra)
    if topped:
        log(f"--min-lines {args.min_lines}: {sum(len(x) for x in topped.values())} lines more for "
            f"{len(topped)} languages")
    random.Random(args.seed).shuffle(lines)

    spm_args = ["--model_type=unigram", f"--vocab_size={args.vocab}",
                f"--character_coverage={args.character_coverage}", f"--random_seed={args.seed}",
                f"--num_threads={args.threads}", "--input_sentence_size=0", "--max_sentence_length=4192",
                "--minloglevel=1"]
    if args.lowercase:
        args.normalize = "nmt_nfkc_cf"
    out_dir = os.path.dirname(os.path.abspath(args.out))
    os.makedirs(out_dir, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        if args.normalize.startswith("fold"):
            n = normalization_rules(os.path.join(tmp, "rules.tsv"), args.normalize == "fold-translit")
            log(f"{n} normalisation rules ({args.normalize})")
            spm_args.append("--normalization_rule_tsv=rules.tsv")
        else:
            spm_args.append(f"--normalization_rule_name={args.normalize}")
        sample = os.path.join(tmp, "sample.txt")
        with open(sample, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        log(f"spm_train on {len(lines)} sentences: " + " ".join(spm_args))
        # Paths relative to the temporary directory: spm_train records its input and output paths in
        # the model, and a random directory name there would make reruns differ byte-wise.
        subprocess.run(["spm_train", "--input=sample.txt", "--model_prefix=spm"] + spm_args, check=True, cwd=tmp)
        shutil.copy(f"{tmp}/spm.model", args.out + ".model")
        shutil.copy(f"{tmp}/spm.vocab", args.out + ".vocab")
    info = {"script": "scripts/train/tokenizer.py", "args": vars(args), "corpus": [os.path.abspath(c) for c in args.corpus],
            "sample_pairs": int(quota.sum()), "sample_sentences": len(lines), "spm_train": spm_args,
            "sample_per_language_pair": per_pair,
            "top_up_per_language": {k: len(v) for k, v in sorted(topped.items())}}
    with open(args.out + ".json", "w") as f:
        json.dump(info, f, indent=2)
    log(f"wrote {args.out}.model ({os.path.getsize(args.out + '.model')} bytes) in {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
