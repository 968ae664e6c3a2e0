// The tokenizers pipeline behind bitmill::text::Tokenizer (private): added tokens, normalizer,
// pre-tokenizer, model, special tokens, in the order Hugging Face tokenizers runs them.
//
//   text --split on added tokens (normalized: false)--> pieces of raw text
//        --normalizer (each piece)--> --split on added tokens (normalized: true)-->
//        --pre-tokenizer--> words --model--> ids;  then truncation and prefix/suffix specials
//
// Only ids are computed, no offsets or alignments (but for one count, see `origin` below), which
// is what keeps this small and fast.
// The components are immutable; per-call buffers live in a per-thread scratch area that encode()
// reuses from call to call, together with a per-thread cache of the model's ids for frequent words
// (a word's ids depend on the word alone, so the cache cannot change them; the tests compare the
// tokenizer with and without it, see set_simple_paths_for_testing).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bitmill/base/status.h"
#include "bitmill/text/tokenizer.h"
#include "text/precompiled_charsmap.h"

namespace bitmill::text::detail {

// Metaspace's prepend_scheme "first" prepends only to a piece that starts at the input's first
// character, and tokenizers decides that from its alignments: a normalizer that deletes or merges
// the first character moves the start away from it. Without offsets, bitmill carries one number
// instead: `origin`, how many leading code points of a text still stand for the input's first
// character (tokenizers' original offset 0). It is 1 for a text that begins the input, 0 otherwise.

// How many of the first `origin` code points of `s` lie at or after byte `offset`.
inline uint32_t origin_after(std::string_view s, size_t offset, uint32_t origin) {
  for (size_t i = 0; i < offset && origin > 0; ++i) origin -= (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80;
  return origin;
}

// Text pieces sharing one buffer.
struct Pieces {
  struct Span {
    uint32_t begin, end;
    uint32_t origin;
  };
  std::string buf;
  std::vector<Span> spans;

  void clear() {
    buf.clear();
    spans.clear();
  }
  // Appends a piece; empty pieces are dropped, as tokenizers drops them.
  void add(std::string_view s, uint32_t origin) {
    if (s.empty()) return;
    const auto b = static_cast<uint32_t>(buf.size());
    buf.append(s);
    spans.push_back({b, static_cast<uint32_t>(buf.size()), origin});
  }
  // Adds the piece buf[begin, end), already written; empty pieces are dropped.
  void add_range(size_t begin, size_t end, uint32_t origin) {
    if (begin < end) spans.push_back({static_cast<uint32_t>(begin), static_cast<uint32_t>(end), origin});
  }
  std::string_view view(const Span& s) const { return std::string_view(buf).substr(s.begin, s.end - s.begin); }
};

class NormalizerStep {
 public:
  virtual ~NormalizerStep() = default;
  // Replaces `text` (valid UTF-8) by its normal form and `origin` (see above) by its value for
  // the result; `scratch` is a spare buffer.
  virtual void apply(std::string& text, std::string& scratch, uint32_t& origin) const = 0;
};

class PreTokenizerStep {
 public:
  virtual ~PreTokenizerStep() = default;
  // Splits every piece of `in` into `out` (cleared first).
  virtual void split(const Pieces& in, Pieces& out) const = 0;
};

// Per-call working memory of the models.
struct ModelScratch {
  std::vector<double> score;
  std::vector<int32_t> id;
  std::vector<int64_t> start;
  std::vector<uint32_t> path;
};

class Model {
 public:
  virtual ~Model() = default;
  // Appends the ids of one pre-tokenized word (non-empty, valid UTF-8).
  virtual void tokenize(std::string_view word, std::vector<int32_t>& ids, ModelScratch& scratch) const = 0;
  // The id of a vocabulary entry, or -1.
  virtual int32_t token_to_id(std::string_view token) const = 0;
  // One more than the largest id in the vocabulary.
  virtual size_t vocab_size() const = 0;
  virtual std::string_view name() const = 0;
};

// Normalizers.
enum class UnicodeForm { kNfc, kNfd, kNfkc, kNfkd };
std::unique_ptr<NormalizerStep> make_bert_normalizer(bool clean_text, bool handle_chinese_chars, bool strip_accents,
                                                     bool lowercase);
std::unique_ptr<NormalizerStep> make_unicode_normalizer(UnicodeForm form);
std::unique_ptr<NormalizerStep> make_lowercase();
std::unique_ptr<NormalizerStep> make_strip_accents();
std::unique_ptr<NormalizerStep> make_strip(bool left, bool right);
std::unique_ptr<NormalizerStep> make_prepend(std::string prefix);
// Every non-overlapping occurrence of `pattern` (non-empty), left to right.
std::unique_ptr<NormalizerStep> make_replace_literal(std::string pattern, std::string content);
// Every run of at least `min_run` (>= 1) copies of `c`, as the regex "c{min_run,}" matches them.
std::unique_ptr<NormalizerStep> make_replace_run(std::string c, size_t min_run, std::string content);
std::unique_ptr<NormalizerStep> make_precompiled(PrecompiledCharsmap charsmap);
std::unique_ptr<NormalizerStep> make_normalizer_sequence(std::vector<std::unique_ptr<NormalizerStep>> steps);

// Pre-tokenizers.
enum class PrependScheme { kAlways, kFirst, kNever };
std::unique_ptr<PreTokenizerStep> make_bert_pre_tokenizer();
std::unique_ptr<PreTokenizerStep> make_whitespace_split();
std::unique_ptr<PreTokenizerStep> make_metaspace(std::string replacement, PrependScheme scheme, bool split);
std::unique_ptr<PreTokenizerStep> make_pre_tokenizer_sequence(std::vector<std::unique_ptr<PreTokenizerStep>> steps);

// Models. Errors (kDataError, without a file name): an empty vocabulary, an unknown token or id
// that is not in it, negative ids, a vocabulary too large for the trie.
Expected<std::unique_ptr<Model>> make_wordpiece(const std::vector<std::pair<std::string, int32_t>>& vocab,
                                                const std::string& unk_token, const std::string& continuing_prefix,
                                                size_t max_input_chars_per_word);
Expected<std::unique_ptr<Model>> make_unigram(const std::vector<std::pair<std::string, double>>& vocab, int32_t unk_id,
                                              bool byte_fallback);

struct AddedToken {
  std::string content;
  int32_t id = 0;
  bool single_word = false;
  bool lstrip = false;
  bool rstrip = false;
  bool normalized = false;
};

struct PipelineConfig {
  std::string description;
  std::unique_ptr<NormalizerStep> normalizer;       // may be null
  std::unique_ptr<PreTokenizerStep> pre_tokenizer;  // may be null: the normalised text is one word
  std::unique_ptr<Model> model;
  std::vector<AddedToken> added_tokens;
  std::vector<int32_t> prefix, suffix;  // special tokens around the text
  int32_t pad_id = 0;
};

// kInvalidArgument when max_length <= prefix.size() + suffix.size().
Expected<std::unique_ptr<Tokenizer>> make_pipeline_tokenizer(PipelineConfig config, size_t max_length);

// The loaders behind load_tokenizer(); `config_path` is tokenizer_config.json, possibly absent.
Expected<std::unique_ptr<Tokenizer>> load_tokenizer_json(const std::string& path, const std::string& config_path,
                                                         size_t max_length);
Expected<std::unique_ptr<Tokenizer>> load_bert_vocab(const std::string& vocab_path, const std::string& config_path,
                                                     size_t max_length);
Expected<std::unique_ptr<Tokenizer>> load_sentencepiece_bpe(const std::string& path, size_t max_length);

// Reads a whole file (kNotFound / kIoError naming it).
Expected<std::string> read_text_file(const std::string& path);

}  // namespace bitmill::text::detail
