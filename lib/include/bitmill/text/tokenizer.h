// Tokenizers of bitmill-embed: text -> token ids, the ids Hugging Face's tokenizers library (the
// Rust crate behind transformers' fast tokenizers, which sentence-transformers uses) produces for
// the same checkpoint directory. The tests check that id for id against it
// (tests/fixtures/tokenizers, scripts/generate/tokenizer_fixtures.sh).
//
// load_tokenizer(dir, max_length) picks by the files in `dir`, the first present wins:
//
//  1. tokenizer.json (Hugging Face tokenizers). Supported components; any other type fails to load
//     with an error naming the file, the component's place and its type:
//       model           WordPiece (its unk_token must be in the vocabulary); Unigram (unk_id
//                       required; byte_fallback honoured; Viterbi as in tokenizers, fusing runs of
//                       unknown characters into one <unk>)
//       normalizer      BertNormalizer, Precompiled (the SentencePiece charsmap itself, applied
//                       per grapheme cluster as tokenizers does: exact, not approximated by NFKC),
//                       NFC, NFD, NFKC, NFKD, Lowercase, StripAccents, Strip, Prepend, Replace
//                       (a String pattern; a Regex pattern only when it is a literal, or one
//                       character repeated: "X+" or "X{n,}", e.g. " {2,}"), Sequence
//       pre_tokenizer   BertPreTokenizer, WhitespaceSplit, Metaspace (prepend_scheme always, first
//                       or never, or the legacy add_prefix_space; split), Sequence
//       post_processor  TemplateProcessing (its "single" template), BertProcessing,
//                       RobertaProcessing
//       added_tokens    matched before normalisation (normalized: false) or after it (true), longest
//                       first, honouring lstrip, rstrip and single_word
//     Any of normalizer, pre_tokenizer and post_processor may be null. decoder, truncation and
//     padding are ignored: the caller's max_length decides the length, and padding.pad_id only
//     sets pad_id().
//  2. sentencepiece.bpe.model (XLM-R / fairseq) through libsentencepiece, with fairseq's ids:
//     <s>=0 <pad>=1 </s>=2 <unk>=3, every other piece its SentencePiece id + 1 (SentencePiece's
//     own <unk>, id 0, becomes 3), <mask> = piece count + 1; the sequence is <s> ... </s>.
//     Special tokens written in the text ("<mask>") are tokenized as text, where transformers'
//     XLMRobertaTokenizer would recognise them; checkpoints with a tokenizer.json do not get here.
//  3. vocab.txt (BERT WordPiece, one token per line, id = line number), with the BertNormalizer
//     and BertPreTokenizer of tokenizers configured from tokenizer_config.json as transformers'
//     BertTokenizerFast is: do_lower_case (default true), strip_accents (default null: follows
//     do_lower_case), tokenize_chinese_chars (default true), the *_token names (defaults [UNK]
//     [SEP] [PAD] [CLS] [MASK], matched as added tokens); WordPiece with "##" and at most 100
//     characters per word, then [CLS] ... [SEP]. do_basic_tokenize=false is rejected.
//
// Where tokenizers and the original BERT code disagree, bitmill follows tokenizers (that is what
// a vocab.txt-only checkpoint gets in sentence-transformers too): the CJK block starting at
// U+2B920 rather than U+2B820, per-character lower-casing without a final-sigma rule, and
// punctuation/control/mark classes from tokenizers' own, older Unicode tables
// (src/text/hf_unicode_tables.cc). Known remaining differences, all from Unicode versions: the
// normalisation forms of about 140 code points added or changed since Unicode 12.1 (tokenizers'
// tables are older than utf8proc's Unicode 15.0), lower-casing of the letters new in Unicode 16
// (Rust's tables are newer), and grapheme-cluster rules after Unicode 15.0 (Precompiled only).
//
// encode() validates UTF-8 (kDataError "invalid UTF-8 at byte N") and returns the whole sequence
// with its special tokens. When longer than max_length, the text's tokens are cut at the end and
// the special tokens kept ([CLS] a b [SEP] with max_length 3 gives [CLS] a [SEP]). A text with no
// tokens gives just the special tokens. The caller applies any prefix ("query: ") itself.
//
// Errors of load_tokenizer: kInvalidArgument when model_dir is not a directory or max_length
// leaves no room for a token of text; kNotFound for a missing directory or none of the three
// files; kIoError for unreadable files; kDataError for malformed JSON, vocabularies or models, and
// for unsupported components. Messages start with the path of the directory or file at fault.
//
// Thread safety: a Tokenizer is immutable after loading; encode() is const and may run on many
// threads at once (each call uses its own buffers).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bitmill/base/status.h"

namespace bitmill::text {

class Tokenizer {
 public:
  virtual ~Tokenizer() = default;

  // Replaces `ids` with the ids of `text` (see above); on error `ids` is left empty.
  virtual Status encode(std::string_view text, std::vector<int32_t>& ids) const = 0;

  // The ids of `text` alone: no special tokens and no truncation, as tokenizers'
  // encode(text, add_special_tokens=False) gives them (static embedding models bag these).
  virtual Status encode_plain(std::string_view text, std::vector<int32_t>& ids) const = 0;

  // The id to pad batches with.
  virtual int32_t pad_id() const = 0;

  // One more than the largest id the tokenizer can produce: the rows the embedding matrix needs.
  virtual size_t vocab_size() const = 0;

  // The longest sequence encode() returns, special tokens included.
  virtual size_t max_length() const = 0;

  // What was loaded, for logs: e.g. "tokenizer.json (Unigram)".
  virtual std::string_view description() const = 0;
};

Expected<std::unique_ptr<Tokenizer>> load_tokenizer(const std::string& model_dir, size_t max_length);

}  // namespace bitmill::text
