#include "text/precompiled_charsmap.h"

#include <utf8proc.h>

#include <atomic>
#include <cstring>

#include "bitmill/text/utf8.h"
#include "text/hf_unicode.h"

namespace bitmill::text::detail {
namespace {

// darts-clone's unit encoding (darts.h, DoubleArrayUnit).
bool has_leaf(uint32_t unit) { return ((unit >> 8) & 1) == 1; }
uint32_t value_of(uint32_t unit) { return unit & ((1u << 31) - 1); }
uint32_t label_of(uint32_t unit) { return unit & ((1u << 31) | 0xFF); }
uint32_t offset_of(uint32_t unit) { return (unit >> 10) << ((unit & (1u << 9)) >> 6); }

std::atomic<bool> g_simple_paths{false};

// The grapheme-cluster state machine of utf8proc, as the ASCII shortcut of normalize() relies on it:
// between two ASCII characters there is a boundary (but for CR LF), and after an ASCII character
// the carried state is a function of that character alone, whatever came before. True when the
// linked utf8proc behaves so (checked once per process); `after` gets that state per character.
bool ascii_grapheme_rules(std::array<utf8proc_int32_t, 128>& after) {
  static const auto checked = [] {
    std::pair<bool, std::array<utf8proc_int32_t, 128>> r{true, {}};
    for (utf8proc_int32_t c = 0; c < 128; ++c) {
      utf8proc_int32_t state = 0;
      utf8proc_grapheme_break_stateful('a', c, &state);
      r.second[static_cast<size_t>(c)] = state;
    }
    // Characters of every break class (and sequences that leave special states) before the ASCII one.
    static constexpr utf8proc_int32_t kBefore[][3] = {{'a', 0, 0},     {'\r', 0, 0},         {'\n', 0, 0},
                                                      {1, 0, 0},       {0x0301, 0, 0},       {0x200D, 0, 0},
                                                      {0x0903, 0, 0},  {0x0600, 0, 0},       {0x1100, 0, 0},
                                                      {0x1161, 0, 0},  {0x11A8, 0, 0},       {0xAC00, 0, 0},
                                                      {0xAC01, 0, 0},  {0x1F1E6, 0, 0},      {0x1F1E6, 0x1F1E6, 0},
                                                      {0x1F600, 0, 0}, {0x1F600, 0x200D, 0}, {0x1F600, 0x0301, 0},
                                                      {0x4E00, 0, 0},  {0x00AD, 0, 0},       {0x1F600, 0x0301, 0x200D},
                                                      {0xE0001, 0, 0}, {0xFEFF, 0, 0},       {0x0E33, 0, 0},
                                                      {0x0D4E, 0, 0}};
    for (const auto& seq : kBefore) {
      for (utf8proc_int32_t c = 0; c < 128; ++c) {
        utf8proc_int32_t state = 0, prev = seq[0];
        for (size_t k = 1; k < 3 && seq[k] != 0; ++k) {
          utf8proc_grapheme_break_stateful(prev, seq[k], &state);
          prev = seq[k];
        }
        utf8proc_grapheme_break_stateful(prev, c, &state);
        if (state != r.second[static_cast<size_t>(c)]) r.first = false;
      }
    }
    for (utf8proc_int32_t c = 0; c < 128; ++c) {
      for (utf8proc_int32_t d = 0; d < 128; ++d) {
        const bool want = !(c == '\r' && d == '\n');
        utf8proc_int32_t first = 0, later = r.second[static_cast<size_t>(c)];
        if (utf8proc_grapheme_break_stateful(c, d, &first) != want ||
            utf8proc_grapheme_break_stateful(c, d, &later) != want || first != r.second[static_cast<size_t>(d)] ||
            later != r.second[static_cast<size_t>(d)]) {
          r.first = false;
        }
      }
    }
    return r;
  }();
  after = checked.second;
  return checked.first;
}

}  // namespace

void set_simple_paths_for_testing(bool on) { g_simple_paths.store(on); }
bool simple_paths_for_testing() { return g_simple_paths.load(); }

Expected<PrecompiledCharsmap> PrecompiledCharsmap::parse(std::string_view blob) {
  if (blob.size() <= 4) return data_error("too short (" + std::to_string(blob.size()) + " bytes)");
  const auto* b = reinterpret_cast<const unsigned char*>(blob.data());
  const uint32_t trie_bytes = static_cast<uint32_t>(b[0]) | static_cast<uint32_t>(b[1]) << 8 |
                              static_cast<uint32_t>(b[2]) << 16 | static_cast<uint32_t>(b[3]) << 24;
  if (trie_bytes % 4 != 0 || trie_bytes == 0 || trie_bytes > blob.size() - 4) {
    return data_error("trie size " + std::to_string(trie_bytes) + " does not fit the " + std::to_string(blob.size()) +
                      "-byte blob");
  }
  PrecompiledCharsmap m;
  m.units_.resize(trie_bytes / 4);
  for (size_t i = 0; i < m.units_.size(); ++i) {
    const unsigned char* u = b + 4 + 4 * i;
    m.units_[i] = static_cast<uint32_t>(u[0]) | static_cast<uint32_t>(u[1]) << 8 | static_cast<uint32_t>(u[2]) << 16 |
                  static_cast<uint32_t>(u[3]) << 24;
  }
  m.normalized_.assign(blob.substr(4 + trie_bytes));
  BITMILL_RETURN_IF_ERROR(m.validate());
  for (size_t c = 0; c < 128; ++c) {
    const char ch = static_cast<char>(c);
    const auto r = m.transform(std::string_view(&ch, 1));
    m.ascii_[c] = r ? static_cast<uint64_t>(r->data() - m.normalized_.data()) << 32 | r->size() : kIdentity;
  }
  m.fast_ = !simple_paths_for_testing();
  return m;
}

// Every node reachable from the root, checked once: its children and its leaf inside the trie, and
// each replacement a NUL-terminated, valid UTF-8 string inside the string table. normalize()
// appends replacements to text that the later steps take to be valid UTF-8, so a blob damaged in
// transit must fail here rather than reach them.
Status PrecompiledCharsmap::validate() const {
  const size_t n = units_.size();
  std::vector<bool> seen(n, false);
  std::vector<size_t> todo;  // reached nodes whose children are still to check
  // Children of the node whose own unit is at `node` (the root, index 0, has no leaf of its own:
  // transform() never reads one).
  const auto visit = [&](size_t node, bool root) -> Status {
    const size_t base = node ^ offset_of(units_[node]);
    if (base >= n) {
      return data_error("trie node " + std::to_string(node) + " points to unit " + std::to_string(base) +
                        ", outside the " + std::to_string(n) + "-unit trie");
    }
    if (!root && has_leaf(units_[node])) BITMILL_RETURN_IF_ERROR(check_replacement(value_of(units_[base])));
    for (size_t c = 1; c < 256; ++c) {
      const size_t child = base ^ c;
      if (child >= n || label_of(units_[child]) != c || seen[child]) continue;
      seen[child] = true;
      todo.push_back(child);
    }
    return Status::ok();
  };
  BITMILL_RETURN_IF_ERROR(visit(0, true));
  while (!todo.empty()) {
    const size_t node = todo.back();
    todo.pop_back();
    BITMILL_RETURN_IF_ERROR(visit(node, false));
  }
  return Status::ok();
}

Status PrecompiledCharsmap::check_replacement(size_t at) const {
  if (at >= normalized_.size()) {
    return data_error("replacement offset " + std::to_string(at) + " is outside the " +
                      std::to_string(normalized_.size()) + "-byte string table");
  }
  const std::string_view rest = std::string_view(normalized_).substr(at);
  const size_t nul = rest.find('\0');
  if (nul == std::string_view::npos) return data_error("replacement at " + std::to_string(at) + " has no NUL");
  if (!is_valid_utf8(rest.substr(0, nul))) {
    return data_error("replacement at " + std::to_string(at) + " is not valid UTF-8");
  }
  return Status::ok();
}

std::optional<std::string_view> PrecompiledCharsmap::transform(std::string_view chunk) const {
  // darts-clone commonPrefixSearch, stopped at the first (shortest) hit.
  size_t node = offset_of(units_[0]);
  for (char ch : chunk) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == 0) return std::nullopt;  // darts keys end at NUL
    node ^= c;
    if (node >= units_.size()) return std::nullopt;
    const uint32_t unit = units_[node];
    if (label_of(unit) != c) return std::nullopt;
    node ^= offset_of(unit);
    if (node >= units_.size()) return std::nullopt;
    if (has_leaf(unit)) {
      const size_t at = value_of(units_[node]);
      if (at >= normalized_.size()) return std::nullopt;
      const char* s = normalized_.data() + at;
      const void* nul = std::memchr(s, 0, normalized_.size() - at);
      return std::string_view(s, nul ? static_cast<const char*>(nul) - s : normalized_.size() - at);
    }
  }
  return std::nullopt;
}

namespace {

// Where the start of the normalised text's first `limit` input characters went, as tokenizers'
// transform() assigns alignments: a replacement of n characters by m consumes the n inputs one per
// output character, the extra outputs (m > n) sharing the previous one's input, and the last
// output swallowing the rest (m < n); a deletion (m = 0) is swallowed by the output before it, or
// lost when there is none, so that the text after a deleted first character still counts as
// starting at the input's first character.
class OriginTracker {
 public:
  explicit OriginTracker(uint32_t limit) : limit_(limit) {}

  bool done() const { return consumed_ >= limit_; }

  // n_old input characters were replaced by `replacement`.
  void account(size_t n_old, std::string_view replacement) {
    if (done()) return;
    const size_t m = utf8_length(replacement);
    if (m == 0) {
      if (any_output_) consumed_ += n_old;
      return;
    }
    for (size_t k = 0; k < m; ++k) {
      size_t align;
      if (m >= n_old && k >= n_old) {  // an inserted character
        align = any_output_ ? last_align_ : 0;
      } else {
        align = consumed_;
        consumed_ += (m < n_old && k == m - 1) ? 1 + (n_old - m) : 1;
      }
      last_align_ = align;
      any_output_ = true;
      if (align < limit_) ++zero_;
    }
  }

  // Output characters aligned to an input before the limit.
  uint32_t aligned() const { return zero_; }

 private:
  uint32_t limit_;
  uint32_t zero_ = 0;
  size_t consumed_ = 0;    // inputs consumed so far
  size_t last_align_ = 0;  // input of the previous output
  bool any_output_ = false;
};

// The end of the extended grapheme cluster that starts at `pos`, with utf8proc's break state
// carried across clusters as its own segmentation does.
size_t cluster_end(std::string_view in, size_t pos, utf8proc_int32_t& state) {
  char32_t prev = next_code_point(in, pos);
  while (pos < in.size()) {
    size_t next = pos;
    const char32_t cp = next_code_point(in, next);
    if (utf8proc_grapheme_break_stateful(static_cast<utf8proc_int32_t>(prev), static_cast<utf8proc_int32_t>(cp),
                                         &state)) {
      break;
    }
    prev = cp;
    pos = next;
  }
  return pos;
}

}  // namespace

void PrecompiledCharsmap::normalize(std::string_view in, std::string& out, uint32_t* origin) const {
  OriginTracker track(origin ? *origin : 0);
  std::array<utf8proc_int32_t, 128> ascii_state;
  const bool fast = fast_ && ascii_grapheme_rules(ascii_state);
  const auto* bytes = reinterpret_cast<const unsigned char*>(in.data());
  size_t pos = 0;
  utf8proc_int32_t state = 0;
  while (pos < in.size()) {
    if (fast && bytes[pos] < 0x80) {
      // An ASCII character followed by another (but CR LF) or by the end is a cluster of its own,
      // and utf8proc's state after the next one depends on that one alone: the call is skipped.
      const unsigned char c = bytes[pos];
      const bool last = pos + 1 == in.size();
      if (last || (bytes[pos + 1] < 0x80 && !(c == '\r' && bytes[pos + 1] == '\n'))) {
        const uint64_t a = ascii_[c];
        const std::string_view r =
            a == kIdentity ? in.substr(pos, 1) : std::string_view(normalized_).substr(a >> 32, a & 0xFFFFFFFF);
        out.append(r);
        if (!track.done()) track.account(1, r);
        if (!last) state = ascii_state[bytes[pos + 1]];
        ++pos;
        continue;
      }
    }
    const size_t start = pos;
    pos = cluster_end(in, pos, state);
    const std::string_view cluster = in.substr(start, pos - start);
    if (cluster.size() < 6) {
      if (auto r = transform(cluster)) {
        out.append(*r);
        track.account(utf8_length(cluster), *r);
        continue;
      }
    }
    for (size_t p = 0; p < cluster.size();) {
      const size_t char_start = p;
      next_code_point(cluster, p);
      const std::string_view ch = cluster.substr(char_start, p - char_start);
      const auto r = transform(ch);
      out.append(r ? *r : ch);
      track.account(1, r ? *r : ch);
    }
  }
  if (origin) *origin = track.aligned();
}

}  // namespace bitmill::text::detail
