// The contract every tokenizer target checks after handing a model directory to load_tokenizer:
// an error naming the directory, or a tokenizer whose ids for `texts` lie below vocab_size(), at
// most max_length() of them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "bitmill/text/tokenizer.h"
#include "fuzz_util.h"

namespace bitmill::fuzz {

template <size_t N>
void check_tokenizer(const std::string& dir, size_t max_length, const std::string_view (&texts)[N]) {
  auto tok = text::load_tokenizer(dir, max_length);
  if (!tok) {
    FUZZ_CHECK_NAMES(tok.status().message(), dir);
    return;
  }
  std::vector<int32_t> ids;
  for (std::string_view s : texts) {
    if (!(*tok)->encode(s, ids)) continue;
    FUZZ_CHECK(ids.size() <= (*tok)->max_length());
    for (int32_t id : ids) FUZZ_CHECK(id >= 0 && static_cast<size_t>(id) < (*tok)->vocab_size());
  }
}

}  // namespace bitmill::fuzz
