// A read-only memory map of a whole file (RAII: unmapped and closed on destruction).
//
// Thread safety: the mapping is immutable; share it freely once opened.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "bitmill/base/status.h"

namespace bitmill {

class MappedFile {
 public:
  // Errors: not found, is a directory, mmap failure, all naming `path`. An empty file maps to
  // size() == 0 and data() == nullptr.
  static Expected<MappedFile> open(const std::string& path);

  MappedFile() = default;
  MappedFile(MappedFile&& o) noexcept;
  MappedFile& operator=(MappedFile&& o) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  const std::byte* data() const { return data_; }
  size_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  void reset();

  std::string path_;
  const std::byte* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace bitmill
