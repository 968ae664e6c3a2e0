// FAISS reports training conditions by printing to the process's stderr (k-means "WARNING
// clustering N points to K centroids", once per sub-quantizer: 65 lines for IVF4096,PQ64 on a
// few thousand rows), past the tool's -q and its one-line-per-message log. StderrCapture
// redirects file descriptor 2 into a temporary file for its lifetime, so the tool can say what
// FAISS said once, as its own warning.
//
// The redirection is process-wide: construct it only around a single-threaded call whose output
// is the library's (the tool logs nothing meanwhile). If the redirection cannot be set up, the
// capture is a no-op and FAISS prints as before.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace bitmill::index {

class StderrCapture {
 public:
  StderrCapture();
  ~StderrCapture();  // restores stderr (if finish() was not called)
  StderrCapture(const StderrCapture&) = delete;
  StderrCapture& operator=(const StderrCapture&) = delete;

  // Restores stderr and returns what was written meanwhile, one entry per distinct line in order
  // of first appearance, with " (xN)" appended when the line came N > 1 times.
  std::vector<std::string> finish();

 private:
  void restore();

  std::FILE* file_ = nullptr;
  int saved_fd_ = -1;
};

}  // namespace bitmill::index
