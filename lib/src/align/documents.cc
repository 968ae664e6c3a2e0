#include "bitmill/align/documents.h"

namespace bitmill::align {

Expected<std::unique_ptr<DocumentReader>> DocumentReader::open(const std::string& path, InvalidUtf8Policy policy) {
  BITMILL_ASSIGN_OR_RETURN(auto lines, LineReader::open(path, policy));
  return std::make_unique<DocumentReader>(std::move(lines), false, policy);
}

Expected<std::unique_ptr<DocumentReader>> DocumentReader::open_list(const std::string& list, InvalidUtf8Policy policy) {
  BITMILL_ASSIGN_OR_RETURN(auto lines, LineReader::open(list, InvalidUtf8Policy::kFail));
  return std::make_unique<DocumentReader>(std::move(lines), true, policy);
}

Expected<bool> DocumentReader::next(Document& doc) {
  doc.sentences.clear();
  doc.lines.clear();
  if (done_) return false;
  Line line;
  if (list_) {
    // The next non-empty entry of the list is the next document, all of its file.
    do {
      BITMILL_ASSIGN_OR_RETURN(const bool got, lines_->next(line));
      if (!got) {
        done_ = true;
        return false;
      }
    } while (line.text.empty());
    source_ = std::string(line.text);
    BITMILL_ASSIGN_OR_RETURN(auto file, LineReader::open(source_, policy_));
    while (true) {
      BITMILL_ASSIGN_OR_RETURN(const bool got, file->next(line));
      if (!got) return true;
      if (line.text.empty()) continue;
      doc.sentences.emplace_back(line.text);
      doc.lines.push_back(line.number - 1);
    }
  }
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
