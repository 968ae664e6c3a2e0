// Hugging Face tokenizer.json (text/tokenizer.h) and the SentencePiece charsmap of its Precompiled
// normalizer (text/precompiled_charsmap.h).
//
// Input byte 0 chooses: 'C' = the rest is a raw charsmap blob; anything else = the whole input is
// tokenizer.json [+ separator + tokenizer_config.json] (fuzz_util.h's split_parts). After a
// successful load, a few texts are normalised or tokenized, and the results must keep the
// contract: valid UTF-8 out of the normalizer; ids below vocab_size(), at most max_length() of them.
#include <string>
#include <vector>

#include "bitmill/text/tokenizer.h"
#include "bitmill/text/utf8.h"
#include "fuzz_util.h"
#include "text/precompiled_charsmap.h"

using namespace bitmill;

namespace {

// ASCII, Latin with combining marks, CJK, an emoji sequence, controls and spaces, RTL text.
constexpr std::string_view kTexts[] = {"A",
                                       "Hello, World!  ",
                                       "e\xcc\x81t\xc3\xa9 na\xc3\xafve \xef\xac\x81",
                                       "\xe4\xb8\xad\xe6\x96\x87 \xe3\x81\x8b\xe3\x81\xaa",
                                       "\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb x\xf0\x9f\x87\xa9\xf0\x9f\x87\xaa",
                                       "\t\r\n \xc2\xa0\xe2\x80\x83z",
                                       "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d \xd8\xb3\xd9\x84\xd8\xa7\xd9\x85",
                                       "<mask> [CLS] <s> x"};

void fuzz_charsmap(std::string_view blob) {
  auto map = text::detail::PrecompiledCharsmap::parse(blob);
  if (!map) return;
  for (std::string_view t : kTexts) {
    std::string out;
    uint32_t origin = 1;
    map->normalize(t, out, &origin);
    FUZZ_CHECK(is_valid_utf8(out));
    if (auto r = map->transform(t)) FUZZ_CHECK(is_valid_utf8(*r));
  }
}

void fuzz_tokenizer_json(std::string_view in) {
  const auto parts = fuzz::split_parts(in, 2);
  fuzz::write_part(parts, 0, "tok/tokenizer.json");
  fuzz::write_part(parts, 1, "tok/tokenizer_config.json");
  if (!parts[0].present || parts[0].bytes == "-") return;  // no tokenizer.json: not this reader
  const std::string dir = fuzz::scratch_dir() + "/tok";
  auto tok = text::load_tokenizer(dir, 24);
  if (!tok) {
    FUZZ_CHECK_NAMES(tok.status().message(), dir);
    return;
  }
  const text::Tokenizer& t = **tok;
  std::vector<int32_t> ids;
  for (std::string_view s : kTexts) {
    for (const bool plain : {false, true}) {
      const Status st = plain ? t.encode_plain(s, ids) : t.encode(s, ids);
      if (!st) continue;
      if (!plain) FUZZ_CHECK(ids.size() <= t.max_length());
      for (int32_t id : ids) FUZZ_CHECK(id >= 0 && static_cast<size_t>(id) < t.vocab_size());
    }
  }
  FUZZ_CHECK(t.pad_id() >= 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in = fuzz::as_view(data, size);
  if (!in.empty() && in[0] == 'C') {
    fuzz_charsmap(in.substr(1));
  } else {
    fuzz_tokenizer_json(in);
  }
  return 0;
}
