// A decompressed byte stream from a file or stdin.
//
// `open_input(path)`: "-" is stdin. Compression is chosen by magic bytes (gzip 1F 8B, zstd
// 28 B5 2F FD), so compressed stdin works too; a name ending in .gz or .zst whose bytes are not
// that format is an error, as is an archive that ends early (truncated) or is corrupt.
// Concatenated gzip members and zstd frames are read as one stream, as gzip -d and zstd -d do.
//
// Thread safety: one thread per stream.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "bitmill/base/status.h"

namespace bitmill {

enum class Compression { kNone, kGzip, kZstd };

// Compression named by a path's extension (.gz, .zst); kNone otherwise and for "-".
Compression compression_from_extension(const std::string& path);

class InputStream {
 public:
  virtual ~InputStream() = default;

  // Reads up to `n` decompressed bytes into `buf`; 0 means end of stream.
  // Errors name the file: "data.txt.gz: truncated gzip stream (unexpected end of file)".
  virtual Expected<size_t> read(char* buf, size_t n) = 0;

  // The name used in messages ("<stdin>" for "-").
  virtual const std::string& name() const = 0;
  // Bytes consumed from the file itself (compressed bytes for archives), for progress.
  virtual uint64_t raw_bytes_read() const = 0;
  // Size of the file on disk when it is a regular file.
  virtual std::optional<uint64_t> raw_size() const = 0;
  virtual Compression compression() const = 0;
};

Expected<std::unique_ptr<InputStream>> open_input(const std::string& path);

// Wraps an already open descriptor (not closed by the stream), e.g. a spill file. Not decompressed.
std::unique_ptr<InputStream> input_from_fd(int fd, std::string name);

}  // namespace bitmill
