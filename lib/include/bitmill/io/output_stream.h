// Buffered, compressed, atomic output.
//
// `OutputStream::open(path)`: "-" is stdout (written as it goes). Any other path is written to
// "PATH.tmp.<pid>" in the same directory and only commit() makes it appear under its name
// (flush, fsync, rename, fsync of the directory). Destroying an uncommitted stream, an error, or
// a fatal signal (see signal_cleanup.h) removes the temporary file, so a reader never sees a
// half-written output. What SIGKILL leaves, open() removes before it starts: PATH.tmp.<pid>
// files of processes that are gone (stale_temps.h). Compression follows the extension: .gz (gzip level 6) or .zst (zstd
// level 3); plain otherwise.
//
// Thread safety: one thread per stream.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bitmill/base/status.h"
#include "bitmill/io/input_stream.h"

namespace bitmill {

struct OutputOptions {
  // Overrides the extension's choice (e.g. compressed stdout); nullopt = by extension.
  std::optional<Compression> compression;
  int gzip_level = 6;
  int zstd_level = 3;
};

class OutputStream {
 public:
  static Expected<std::unique_ptr<OutputStream>> open(const std::string& path, const OutputOptions& opts = {});

  virtual ~OutputStream() = default;

  virtual Status write(std::string_view bytes) = 0;
  // Writes `line` followed by '\n'.
  Status write_line(std::string_view line) {
    BITMILL_RETURN_IF_ERROR(write(line));
    return write(std::string_view("\n", 1));
  }
  // Overwrites bytes already written at `offset` (e.g. a header whose row count is known only at
  // the end). Only for uncompressed files, not stdout; `offset + bytes.size()` must not pass the
  // end of what was written.
  virtual Status patch(uint64_t offset, std::string_view bytes) = 0;
  // True when patch() works on this stream.
  virtual bool patchable() const = 0;

  // Flushes, completes the archive and syncs the temporary file, without renaming it. A tool with
  // several outputs finishes them all before committing any, so that a late I/O error (disk
  // full) leaves none of them in place.
  virtual Status finish() = 0;
  // finish() if not done yet, then the output appears under its final name.
  virtual Status commit() = 0;

  const std::string& path() const { return path_; }
  uint64_t bytes_written() const { return bytes_; }

 protected:
  explicit OutputStream(std::string path) : path_(std::move(path)) {}
  std::string path_;
  uint64_t bytes_ = 0;
};

// True when two output paths name the same file ("-" twice, "x" and "./x", or a link to it).
bool same_output(const std::string& a, const std::string& b);

// Finishes every output, then commits them in order.
Status commit_all(const std::vector<OutputStream*>& outputs);

}  // namespace bitmill
