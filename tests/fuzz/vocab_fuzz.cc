// BERT vocab.txt with tokenizer_config.json (text/tokenizer.h, the third kind of tokenizer): the
// input is vocab.txt [+ separator + tokenizer_config.json]. After a successful load a few texts
// are tokenized: ids below vocab_size(), at most max_length() of them.
#include <string>
#include <vector>

#include "fuzz_util.h"
#include "tokenizer_check.h"

using namespace bitmill;

namespace {
constexpr std::string_view kTexts[] = {"A", "Hello, World!", "unaffable [MASK] [UNK]x",
                                       "\xe4\xb8\xad\xe6\x96\x87 caf\xc3\xa9 \xc3\x85ngstr\xc3\xb6m",
                                       "\t\xc2\xa0 \xf0\x9f\x98\x80 ##ing"};
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto parts = fuzz::split_parts(fuzz::as_view(data, size), 2);
  fuzz::write_part(parts, 0, "vocab/vocab.txt");
  fuzz::write_part(parts, 1, "vocab/tokenizer_config.json");
  if (!parts[0].present || parts[0].bytes == "-") return 0;
  const std::string dir = fuzz::scratch_dir() + "/vocab";
  fuzz::check_tokenizer(dir, 16, kTexts);
  return 0;
}
