// Line-by-line reading of one input (see input_stream.h for files, stdin and compression).
//
// Lines are split at '\n' only; the '\n' is not part of the line, a '\r' before it is. A final
// line without '\n' is still a line. Every line is checked to be UTF-8 and handled as the
// InvalidUtf8Policy says; the error names file and 1-based line: "a.txt:3: invalid UTF-8 at byte 7".
// Memory is bounded by the longest line (at most 256 MiB, a longer one is an error).
//
// Thread safety: one thread per reader.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bitmill/base/status.h"
#include "bitmill/io/input_stream.h"
#include "bitmill/text/utf8.h"
#include "bitmill/util/shard.h"

namespace bitmill {

struct Line {
  std::string_view text;  // without the '\n'; valid until the next call to next()
  uint64_t number = 0;    // 1-based physical line number in its input
};

class LineReader {
 public:
  static constexpr size_t kMaxLineBytes = size_t{256} << 20;

  static Expected<std::unique_ptr<LineReader>> open(const std::string& path, InvalidUtf8Policy policy);
  LineReader(std::unique_ptr<InputStream> in, InvalidUtf8Policy policy);

  // Reads the next line; false at end of input.
  Expected<bool> next(Line& line);

  // Restricts next() to the lines of a line shard: line k (1-based) of this input is returned
  // when shard.contains(ordinal_base + k - 1). Lines outside the shard are passed over without
  // UTF-8 checks, so each shard reports (or skips) only its own invalid lines.
  void restrict_to(const Shard& shard, uint64_t ordinal_base) {
    shard_ = shard;
    ordinal_base_ = ordinal_base;
  }

  const std::string& name() const { return in_->name(); }
  const InputStream& stream() const { return *in_; }
  uint64_t lines_read() const { return number_; }  // physical lines, skipped ones included
  uint64_t lines_skipped() const { return skipped_; }
  uint64_t lines_replaced() const { return replaced_; }

 private:
  Status fill();

  std::unique_ptr<InputStream> in_;
  InvalidUtf8Policy policy_;
  std::vector<char> buf_;
  size_t pos_ = 0;
  size_t end_ = 0;
  size_t scan_ = 0;  // bytes after pos_ already known to hold no '\n'
  bool eof_ = false;
  uint64_t number_ = 0;
  uint64_t skipped_ = 0;
  uint64_t replaced_ = 0;
  Shard shard_;
  uint64_t ordinal_base_ = 0;
  std::string scratch_;
};

}  // namespace bitmill
