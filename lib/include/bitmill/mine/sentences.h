// The sentences of one side of a mining job: every line of a text file (.txt, .gz, .zst or '-',
// without the \r of a CRLF line),
// held in one arena, with the option to unify duplicates (LASER's --unify: mine each distinct
// sentence once, through the embedding row of its first occurrence).
//
// Thread safety: immutable after load(); read from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bitmill/base/status.h"
#include "bitmill/text/utf8.h"

namespace bitmill::mine {

class Sentences {
 public:
  // Reads every line of `path`. Invalid UTF-8 is an error naming the file and line, unless the
  // policy skips the line (the caller then sees fewer lines than embedding rows) or repairs it.
  static Expected<Sentences> load(const std::string& path, InvalidUtf8Policy utf8 = InvalidUtf8Policy::kFail);

  size_t size() const { return ends_.size(); }
  std::string_view line(size_t i) const {
    const size_t b = i == 0 ? 0 : ends_[i - 1];
    return std::string_view(data_).substr(b, ends_[i] - b);
  }
  const std::string& path() const { return path_; }

  // The 0-based line numbers of the first occurrence of each distinct line, in order.
  std::vector<int64_t> first_occurrences() const;

 private:
  std::string path_;
  std::string data_;  // lines without their newlines, back to back
  std::vector<uint64_t> ends_;
};

}  // namespace bitmill::mine
