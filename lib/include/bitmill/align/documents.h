// Documents as bitmill-align reads them, from one of two layouts:
//  - a sentence-per-line file in which each empty line ends the current document (so two empty
//    lines in a row make an empty document between them), and the end of the input ends the last
//    one unless it is empty; line numbers are the file's;
//  - a list file naming one document file per line (--src-docs): each document is a whole file,
//    one sentence per line (empty lines are skipped); line numbers are its own file's, and
//    source() names the file.
// Lines are read through LineReader (plain, .gz, .zst, or '-' for stdin; its UTF-8 policy and
// errors).
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
  // A list of document files, one path per line (relative paths from the current directory).
  static Expected<std::unique_ptr<DocumentReader>> open_list(const std::string& list, InvalidUtf8Policy policy);
  DocumentReader(std::unique_ptr<LineReader> lines, bool list, InvalidUtf8Policy policy)
      : lines_(std::move(lines)), list_(list), policy_(policy) {}

  // The next document; false at the end of the input.
  Expected<bool> next(Document& doc);
  const std::string& name() const { return lines_->name(); }
  // The file the last document came from (a list's entry; else name()).
  const std::string& source() const { return list_ ? source_ : lines_->name(); }

 private:
  std::unique_ptr<LineReader> lines_;
  bool list_ = false;
  InvalidUtf8Policy policy_;
  std::string source_;
  bool done_ = false;
};

}  // namespace bitmill::align
