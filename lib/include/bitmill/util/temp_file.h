// Anonymous temporary files for spilling: opened with O_TMPFILE in a directory, so they never
// have a name and vanish when the descriptor is closed or the process dies, by any cause, SIGKILL
// included. On a file system without O_TMPFILE, a bitmill-spill-XXXXXX file is created and
// unlinked at once (a signal in between, microseconds, would leave that name).
//
// Thread safety: one thread per file.
#pragma once

#include <cstdint>
#include <string>

#include "bitmill/base/status.h"

namespace bitmill {

class TempFile {
 public:
  // `dir` empty means $TMPDIR, else /tmp.
  static Expected<TempFile> create(const std::string& dir);

  TempFile() = default;
  TempFile(TempFile&& o) noexcept : fd_(o.fd_), size_(o.size_) { o.fd_ = -1; }
  TempFile& operator=(TempFile&& o) noexcept;
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile();

  // Appends bytes at the end.
  Status append(const void* data, size_t n);
  // Reads up to n bytes at `offset`; returns the count (0 at end).
  Expected<size_t> read_at(void* data, size_t n, uint64_t offset) const;

  int fd() const { return fd_; }
  uint64_t size() const { return size_; }

  static std::string default_dir();

 private:
  int fd_ = -1;
  uint64_t size_ = 0;
};

}  // namespace bitmill
