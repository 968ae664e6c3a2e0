// Normalizers, pre-tokenizers and models of the tokenizers pipeline (see tokenizer_pipeline.h).
// Each mirrors the component of Hugging Face tokenizers with the same name; comments note where
// its behaviour is easy to get wrong.
#include <utf8proc.h>

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <memory>

#include "text/byte_trie.h"
#include "text/hf_unicode.h"
#include "text/tokenizer_pipeline.h"

namespace bitmill::text::detail {
namespace {

bool is_ascii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// Byte length of the first `chars` code points of `s` (all of it when shorter).
size_t prefix_bytes(std::string_view s, size_t chars) {
  size_t pos = 0;
  while (pos < s.size() && chars > 0) {
    next_code_point(s, pos);
    --chars;
  }
  return pos;
}

// Canonical decomposition (with canonical reordering) of valid UTF-8 into code points.
void decompose_nfd(std::string_view s, std::vector<utf8proc_int32_t>& out) {
  out.resize(s.size() + 16);
  for (;;) {
    const utf8proc_ssize_t n =
        utf8proc_decompose(reinterpret_cast<const utf8proc_uint8_t*>(s.data()), static_cast<utf8proc_ssize_t>(s.size()),
                           out.data(), static_cast<utf8proc_ssize_t>(out.size()), UTF8PROC_DECOMPOSE);
    if (n < 0) {  // only for invalid UTF-8, which callers exclude; keep the text rather than lose it
      out.clear();
      size_t pos = 0;
      while (pos < s.size()) out.push_back(static_cast<utf8proc_int32_t>(next_code_point(s, pos)));
      return;
    }
    if (static_cast<size_t>(n) <= out.size()) {
      out.resize(static_cast<size_t>(n));
      return;
    }
    out.resize(static_cast<size_t>(n));
  }
}

// ---------------------------------------------------------------------------------------------
// Normalizers

// A normalizer that maps each character on its own (to none, one or several): every output keeps
// the alignment of the character it came from, so the origin count (tokenizer_pipeline.h) is the
// length of what the leading origin characters become.
class PerCharNormalizer : public NormalizerStep {
 public:
  void apply(std::string& text, std::string& scratch, uint32_t& origin) const final {
    if (origin > 0) {
      std::string prefix = text.substr(0, prefix_bytes(text, origin)), tmp;
      transform(prefix, tmp);
      origin = static_cast<uint32_t>(utf8_length(prefix));
    }
    transform(text, scratch);
  }

 protected:
  virtual void transform(std::string& text, std::string& scratch) const = 0;
};

class BertNormalizer final : public PerCharNormalizer {
 public:
  BertNormalizer(bool clean, bool chinese, bool strip, bool lower)
      : clean_(clean), chinese_(chinese), strip_(strip), lower_(lower) {}

 protected:
  void transform(std::string& text, std::string& scratch) const override {
    // tokenizers runs clean_text, CJK spacing, strip_accents (NFD, then drop Mn) and lowercase in
    // that order; each is per character, so the first two and lowercase fuse into one pass when
    // accents are kept.
    scratch.clear();
    const bool lower_now = lower_ && !strip_;
    for (size_t pos = 0; pos < text.size();) {
      const char32_t cp = next_code_point(text, pos);
      if (clean_) {
        if (cp == 0 || cp == 0xFFFD || hf_is_control(cp)) continue;
        if (hf_is_whitespace(cp)) {
          scratch.push_back(' ');
          continue;
        }
      }
      if (chinese_ && hf_is_chinese_char(cp)) {
        scratch.push_back(' ');
        append_code_point(cp, scratch);
        scratch.push_back(' ');
        continue;
      }
      if (lower_now) {
        append_lowercase(cp, scratch);
      } else {
        append_code_point(cp, scratch);
      }
    }
    text.swap(scratch);
    if (!strip_) return;
    if (is_ascii(text)) {
      if (lower_) {
        for (char& c : text) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
      }
      return;
    }
    std::vector<utf8proc_int32_t> cps;
    decompose_nfd(text, cps);
    scratch.clear();
    for (utf8proc_int32_t c : cps) {
      const auto cp = static_cast<char32_t>(c);
      if (hf_is_nonspacing_mark(cp)) continue;
      if (lower_) {
        append_lowercase(cp, scratch);
      } else {
        append_code_point(cp, scratch);
      }
    }
    text.swap(scratch);
  }

 private:
  bool clean_, chinese_, strip_, lower_;
};

// Composition can merge a character with the next, which the per-character view does not see;
// tokenizers aligns a composed character with its first part, so the count stays right.
class UnicodeNormalizer final : public PerCharNormalizer {
 public:
  explicit UnicodeNormalizer(UnicodeForm form) {
    switch (form) {
      case UnicodeForm::kNfc: options_ = utf8proc_option_t(UTF8PROC_STABLE | UTF8PROC_COMPOSE); break;
      case UnicodeForm::kNfd: options_ = utf8proc_option_t(UTF8PROC_STABLE | UTF8PROC_DECOMPOSE); break;
      case UnicodeForm::kNfkc:
        options_ = utf8proc_option_t(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT);
        break;
      case UnicodeForm::kNfkd:
        options_ = utf8proc_option_t(UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT);
        break;
    }
  }

 protected:
  void transform(std::string& text, std::string&) const override {
    if (is_ascii(text)) return;  // every normal form of ASCII is itself
    utf8proc_uint8_t* out = nullptr;
    const utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                                            static_cast<utf8proc_ssize_t>(text.size()), &out, options_);
    if (n >= 0) text.assign(reinterpret_cast<const char*>(out), static_cast<size_t>(n));
    std::free(out);
  }

 private:
  utf8proc_option_t options_{};
};

class Lowercase final : public PerCharNormalizer {
 protected:
  void transform(std::string& text, std::string& scratch) const override {
    scratch.clear();
    for (size_t pos = 0; pos < text.size();) append_lowercase(next_code_point(text, pos), scratch);
    text.swap(scratch);
  }
};

// Unlike BertNormalizer's strip_accents, this one does not decompose first and removes all of
// M* (Mn, Mc, Me): tokenizers expects an NFD normalizer before it.
class StripAccents final : public PerCharNormalizer {
 protected:
  void transform(std::string& text, std::string& scratch) const override {
    scratch.clear();
    for (size_t pos = 0; pos < text.size();) {
      const size_t start = pos;
      if (!hf_is_combining_mark(next_code_point(text, pos))) scratch.append(text, start, pos - start);
    }
    text.swap(scratch);
  }
};

class Strip final : public NormalizerStep {
 public:
  Strip(bool left, bool right) : left_(left), right_(right) {}

  void apply(std::string& text, std::string&, uint32_t& origin) const override {
    size_t begin = 0, end = text.size();
    if (left_) {
      while (begin < end) {
        size_t next = begin;
        if (!hf_is_whitespace(next_code_point(text, next))) break;
        begin = next;
      }
    }
    if (right_) {
      while (end > begin) {
        const size_t start = previous_code_point_start(text, end);
        size_t p = start;
        if (!hf_is_whitespace(next_code_point(text, p))) break;
        end = start;
      }
    }
    const size_t removed = utf8_length(std::string_view(text).substr(0, begin));
    origin = origin > removed ? static_cast<uint32_t>(origin - removed) : 0;
    text.erase(end);
    text.erase(0, begin);
  }

 private:
  bool left_, right_;
};

class Prepend final : public NormalizerStep {
 public:
  explicit Prepend(std::string prefix) : prefix_(std::move(prefix)) {}
  // The prepended characters take the alignment of the first one.
  void apply(std::string& text, std::string&, uint32_t& origin) const override {
    if (text.empty()) return;
    text.insert(0, prefix_);
    if (origin > 0) origin += static_cast<uint32_t>(utf8_length(prefix_));
  }

 private:
  std::string prefix_;
};

// tokenizers' replace() gives the content of a match the alignment of the match's last character,
// and the characters it does not touch keep theirs. `match(s, pos)` is the byte length of the match
// at pos, 0 for none; matches are tried left to right without overlap, as the replacement runs.
template <typename Match>
uint32_t replaced_origin(std::string_view s, uint32_t origin, Match&& match, std::string_view content) {
  uint32_t out = 0;
  size_t chars = 0;  // input characters passed
  for (size_t pos = 0; pos < s.size() && chars < origin;) {
    if (const size_t len = match(s, pos); len > 0) {
      chars += utf8_length(s.substr(pos, len));
      if (chars <= origin) out += static_cast<uint32_t>(utf8_length(content));
      pos += len;
    } else {
      next_code_point(s, pos);
      ++chars;
      ++out;
    }
  }
  return out;
}

class ReplaceLiteral final : public NormalizerStep {
 public:
  ReplaceLiteral(std::string pattern, std::string content)
      : pattern_(std::move(pattern)), content_(std::move(content)) {}

  void apply(std::string& text, std::string& scratch, uint32_t& origin) const override {
    size_t hit = text.find(pattern_);
    if (hit == std::string::npos) return;
    origin = replaced_origin(
        text, origin,
        [&](std::string_view s, size_t pos) {
          return s.compare(pos, pattern_.size(), pattern_) == 0 ? pattern_.size() : 0;
        },
        content_);
    scratch.clear();
    size_t from = 0;
    for (; hit != std::string::npos; hit = text.find(pattern_, from)) {
      scratch.append(text, from, hit - from);
      scratch.append(content_);
      from = hit + pattern_.size();
    }
    scratch.append(text, from, std::string::npos);
    text.swap(scratch);
  }

 private:
  std::string pattern_, content_;
};

class ReplaceRun final : public NormalizerStep {
 public:
  ReplaceRun(std::string unit, size_t min_run, std::string content)
      : unit_(std::move(unit)), min_run_(min_run), content_(std::move(content)) {
    for (size_t i = 0; i < min_run_; ++i) shortest_.append(unit_);
  }

  void apply(std::string& text, std::string& scratch, uint32_t& origin) const override {
    if (text.find(unit_) == std::string::npos) return;
    if (text.find(shortest_) == std::string::npos) {
      // No run to replace: the text stays, and the origin is what replaced_origin() gives when
      // nothing matches, capped at the text's length.
      uint32_t chars = 0;
      for (size_t i = 0; i < text.size() && chars < origin; ++i) {
        chars += (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
      }
      origin = chars;
      return;
    }
    origin = replaced_origin(
        text, origin,
        [&](std::string_view s, size_t pos) -> size_t {
          size_t end = pos, run = 0;
          while (s.compare(end, unit_.size(), unit_) == 0) {
            end += unit_.size();
            ++run;
          }
          return run >= min_run_ ? end - pos : 0;
        },
        content_);
    scratch.clear();
    size_t pos = 0;
    while (pos < text.size()) {
      const size_t hit = text.find(unit_, pos);
      if (hit == std::string::npos) break;
      size_t end = hit;
      size_t run = 0;
      while (text.compare(end, unit_.size(), unit_) == 0) {
        end += unit_.size();
        ++run;
      }
      scratch.append(text, pos, hit - pos);
      if (run >= min_run_) {
        scratch.append(content_);
      } else {
        scratch.append(text, hit, end - hit);
      }
      pos = end;
    }
    scratch.append(text, pos, std::string::npos);
    text.swap(scratch);
  }

 private:
  std::string unit_;
  size_t min_run_;
  std::string content_;
  std::string shortest_;  // min_run_ units: the shortest run that is replaced
};

class Precompiled final : public NormalizerStep {
 public:
  explicit Precompiled(PrecompiledCharsmap map) : map_(std::move(map)) {}
  void apply(std::string& text, std::string& scratch, uint32_t& origin) const override {
    scratch.clear();
    map_.normalize(text, scratch, &origin);
    text.swap(scratch);
  }

 private:
  PrecompiledCharsmap map_;
};

class NormalizerSequence final : public NormalizerStep {
 public:
  explicit NormalizerSequence(std::vector<std::unique_ptr<NormalizerStep>> steps) : steps_(std::move(steps)) {}
  void apply(std::string& text, std::string& scratch, uint32_t& origin) const override {
    for (const auto& s : steps_) s->apply(text, scratch, origin);
  }

 private:
  std::vector<std::unique_ptr<NormalizerStep>> steps_;
};

// ---------------------------------------------------------------------------------------------
// Pre-tokenizers

// Splits on white space (removed) and, with Punct, on punctuation (each character its own piece):
// BertPreTokenizer (true) and WhitespaceSplit (false).
template <bool Punct>
class WordSplit final : public PreTokenizerStep {
 public:
  void split(const Pieces& in, Pieces& out) const override {
    out.clear();
    for (const auto& span : in.spans) {
      const std::string_view s = in.view(span);
      size_t word = std::string_view::npos;
      auto flush = [&](size_t end) {
        if (word != std::string_view::npos) out.add(s.substr(word, end - word), origin_after(s, word, span.origin));
        word = std::string_view::npos;
      };
      for (size_t pos = 0; pos < s.size();) {
        const size_t start = pos;
        const char32_t cp = next_code_point(s, pos);
        if (hf_is_whitespace(cp)) {
          flush(start);
        } else if (Punct && hf_is_punctuation(cp)) {
          flush(start);
          out.add(s.substr(start, pos - start), origin_after(s, start, span.origin));
        } else if (word == std::string_view::npos) {
          word = start;
        }
      }
      flush(s.size());
    }
  }
};
using BertPreTokenizer = WordSplit<true>;
using WhitespaceSplit = WordSplit<false>;

// Replaces ' ' with the replacement, prepends one per the scheme unless the piece already starts
// with it, and (split) cuts before every replacement, each joining the text after it:
// "▁a▁▁b" -> "▁a" "▁" "▁b".
class Metaspace final : public PreTokenizerStep {
 public:
  Metaspace(std::string replacement, PrependScheme scheme, bool split)
      : rep_(std::move(replacement)), scheme_(scheme), split_(split) {}

  void split(const Pieces& in, Pieces& out) const override {
    out.clear();
    for (const auto& span : in.spans) {
      const std::string_view s = in.view(span);
      // The piece is rewritten at the end of out.buf and the words are cut from there.
      const size_t base = out.buf.size();
      const bool prepend = scheme_ == PrependScheme::kAlways || (scheme_ == PrependScheme::kFirst && span.origin > 0);
      // The prepended replacement takes the first character's alignment; ' ' -> replacement is 1:1.
      uint32_t origin = span.origin;
      if (prepend && s.front() != ' ' && !s.starts_with(rep_)) {
        out.buf.append(rep_);
        if (origin > 0) ++origin;
      }
      size_t from = 0;
      for (size_t sp = s.find(' '); sp != std::string_view::npos; sp = s.find(' ', from)) {
        out.buf.append(s, from, sp - from);
        out.buf.append(rep_);
        from = sp + 1;
      }
      out.buf.append(s, from, std::string_view::npos);
      const std::string_view t = std::string_view(out.buf).substr(base);
      if (!split_) {
        out.add_range(base, out.buf.size(), origin);
        continue;
      }
      size_t begin = 0;
      for (size_t hit = t.find(rep_, 1); hit != std::string::npos; hit = t.find(rep_, hit + rep_.size())) {
        out.add_range(base + begin, base + hit, origin_after(t, begin, origin));
        begin = hit;
      }
      out.add_range(base + begin, out.buf.size(), origin_after(t, begin, origin));
    }
  }

 private:
  std::string rep_;
  PrependScheme scheme_;
  bool split_;
};

class PreTokenizerSequence final : public PreTokenizerStep {
 public:
  explicit PreTokenizerSequence(std::vector<std::unique_ptr<PreTokenizerStep>> steps) : steps_(std::move(steps)) {}

  void split(const Pieces& in, Pieces& out) const override {
    if (steps_.empty()) {
      out = in;
      return;
    }
    Pieces tmp;
    const Pieces* src = &in;
    for (size_t i = 0; i < steps_.size(); ++i) {
      // Ping-pong so that the last step writes into `out`.
      Pieces& dst = ((steps_.size() - 1 - i) % 2 == 0) ? out : tmp;
      steps_[i]->split(*src, dst);
      src = &dst;
    }
  }

 private:
  std::vector<std::unique_ptr<PreTokenizerStep>> steps_;
};

// ---------------------------------------------------------------------------------------------
// Models

// Greedy longest-match-first: the longest vocabulary entry that prefixes the rest of the word,
// with the continuation prefix after the first piece; one unmatched position, or more than
// max_chars characters, makes the whole word the unknown token.
class WordPiece final : public Model {
 public:
  void tokenize(std::string_view word, std::vector<int32_t>& ids, ModelScratch&) const override {
    if (utf8_length(word) > max_chars_) {
      ids.push_back(unk_);
      return;
    }
    const size_t mark = ids.size();
    for (size_t pos = 0; pos < word.size();) {
      int32_t id = -1;
      const size_t len = (pos == 0 ? initial_ : continuation_).longest_prefix(word.substr(pos), id);
      if (len == 0) {
        ids.resize(mark);
        ids.push_back(unk_);
        return;
      }
      ids.push_back(id);
      pos += len;
    }
  }
  int32_t token_to_id(std::string_view token) const override { return initial_.find(token); }
  size_t vocab_size() const override { return size_; }
  std::string_view name() const override { return "WordPiece"; }

  ByteTrie initial_, continuation_;
  int32_t unk_ = 0;
  size_t max_chars_ = 100;
  size_t size_ = 0;
};

// Viterbi over the lattice of vocabulary pieces, as tokenizers' Unigram::encode_optimized (after
// SentencePiece): best score per end position; a position where no single-character piece starts
// gets an unknown node scored min_score - 10; runs of unknown nodes fuse into one token, looked
// up as a whole and otherwise the unknown id, or its bytes' <0xXX> pieces with byte_fallback.
class Unigram final : public Model {
 public:
  void tokenize(std::string_view s, std::vector<int32_t>& ids, ModelScratch& sc) const override {
    const size_t n = s.size();
    sc.score.assign(n + 1, 0.0);
    sc.id.assign(n + 1, -1);
    sc.start.assign(n + 1, -1);
    for (size_t p = 0; p < n;) {
      const double base = sc.score[p];
      size_t q = p;
      next_code_point(s, q);
      const size_t char_len = q - p;
      bool single = false;
      auto relax = [&](size_t end, int32_t id, double score) {
        const double cand = score + base;
        if (sc.start[end] < 0 || cand > sc.score[end]) {
          sc.score[end] = cand;
          sc.start[end] = static_cast<int64_t>(p);
          sc.id[end] = id;
        }
      };
      trie_.for_each_prefix(s.substr(p), [&](size_t len, int32_t id) {
        relax(p + len, id, scores_[static_cast<size_t>(id)]);
        if (len == char_len) single = true;
      });
      if (!single) relax(q, unk_, unk_score_);
      p = q;
    }
    sc.path.clear();
    for (size_t end = n; end > 0; end = static_cast<size_t>(sc.start[end]))
      sc.path.push_back(static_cast<uint32_t>(end));
    for (size_t i = sc.path.size(); i-- > 0;) {
      const size_t end = sc.path[i];
      const auto begin = static_cast<size_t>(sc.start[end]);
      if (sc.id[end] != unk_) {
        ids.push_back(sc.id[end]);
        continue;
      }
      size_t run_end = end;
      while (i > 0 && sc.id[sc.path[i - 1]] == unk_) run_end = sc.path[--i];
      emit_unknown(s.substr(begin, run_end - begin), ids);
    }
  }

  int32_t token_to_id(std::string_view token) const override { return trie_.find(token); }
  size_t vocab_size() const override { return scores_.size(); }
  std::string_view name() const override { return "Unigram"; }

  ByteTrie trie_;
  std::vector<double> scores_;
  int32_t unk_ = 0;
  double unk_score_ = 0;
  bool byte_fallback_ = false;
  std::array<int32_t, 256> byte_ids_{};

 private:
  void emit_unknown(std::string_view token, std::vector<int32_t>& ids) const {
    if (const int32_t id = trie_.find(token); id >= 0) {
      ids.push_back(id);
      return;
    }
    if (byte_fallback_ && std::all_of(token.begin(), token.end(),
                                      [&](char c) { return byte_ids_[static_cast<unsigned char>(c)] >= 0; })) {
      for (char c : token) ids.push_back(byte_ids_[static_cast<unsigned char>(c)]);
      return;
    }
    ids.push_back(unk_);
  }
};

}  // namespace

std::unique_ptr<NormalizerStep> make_bert_normalizer(bool clean_text, bool handle_chinese_chars, bool strip_accents,
                                                     bool lowercase) {
  return std::make_unique<BertNormalizer>(clean_text, handle_chinese_chars, strip_accents, lowercase);
}
std::unique_ptr<NormalizerStep> make_unicode_normalizer(UnicodeForm form) {
  return std::make_unique<UnicodeNormalizer>(form);
}
std::unique_ptr<NormalizerStep> make_lowercase() { return std::make_unique<Lowercase>(); }
std::unique_ptr<NormalizerStep> make_strip_accents() { return std::make_unique<StripAccents>(); }
std::unique_ptr<NormalizerStep> make_strip(bool left, bool right) { return std::make_unique<Strip>(left, right); }
std::unique_ptr<NormalizerStep> make_prepend(std::string prefix) {
  return std::make_unique<Prepend>(std::move(prefix));
}
std::unique_ptr<NormalizerStep> make_replace_literal(std::string pattern, std::string content) {
  return std::make_unique<ReplaceLiteral>(std::move(pattern), std::move(content));
}
std::unique_ptr<NormalizerStep> make_replace_run(std::string c, size_t min_run, std::string content) {
  return std::make_unique<ReplaceRun>(std::move(c), min_run, std::move(content));
}
std::unique_ptr<NormalizerStep> make_precompiled(PrecompiledCharsmap charsmap) {
  return std::make_unique<Precompiled>(std::move(charsmap));
}
std::unique_ptr<NormalizerStep> make_normalizer_sequence(std::vector<std::unique_ptr<NormalizerStep>> steps) {
  return std::make_unique<NormalizerSequence>(std::move(steps));
}

std::unique_ptr<PreTokenizerStep> make_bert_pre_tokenizer() { return std::make_unique<BertPreTokenizer>(); }
std::unique_ptr<PreTokenizerStep> make_whitespace_split() { return std::make_unique<WhitespaceSplit>(); }
std::unique_ptr<PreTokenizerStep> make_metaspace(std::string replacement, PrependScheme scheme, bool split) {
  return std::make_unique<Metaspace>(std::move(replacement), scheme, split);
}
std::unique_ptr<PreTokenizerStep> make_pre_tokenizer_sequence(std::vector<std::unique_ptr<PreTokenizerStep>> steps) {
  return std::make_unique<PreTokenizerSequence>(std::move(steps));
}

Expected<std::unique_ptr<Model>> make_wordpiece(const std::vector<std::pair<std::string, int32_t>>& vocab,
                                                const std::string& unk_token, const std::string& continuing_prefix,
                                                size_t max_input_chars_per_word) {
  if (vocab.empty()) return data_error("WordPiece vocabulary is empty");
  auto m = std::make_unique<WordPiece>();
  m->max_chars_ = max_input_chars_per_word;
  for (const auto& [token, id] : vocab) {
    if (id < 0) return data_error("WordPiece token '" + token + "' has a negative id");
    if (token.empty()) continue;  // no text can ask for it
    m->size_ = std::max(m->size_, static_cast<size_t>(id) + 1);
    bool ok = m->initial_.insert(token, id);
    if (ok && token.size() > continuing_prefix.size() && token.starts_with(continuing_prefix)) {
      ok = m->continuation_.insert(std::string_view(token).substr(continuing_prefix.size()), id);
    }
    if (!ok) return data_error("WordPiece vocabulary too large");
  }
  m->unk_ = m->initial_.find(unk_token);
  if (m->unk_ < 0) return data_error("WordPiece unk_token '" + unk_token + "' is not in the vocabulary");
  return std::unique_ptr<Model>(std::move(m));
}

Expected<std::unique_ptr<Model>> make_unigram(const std::vector<std::pair<std::string, double>>& vocab, int32_t unk_id,
                                              bool byte_fallback) {
  if (vocab.empty()) return data_error("Unigram vocabulary is empty");
  if (unk_id < 0 || static_cast<size_t>(unk_id) >= vocab.size()) {
    return data_error("Unigram unk_id " + std::to_string(unk_id) + " is outside the vocabulary of " +
                      std::to_string(vocab.size()));
  }
  auto m = std::make_unique<Unigram>();
  m->unk_ = unk_id;
  m->byte_fallback_ = byte_fallback;
  m->scores_.reserve(vocab.size());
  double min_score = std::numeric_limits<double>::infinity();
  for (size_t i = 0; i < vocab.size(); ++i) {
    const auto& [piece, score] = vocab[i];
    m->scores_.push_back(score);
    min_score = std::min(min_score, score);
    if (!piece.empty() && !m->trie_.insert(piece, static_cast<int32_t>(i))) {
      return data_error("Unigram vocabulary too large");
    }
  }
  m->unk_score_ = min_score - 10.0;  // tokenizers' K_UNK_PENALTY
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (int b = 0; b < 256; ++b) {
    const char name[] = {'<', '0', 'x', kHex[b >> 4], kHex[b & 15], '>'};
    m->byte_ids_[static_cast<size_t>(b)] = m->trie_.find(std::string_view(name, sizeof name));
  }
  return std::unique_ptr<Model>(std::move(m));
}

}  // namespace bitmill::text::detail
