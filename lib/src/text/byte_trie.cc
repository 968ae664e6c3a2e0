#include "text/byte_trie.h"

#include <bit>

namespace bitmill::text::detail {

ByteTrie::ByteTrie() : values_{-1}, slots_(1024), mask_(1023), shift_(64 - 10) { root_.fill(kNone); }

void ByteTrie::put_edge(uint32_t node, uint8_t byte, uint32_t child) {
  if (node == 0) {
    root_[byte] = child;
    return;
  }
  if ((edges_ + 1) * 2 > slots_.size()) grow();
  const uint64_t key = (static_cast<uint64_t>(node) << 8 | byte) + 1;
  size_t i = slot_of(key);
  while (slots_[i] != 0) i = (i + 1) & mask_;
  slots_[i] = key << 32 | child;
  ++edges_;
}

void ByteTrie::grow() {
  std::vector<uint64_t> old;
  old.swap(slots_);
  slots_.assign(old.size() * 2, 0);
  mask_ = slots_.size() - 1;
  shift_ = 64 - std::countr_zero(slots_.size());
  for (uint64_t s : old) {
    if (s == 0) continue;
    size_t i = slot_of(s >> 32);
    while (slots_[i] != 0) i = (i + 1) & mask_;
    slots_[i] = s;
  }
}

bool ByteTrie::insert(std::string_view key, int32_t value) {
  if (key.empty() || value < 0) return false;
  uint32_t node = 0;
  for (char ch : key) {
    const auto byte = static_cast<uint8_t>(ch);
    uint32_t next = child(node, byte);
    if (next == kNone) {
      if (values_.size() >= kMaxNodes) return false;
      next = static_cast<uint32_t>(values_.size());
      values_.push_back(-1);
      put_edge(node, byte, next);
    }
    node = next;
  }
  values_[node] = value;
  return true;
}

int32_t ByteTrie::find(std::string_view key) const {
  if (key.empty()) return -1;
  uint32_t node = 0;
  for (char ch : key) {
    node = child(node, static_cast<uint8_t>(ch));
    if (node == kNone) return -1;
  }
  return values_[node];
}

size_t ByteTrie::longest_prefix(std::string_view text, int32_t& value) const {
  size_t best = 0;
  for_each_prefix(text, [&](size_t len, int32_t v) {
    best = len;
    value = v;
  });
  return best;
}

}  // namespace bitmill::text::detail
