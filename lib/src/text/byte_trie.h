// A byte-wise trie from strings to int32 values: the vocabulary lookups of the WordPiece and
// Unigram models, which need "every vocabulary entry that is a prefix of the text here" rather
// than whole-string lookups, so that one walk replaces one hash lookup per candidate length.
//
// Edges live in one open-addressing table keyed by (node, byte), packed with the child into a
// uint64, so a 250k-entry vocabulary (XLM-R) costs a few tens of MB at most and no per-node
// allocation. Fewer than 2^24 nodes (insert() reports when the trie is full).
//
// Thread safety: build with insert() on one thread; the const lookups may then run concurrently.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace bitmill::text::detail {

class ByteTrie {
 public:
  ByteTrie();

  // Maps `key` (non-empty) to `value` >= 0, replacing an earlier value. False when the trie has
  // no room for the new nodes.
  bool insert(std::string_view key, int32_t value);

  // The value of exactly `key`, or -1.
  int32_t find(std::string_view key) const;

  // Calls f(length, value) for every key that is a prefix of `text`, shortest first.
  template <typename F>
  void for_each_prefix(std::string_view text, F&& f) const {
    uint32_t node = 0;
    for (size_t i = 0; i < text.size(); ++i) {
      node = child(node, static_cast<uint8_t>(text[i]));
      if (node == kNone) return;
      if (values_[node] >= 0) f(i + 1, values_[node]);
    }
  }

  // Length of the longest key that is a prefix of `text` (0 when none) and its value.
  size_t longest_prefix(std::string_view text, int32_t& value) const;

  size_t nodes() const { return values_.size(); }

 private:
  static constexpr uint32_t kNone = 0xFFFFFFFF;
  static constexpr uint32_t kMaxNodes = (1u << 24) - 1;  // keeps (node << 8 | byte) + 1 below 2^32

  uint32_t child(uint32_t node, uint8_t byte) const {
    if (node == 0) return root_[byte];
    const uint64_t key = (static_cast<uint64_t>(node) << 8 | byte) + 1;
    for (size_t i = slot_of(key);; i = (i + 1) & mask_) {
      const uint64_t s = slots_[i];
      if (s == 0) return kNone;
      if ((s >> 32) == key) return static_cast<uint32_t>(s);
    }
  }
  size_t slot_of(uint64_t key) const { return static_cast<size_t>((key * 0x9E3779B97F4A7C15ull) >> shift_); }
  void put_edge(uint32_t node, uint8_t byte, uint32_t child);
  void grow();

  std::array<uint32_t, 256> root_;  // the root's edges, looked up for every start position
  std::vector<int32_t> values_;     // per node, -1 when no key ends there
  std::vector<uint64_t> slots_;     // ((node << 8 | byte) + 1) << 32 | child; 0 = empty
  size_t mask_ = 0;
  int shift_ = 0;
  size_t edges_ = 0;
};

}  // namespace bitmill::text::detail
