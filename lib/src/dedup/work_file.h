// The files of a sharded near-dedup work directory (near_work.h): one container format, a
// checksummed header and up to kWorkSections byte sections. Private to lib/src/dedup.
//
// Layout, little-endian:
//   magic (8 bytes, one per file kind), version, kWorkFields u64 fields (the kind's meaning),
//   for each of kWorkSections sections its offset and size, an XXH3-64 of the payload (everything
//   after the header), an XXH3-64 of the header before it.
//   sections, each starting at a multiple of 8 bytes.
// Files are written under a temporary name and renamed when complete (io/output_stream.h), so a
// file under its final name is whole; open() still checks both checksums and the size, so a file
// damaged since (or forged) is a data error naming it, never a crash.
//
// Thread safety: a writer is one thread's; an opened WorkFile is immutable.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "bitmill/base/status.h"
#include "bitmill/io/output_stream.h"
#include "bitmill/util/mapped_file.h"
#include "bitmill/util/temp_file.h"

namespace bitmill::dedup::detail {

inline constexpr size_t kWorkFields = 16;
inline constexpr size_t kWorkSections = 8;
inline constexpr size_t kWorkHeaderBytes = 8 + 8 + kWorkFields * 8 + kWorkSections * 16 + 8 + 8;

using WorkFields = std::array<uint64_t, kWorkFields>;

class WorkFileWriter {
 public:
  // Opens `path` for writing (a temporary name until commit()). `magic` is 8 characters.
  static Expected<std::unique_ptr<WorkFileWriter>> open(const std::string& path, std::string_view magic,
                                                        uint64_t version);
  ~WorkFileWriter();

  // Starts section `i` (sections in order, each once) at the next multiple of 8.
  Status begin_section(size_t i);
  Status write(const void* data, size_t n);
  // Appends the whole of `f`.
  Status copy_from(const TempFile& f);
  // Writes the header with `fields` and the checksums and syncs the file, still under its
  // temporary name; commit() then renames it into place.
  Status finish(const WorkFields& fields);
  Status commit();
  // finish() and commit().
  Status commit(const WorkFields& fields);

 private:
  struct Impl;
  explicit WorkFileWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

class WorkFile {
 public:
  // Maps `path` and checks magic ("not a FILE_KIND file"), version, header checksum, sections
  // inside the file, size, and the payload checksum. `kind` names the file kind in errors.
  static Expected<WorkFile> open(const std::string& path, std::string_view magic, uint64_t version,
                                 std::string_view kind);

  uint64_t field(size_t i) const { return fields_[i]; }
  std::string_view section(size_t i) const { return sections_[i]; }
  // Section `i` as an array of T (its size must be a multiple of sizeof(T): checked by open()
  // callers through expect_array()).
  template <typename T>
  const T* array(size_t i) const {
    return reinterpret_cast<const T*>(sections_[i].data());
  }
  // Data error naming the file unless section `i` holds exactly `count` elements of `elem_bytes`
  // (checked by division: a forged count cannot wrap around).
  Status expect_array(size_t i, uint64_t count, uint64_t elem_bytes, std::string_view what) const;
  const std::string& path() const { return file_.path(); }

 private:
  MappedFile file_;
  WorkFields fields_{};
  std::array<std::string_view, kWorkSections> sections_{};
};

}  // namespace bitmill::dedup::detail
