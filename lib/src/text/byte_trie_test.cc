#include "text/byte_trie.h"

#include <doctest/doctest.h>

#include <map>
#include <random>
#include <string>

namespace bitmill::text::detail {
namespace {

// Reference: a std::map holding the same keys, searched by brute force.
TEST_CASE("ByteTrie agrees with a brute-force search over a std::map") {
  std::mt19937 rng(7);
  // A small alphabet (with a byte above 0x7F) so that keys share prefixes and texts hit them.
  const std::string alphabet = "ab\xC3\xA9z";
  auto random_string = [&](size_t max_len) {
    std::string s(1 + rng() % max_len, ' ');
    for (char& c : s) c = alphabet[rng() % alphabet.size()];
    return s;
  };
  ByteTrie trie;
  std::map<std::string, int32_t> ref;
  for (int32_t i = 0; i < 3000; ++i) {  // enough edges to make the table grow several times
    const std::string k = random_string(8);
    REQUIRE(trie.insert(k, i));
    ref[k] = i;  // a repeated key keeps the later value
  }
  for (int round = 0; round < 2000; ++round) {
    const std::string text = random_string(12);
    std::vector<std::pair<size_t, int32_t>> want, got;
    for (size_t len = 1; len <= text.size(); ++len) {
      auto it = ref.find(text.substr(0, len));
      if (it != ref.end()) want.emplace_back(len, it->second);
    }
    trie.for_each_prefix(text, [&](size_t len, int32_t v) { got.emplace_back(len, v); });
    CHECK(got == want);
    int32_t v = -1;
    const size_t len = trie.longest_prefix(text, v);
    if (want.empty()) {
      CHECK(len == 0);
    } else {
      CHECK(len == want.back().first);
      CHECK(v == want.back().second);
    }
    auto it = ref.find(text);
    CHECK(trie.find(text) == (it == ref.end() ? -1 : it->second));
  }
  CHECK(trie.find("") == -1);
  CHECK_FALSE(trie.insert("", 1));
}

}  // namespace
}  // namespace bitmill::text::detail
