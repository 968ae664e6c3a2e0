// The inputs of a tool, read in order as blocks of lines, with sharding applied.
//
// An InputSet takes the positional inputs (none means stdin), checks up front that every file can
// be opened (so a typo fails before any work), applies `--shard` (by line or by file, see shard.h)
// and hands out LineBlocks of about `block_bytes`, each from a single input. Blocks are the unit
// of parallel work: a reading stage fills them in order, workers process them, and a writing stage
// consumes them in order.
//
// Thread safety: one thread calls next_block(); filled blocks may be read from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bitmill/base/status.h"
#include "bitmill/io/line_reader.h"
#include "bitmill/util/shard.h"

namespace bitmill {

// Complete lines of one input, each stored with its '\n' in `data`.
struct LineBlock {
  std::string data;
  std::vector<uint32_t> ends;     // ends[i]: offset just past the '\n' of line i
  std::vector<uint64_t> numbers;  // numbers[i]: 1-based line number of line i in its input
  uint32_t input = 0;             // index into InputSet::names()
  uint64_t first_ordinal = 0;     // 0-based position of line 0 among all lines handed out so far

  size_t size() const { return ends.size(); }
  size_t begin_of(size_t i) const { return i == 0 ? 0 : ends[i - 1]; }
  std::string_view line(size_t i) const {
    const size_t b = begin_of(i);
    return std::string_view(data).substr(b, ends[i] - b - 1);
  }
  // Lines [i, j) with their newlines, as stored.
  std::string_view span(size_t i, size_t j) const {
    const size_t b = begin_of(i);
    return std::string_view(data).substr(b, (j == i ? b : ends[j - 1]) - b);
  }
  void clear() {
    data.clear();
    ends.clear();
    numbers.clear();
  }
};

struct InputSetOptions {
  InvalidUtf8Policy invalid_utf8 = InvalidUtf8Policy::kFail;
  Shard shard;
  ShardBy shard_by = ShardBy::kLine;
  size_t block_bytes = 1 << 20;
};

class InputSet {
 public:
  // `paths` empty means {"-"}. Fails if a file cannot be opened for reading.
  static Expected<std::unique_ptr<InputSet>> open(std::vector<std::string> paths, const InputSetOptions& opts);

  // Fills `block` (cleared first) with the next lines; false when every input is done.
  Expected<bool> next_block(LineBlock& block);

  // The inputs this shard reads, in order.
  const std::vector<std::string>& names() const { return names_; }
  // Compressed-side bytes consumed so far, and the total when every input is a regular file.
  uint64_t raw_bytes_read() const;
  std::optional<uint64_t> raw_bytes_total() const { return total_; }

  uint64_t lines_read() const;  // physical lines read, in and out of the shard
  uint64_t lines_selected() const { return selected_; }
  uint64_t lines_skipped() const;   // dropped as invalid UTF-8
  uint64_t lines_replaced() const;  // repaired invalid UTF-8

 private:
  InputSet(std::vector<std::string> names, const InputSetOptions& opts, std::optional<uint64_t> total);

  std::vector<std::string> names_;
  InputSetOptions opts_;
  std::optional<uint64_t> total_;
  std::unique_ptr<LineReader> reader_;
  size_t next_input_ = 0;  // index of the input to open next
  uint32_t current_ = 0;
  uint64_t ordinal_base_ = 0;  // physical lines in finished inputs
  uint64_t done_raw_ = 0, done_lines_ = 0, done_skipped_ = 0, done_replaced_ = 0;
  uint64_t selected_ = 0;
};

}  // namespace bitmill
