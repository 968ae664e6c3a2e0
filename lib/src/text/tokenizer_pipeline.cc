#include "text/tokenizer_pipeline.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>

#include "bitmill/text/utf8.h"
#include "text/hf_unicode.h"

namespace bitmill::text::detail {
namespace {

// Added tokens of one kind (raw or normalised), matched leftmost-longest as tokenizers' Aho-Corasick
// automaton matches them. Vocabularies have a handful of added tokens, so a scan that only stops at
// bytes some token starts with is enough.
class AddedTokenSet {
 public:
  void add(const AddedToken& t, std::string_view content) {
    if (content.empty()) return;
    first_byte_[static_cast<unsigned char>(content.front())] = true;
    entries_.push_back({std::string(content), t.id, t.single_word, t.lstrip, t.rstrip});
  }
  bool empty() const { return entries_.empty(); }

  // Calls on_text(begin, end) for the text between matches and on_token(id) for each match, in
  // order, as tokenizers' AddedVocabulary::find_matches splits; stops when a callback returns false.
  template <typename OnText, typename OnToken>
  bool split(std::string_view text, OnText&& on_text, OnToken&& on_token) const {
    size_t emitted = 0;  // end of what has been handed out
    size_t from = 0;     // where the automaton resumes: after the last match, stripping aside
    const Entry* e = nullptr;
    size_t begin = 0;
    while (!empty() && find(text, from, begin, e)) {
      size_t end = begin + e->content.size();
      from = end;
      if (begin < emitted) continue;  // inside white space an rstrip already took
      if (e->single_word && (ends_with_word(text.substr(0, begin)) || starts_with_word(text.substr(end)))) continue;
      if (e->lstrip) {
        while (begin > emitted) {
          const size_t start = previous_code_point_start(text, begin);
          size_t p = start;
          if (!hf_is_whitespace(next_code_point(text, p))) break;
          begin = start;
        }
      }
      if (e->rstrip) {
        while (end < text.size()) {
          size_t p = end;
          if (!hf_is_whitespace(next_code_point(text, p))) break;
          end = p;
        }
      }
      if (emitted < begin && !on_text(emitted, begin)) return false;
      if (!on_token(e->id)) return false;
      emitted = end;
    }
    if (emitted < text.size()) return on_text(emitted, text.size());
    return true;
  }

 private:
  struct Entry {
    std::string content;
    int32_t id;
    bool single_word, lstrip, rstrip;
  };

  bool find(std::string_view text, size_t from, size_t& begin, const Entry*& best) const {
    for (size_t pos = from; pos < text.size(); ++pos) {
      if (!first_byte_[static_cast<unsigned char>(text[pos])]) continue;
      best = nullptr;
      for (const Entry& e : entries_) {
        if (text.compare(pos, e.content.size(), e.content) == 0 && (!best || e.content.size() > best->content.size())) {
          best = &e;
        }
      }
      if (best) {
        begin = pos;
        return true;
      }
    }
    return false;
  }

  static bool ends_with_word(std::string_view s) {
    if (s.empty()) return false;
    size_t start = previous_code_point_start(s, s.size());
    return is_word_char(next_code_point(s, start));
  }
  static bool starts_with_word(std::string_view s) {
    size_t p = 0;
    return !s.empty() && is_word_char(next_code_point(s, p));
  }

  std::vector<Entry> entries_;
  std::array<bool, 256> first_byte_{};
};

// The ids of recently seen words, per thread: a direct-mapped table of short words. Entries carry
// the serial number of the tokenizer that wrote them, so tokenizers sharing a thread never see each
// other's ids (serials are never reused, unlike addresses).
class WordCache {
 public:
  static constexpr size_t kMaxBytes = 30, kMaxIds = 12;

  // Appends the ids of `word` and returns true when cached.
  bool lookup(uint64_t owner, std::string_view word, std::vector<int32_t>& ids) const {
    if (slots_.empty() || word.size() > kMaxBytes) return false;
    const Entry& e = slots_[slot_of(word)];
    if (e.owner != owner || e.len != word.size() || std::memcmp(e.bytes, word.data(), word.size()) != 0) return false;
    ids.insert(ids.end(), e.ids, e.ids + e.nids);
    return true;
  }

  void store(uint64_t owner, std::string_view word, const int32_t* ids, size_t n) {
    if (word.size() > kMaxBytes || n > kMaxIds) return;
    if (slots_.empty()) slots_.resize(kSlots);
    Entry& e = slots_[slot_of(word)];
    e.owner = owner;
    e.len = static_cast<uint8_t>(word.size());
    e.nids = static_cast<uint8_t>(n);
    std::memcpy(e.bytes, word.data(), word.size());
    std::copy(ids, ids + n, e.ids);
  }

 private:
  static constexpr size_t kSlots = 4096;  // a power of two
  struct Entry {
    uint64_t owner = 0;  // 0: empty
    uint8_t len = 0, nids = 0;
    char bytes[kMaxBytes];
    int32_t ids[kMaxIds];
  };

  static size_t slot_of(std::string_view w) {
    uint64_t h = 0x9E3779B97F4A7C15ull ^ w.size();
    size_t i = 0;
    for (; i + 8 <= w.size(); i += 8) {
      uint64_t v;
      std::memcpy(&v, w.data() + i, 8);
      h = (h ^ v) * 0xFF51AFD7ED558CCDull;
      h ^= h >> 32;
    }
    uint64_t v = 0;
    std::memcpy(&v, w.data() + i, w.size() - i);
    h = (h ^ v) * 0xC4CEB9FE1A85EC53ull;
    h ^= h >> 29;
    return static_cast<size_t>(h) & (kSlots - 1);
  }

  std::vector<Entry> slots_;  // allocated at the first store
};

// Working memory of encode(), one per thread and reused across calls (and tokenizers).
struct EncodeScratch {
  std::string norm, scratch;
  Pieces pieces, words;
  ModelScratch model;
  WordCache cache;

  // A very long line would otherwise pin its buffers' memory to the thread for good.
  void trim() {
    constexpr size_t kKeep = size_t{1} << 20;
    if (norm.capacity() > kKeep) std::string().swap(norm);
    if (scratch.capacity() > kKeep) std::string().swap(scratch);
    if (pieces.buf.capacity() > kKeep || pieces.spans.capacity() > kKeep) pieces = Pieces();
    if (words.buf.capacity() > kKeep || words.spans.capacity() > kKeep) words = Pieces();
    if (model.score.capacity() > kKeep) model = ModelScratch();
  }
};

EncodeScratch& thread_scratch() {
  thread_local EncodeScratch s;
  return s;
}

std::atomic<uint64_t> g_tokenizer_serial{0};

class PipelineTokenizer final : public Tokenizer {
 public:
  PipelineTokenizer(PipelineConfig c, size_t max_length)
      : c_(std::move(c)),
        max_length_(max_length),
        serial_(++g_tokenizer_serial),
        word_cache_(!simple_paths_for_testing()) {
    std::string scratch;
    for (const AddedToken& t : c_.added_tokens) {
      const int32_t model_id = c_.model->token_to_id(t.content);
      AddedToken token = t;
      if (model_id >= 0) token.id = model_id;  // tokenizers gives a token the model knows the model's id
      vocab_size_ = std::max(vocab_size_, static_cast<size_t>(token.id) + 1);
      if (!t.normalized) {
        raw_.add(token, t.content);
        continue;
      }
      std::string content = t.content;
      uint32_t origin = 0;
      if (c_.normalizer) c_.normalizer->apply(content, scratch, origin);
      normalized_.add(token, content);
    }
    vocab_size_ = std::max(vocab_size_, c_.model->vocab_size());
    for (int32_t id : c_.prefix) vocab_size_ = std::max(vocab_size_, static_cast<size_t>(id) + 1);
    for (int32_t id : c_.suffix) vocab_size_ = std::max(vocab_size_, static_cast<size_t>(id) + 1);
  }

  Status encode(std::string_view text, std::vector<int32_t>& ids) const override {
    return encode_impl(text, ids, true);
  }

  Status encode_plain(std::string_view text, std::vector<int32_t>& ids) const override {
    return encode_impl(text, ids, false);
  }

 private:
  Status encode_impl(std::string_view text, std::vector<int32_t>& ids, bool specials) const {
    ids.clear();
    if (const size_t bad = find_invalid_utf8(text); bad != std::string_view::npos) {
      return data_error("invalid UTF-8 at byte " + std::to_string(bad));
    }
    if (specials) ids.assign(c_.prefix.begin(), c_.prefix.end());
    // Tokens past the limit are cut anyway and earlier tokens never depend on later text, so
    // the work stops as soon as the limit is reached.
    const size_t limit = specials ? max_length_ - c_.suffix.size() : std::numeric_limits<size_t>::max();
    EncodeScratch& tls = thread_scratch();
    std::string& norm = tls.norm;
    std::string& scratch = tls.scratch;
    Pieces& pieces = tls.pieces;
    Pieces& words = tls.words;
    auto tokenize_word = [&](std::string_view word) {
      if (!word_cache_) {
        c_.model->tokenize(word, ids, tls.model);
        return;
      }
      if (tls.cache.lookup(serial_, word, ids)) return;
      const size_t mark = ids.size();
      c_.model->tokenize(word, ids, tls.model);
      tls.cache.store(serial_, word, ids.data() + mark, ids.size() - mark);
    };
    auto room = [&] { return ids.size() < limit; };
    auto on_token = [&](int32_t id) {
      ids.push_back(id);
      return room();
    };
    raw_.split(
        text,
        [&](size_t begin, size_t end) {
          norm.assign(text.substr(begin, end - begin));
          uint32_t origin = begin == 0 ? 1 : 0;
          if (c_.normalizer) c_.normalizer->apply(norm, scratch, origin);
          if (norm.empty()) return true;
          return normalized_.split(
              norm,
              [&](size_t nb, size_t ne) {
                pieces.clear();
                pieces.add(std::string_view(norm).substr(nb, ne - nb), origin_after(norm, nb, origin));
                const Pieces* src = &pieces;
                if (c_.pre_tokenizer) {
                  c_.pre_tokenizer->split(pieces, words);
                  src = &words;
                }
                for (const auto& span : src->spans) {
                  tokenize_word(src->view(span));
                  if (!room()) return false;
                }
                return true;
              },
              on_token);
        },
        on_token);
    tls.trim();
    if (ids.size() > limit) ids.resize(limit);
    if (specials) ids.insert(ids.end(), c_.suffix.begin(), c_.suffix.end());
    return Status::ok();
  }

 public:
  int32_t pad_id() const override { return c_.pad_id; }
  size_t vocab_size() const override { return vocab_size_; }
  size_t max_length() const override { return max_length_; }
  std::string_view description() const override { return c_.description; }

 private:
  PipelineConfig c_;
  size_t max_length_;
  uint64_t serial_;  // tells this tokenizer's entries in the per-thread word caches from others'
  bool word_cache_;  // false in the tests' simple mode
  size_t vocab_size_ = 0;
  AddedTokenSet raw_, normalized_;
};

}  // namespace

Expected<std::unique_ptr<Tokenizer>> make_pipeline_tokenizer(PipelineConfig config, size_t max_length) {
  const size_t specials = config.prefix.size() + config.suffix.size();
  if (max_length <= specials) {
    return invalid_argument("max_length " + std::to_string(max_length) + " leaves no room for text next to the " +
                            std::to_string(specials) + " special tokens");
  }
  return std::unique_ptr<Tokenizer>(std::make_unique<PipelineTokenizer>(std::move(config), max_length));
}

Expected<std::string> read_text_file(const std::string& path) {
  struct Closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, Closer> f(std::fopen(path.c_str(), "rb"));
  if (!f) return errno_status(path, errno);
  std::string out;
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) out.append(buf, n);
  if (std::ferror(f.get()) != 0) return errno_status(path, errno);
  return out;
}

}  // namespace bitmill::text::detail
