#include "index/stderr_capture.h"

#include <unistd.h>

#include <map>

namespace bitmill::index {

StderrCapture::StderrCapture() {
  std::fflush(stderr);
  file_ = std::tmpfile();
  if (file_ == nullptr) return;
  saved_fd_ = ::dup(STDERR_FILENO);
  if (saved_fd_ < 0 || ::dup2(::fileno(file_), STDERR_FILENO) < 0) {
    if (saved_fd_ >= 0) ::close(saved_fd_);
    saved_fd_ = -1;
    std::fclose(file_);
    file_ = nullptr;
  }
}

StderrCapture::~StderrCapture() {
  restore();
  if (file_ != nullptr) std::fclose(file_);
}

void StderrCapture::restore() {
  if (saved_fd_ < 0) return;
  std::fflush(stderr);
  ::dup2(saved_fd_, STDERR_FILENO);
  ::close(saved_fd_);
  saved_fd_ = -1;
}

std::vector<std::string> StderrCapture::finish() {
  restore();
  std::vector<std::string> lines;
  if (file_ == nullptr) return lines;
  std::rewind(file_);
  std::map<std::string, size_t> seen;  // line -> its index in `lines`
  std::vector<size_t> counts;
  std::string line;
  for (int c = std::fgetc(file_);; c = std::fgetc(file_)) {
    if (c != EOF && c != '\n') {
      line.push_back(static_cast<char>(c));
      continue;
    }
    if (!line.empty()) {
      auto [it, added] = seen.emplace(line, lines.size());
      if (added) {
        lines.push_back(line);
        counts.push_back(0);
      }
      ++counts[it->second];
    }
    line.clear();
    if (c == EOF) break;
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    if (counts[i] > 1) lines[i] += " (x" + std::to_string(counts[i]) + ")";
  }
  return lines;
}

}  // namespace bitmill::index
