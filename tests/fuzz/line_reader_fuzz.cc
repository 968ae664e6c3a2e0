// LineReader and InputSet (io/line_reader.h, io/input_set.h) over a file of arbitrary bytes:
// plain, gzip or zstd by content (the magic bytes), with an invalid-UTF-8 policy and a line shard
// chosen by the first input byte. The contract: an error naming the file, or lines that are valid
// UTF-8, hold no '\n' and are numbered in order; InputSet hands out the same lines.
#include <memory>
#include <string>
#include <vector>

#include "bitmill/io/input_set.h"
#include "bitmill/io/line_reader.h"
#include "bitmill/text/utf8.h"
#include "fuzz_util.h"

using namespace bitmill;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const InvalidUtf8Policy policy = static_cast<InvalidUtf8Policy>(data[0] % 3);
  const uint64_t bits = data[0];
  const Shard shard{(bits >> 2) % 2, (bits >> 3) % 2 + 1};
  const std::string path = fuzz::write_file("lines", fuzz::as_view(data + 1, size - 1));

  auto reader = LineReader::open(path, policy);
  FUZZ_CHECK(reader.has_value());
  (*reader)->restrict_to(shard, 0);
  std::vector<std::string> lines;
  Line line;
  uint64_t last = 0;
  bool failed = false;
  for (;;) {
    auto more = (*reader)->next(line);
    if (!more) {
      FUZZ_CHECK_NAMES(more.status().message(), path);
      failed = true;
      break;
    }
    if (!*more) break;
    FUZZ_CHECK(line.number > last);
    last = line.number;
    FUZZ_CHECK(is_valid_utf8(line.text));
    FUZZ_CHECK(line.text.find('\n') == std::string_view::npos);
    lines.emplace_back(line.text);
  }

  InputSetOptions opts;
  opts.invalid_utf8 = policy;
  opts.shard = shard;
  opts.block_bytes = 64;
  auto set = InputSet::open({path}, opts);
  FUZZ_CHECK(set.has_value());
  LineBlock block;
  size_t n = 0;
  for (;;) {
    auto more = (*set)->next_block(block);
    if (!more) {
      FUZZ_CHECK(failed);
      return 0;
    }
    if (!*more) break;
    for (size_t i = 0; i < block.size(); ++i, ++n) {
      FUZZ_CHECK(n < lines.size());
      FUZZ_CHECK(block.line(i) == lines[n]);
    }
  }
  FUZZ_CHECK(!failed && n == lines.size());
  return 0;
}
