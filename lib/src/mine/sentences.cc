#include "bitmill/mine/sentences.h"

#include <unordered_set>

#include "bitmill/io/input_set.h"

namespace bitmill::mine {

Expected<Sentences> Sentences::load(const std::string& path, InvalidUtf8Policy utf8) {
  Sentences s;
  s.path_ = path;
  InputSetOptions opts;
  opts.invalid_utf8 = utf8;
  BITMILL_ASSIGN_OR_RETURN(auto in, InputSet::open({path}, opts));
  LineBlock block;
  for (;;) {
    BITMILL_ASSIGN_OR_RETURN(bool more, in->next_block(block));
    if (!more) break;
    for (size_t i = 0; i < block.size(); ++i) {
      // The text goes into TSV fields: a CRLF line's \r would end up inside one.
      std::string_view line = block.line(i);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      s.data_.append(line);
      s.ends_.push_back(s.data_.size());
    }
  }
  return s;
}

std::vector<int64_t> Sentences::first_occurrences() const {
  std::vector<int64_t> first;
  std::unordered_set<std::string_view> seen;
  seen.reserve(size());
  for (size_t i = 0; i < size(); ++i) {
    if (seen.insert(line(i)).second) first.push_back(static_cast<int64_t>(i));
  }
  return first;
}

}  // namespace bitmill::mine
