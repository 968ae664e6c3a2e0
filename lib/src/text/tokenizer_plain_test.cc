#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "bitmill/text/tokenizer.h"

namespace bitmill::text {
namespace {

// encode_plain() is encode() without the special tokens: encode(text) must equal
// specials_before + encode_plain(text) + specials_after, where the specials are those of the
// empty text (encode() itself is checked against Hugging Face tokenizers in tokenizer_test.cc).
TEST_CASE("encode_plain is encode without special tokens, for every fixture tokenizer") {
  const std::string root = std::string(BITMILL_SOURCE_DIR) + "/tests/fixtures/tokenizers/";
  const std::vector<std::string> texts = {"",        "Hello, world!",           "Grüße aus Köln.", "日本語のテキスト",
                                          "a  b\tc", "Tom can't abide veggies."};
  for (const char* name : {"wordpiece_uncased", "wordpiece_cased", "unigram_xlmr", "unigram_plain", "xlmr_spm"}) {
    CAPTURE(name);
    auto tok = load_tokenizer(root + name, 4096);
    REQUIRE(tok.has_value());
    std::vector<int32_t> specials, full, plain;
    REQUIRE((*tok)->encode("", specials).is_ok());
    REQUIRE(specials.size() == 2);  // [CLS] [SEP] or <s> </s> in all of these
    for (const auto& t : texts) {
      CAPTURE(t);
      REQUIRE((*tok)->encode(t, full).is_ok());
      REQUIRE((*tok)->encode_plain(t, plain).is_ok());
      std::vector<int32_t> expected{specials[0]};
      expected.insert(expected.end(), plain.begin(), plain.end());
      expected.push_back(specials[1]);
      CHECK(full == expected);
    }
    CHECK((*tok)->encode_plain("\xff", plain).code() == StatusCode::kDataError);
  }
}

}  // namespace
}  // namespace bitmill::text
