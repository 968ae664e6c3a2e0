// sentencepiece.bpe.model (text/tokenizer.h, XLM-R's fairseq layout through libsentencepiece): a
// serialized SentencePiece ModelProto. After a successful load a few texts are tokenized: ids
// below vocab_size(), at most max_length() of them.
#include <string>
#include <vector>

#include "fuzz_util.h"
#include "tokenizer_check.h"

using namespace bitmill;

namespace {
constexpr std::string_view kTexts[] = {"A", "Hello, World!", "\xe4\xb8\xad\xe6\x96\x87 caf\xc3\xa9",
                                       "\t\xc2\xa0 \xf0\x9f\x98\x80 <mask>"};
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::write_file("spm/sentencepiece.bpe.model", fuzz::as_view(data, size));
  const std::string dir = fuzz::scratch_dir() + "/spm";
  fuzz::check_tokenizer(dir, 16, kTexts);
  return 0;
}
