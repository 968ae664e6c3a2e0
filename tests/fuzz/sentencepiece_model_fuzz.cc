// sentencepiece.bpe.model (text/tokenizer.h, XLM-R's fairseq layout through libsentencepiece): a
// serialized SentencePiece ModelProto. After a successful load a few texts are tokenized: ids
// below vocab_size(), at most max_length() of them.
#include <string>
#include <vector>

#include "bitmill/text/tokenizer.h"
#include "fuzz_util.h"

using namespace bitmill;

namespace {
constexpr std::string_view kTexts[] = {"A", "Hello, World!", "\xe4\xb8\xad\xe6\x96\x87 caf\xc3\xa9",
                                       "\t\xc2\xa0 \xf0\x9f\x98\x80 <mask>"};
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::write_file("spm/sentencepiece.bpe.model", fuzz::as_view(data, size));
  const std::string dir = fuzz::scratch_dir() + "/spm";
  auto tok = text::load_tokenizer(dir, 16);
  if (!tok) {
    FUZZ_CHECK_NAMES(tok.status().message(), dir);
    return 0;
  }
  std::vector<int32_t> ids;
  for (std::string_view s : kTexts) {
    if (!(*tok)->encode(s, ids)) continue;
    FUZZ_CHECK(ids.size() <= (*tok)->max_length());
    for (int32_t id : ids) FUZZ_CHECK(id >= 0 && static_cast<size_t>(id) < (*tok)->vocab_size());
  }
  return 0;
}
