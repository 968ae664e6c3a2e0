#include "bitmill/align/documents.h"

namespace bitmill::align {

Expected<std::unique_ptr<DocumentReader>> DocumentReader::open(const std::string& path, InvalidUtf8Policy policy) {
  BITMILL_ASSIGN_OR_RETURN(auto lines, LineReader::open(path, policy));
  return std::make_unique<DocumentReader>(std::move(lines));
}

Expected<bool> DocumentReader::next(Document& doc) {
  doc.sentences.clear();
  doc.lines.clear();
  if (done_) return false;
  Line line;
  while (true) {
    BITMILL_ASSIGN_OR_RETURN(const bool got, lines_->next(line));
    if (!got) {
      done_ = true;
      return !doc.sentences.empty();
    }
    if (line.text.empty()) return true;
    doc.sentences.emplace_back(line.text);
    doc.lines.push_back(line.number - 1);
  }
}

}  // namespace bitmill::align
