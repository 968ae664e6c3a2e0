// Documents of a sentence-per-line file, as bitmill-align reads them: each empty line ends the
// current document (so two empty lines in a row make an empty document between them), and the
// end of the input ends the last one unless it is empty. Lines are read through LineReader
// (plain, .gz, .zst, or '-' for stdin; its UTF-8 policy and errors).
//
// Thread safety: one thread per reader.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bitmill/base/status.h"
#include "bitmill/io/line_reader.h"

namespace bitmill::align {

struct Document {
  std::vector<std::string> sentences;
  std::vector<uint64_t> lines;  // 0-based line number of each sentence in its file
};

class DocumentReader {
 public:
  static Expected<std::unique_ptr<DocumentReader>> open(const std::string& path, InvalidUtf8Policy policy);
  explicit DocumentReader(std::unique_ptr<LineReader> lines) : lines_(std::move(lines)) {}

  // The next document; false at the end of the input.
  Expected<bool> next(Document& doc);
  const std::string& name() const { return lines_->name(); }

 private:
  std::unique_ptr<LineReader> lines_;
  bool done_ = false;
};

}  // namespace bitmill::align
