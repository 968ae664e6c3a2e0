#include "dedup/work_file.h"

#include <fmt/format.h>
#include <xxhash.h>

#include <bit>
#include <cstring>
#include <vector>

#include "bitmill/util/hash.h"

namespace bitmill::dedup::detail {
namespace {

static_assert(std::endian::native == std::endian::little, "work files are little-endian");

constexpr size_t kFieldsAt = 16;
constexpr size_t kSectionsAt = kFieldsAt + kWorkFields * 8;
constexpr size_t kPayloadHashAt = kSectionsAt + kWorkSections * 16;
constexpr size_t kHeaderHashAt = kPayloadHashAt + 8;

void put_u64(std::string& b, size_t at, uint64_t v) { std::memcpy(b.data() + at, &v, 8); }
uint64_t get_u64(const std::byte* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

}  // namespace

struct WorkFileWriter::Impl {
  std::unique_ptr<OutputStream> out;
  std::string magic;
  uint64_t version = 0;
  std::unique_ptr<XXH3_state_t, decltype(&XXH3_freeState)> hash{XXH3_createState(), &XXH3_freeState};
  uint64_t pos = kWorkHeaderBytes;
  size_t next_section = 0;
  std::array<std::pair<uint64_t, uint64_t>, kWorkSections> sections{};

  Status write(const void* p, size_t n) {
    if (n == 0) return Status::ok();
    XXH3_64bits_update(hash.get(), p, n);
    BITMILL_RETURN_IF_ERROR(out->write(std::string_view(static_cast<const char*>(p), n)));
    pos += n;
    if (next_section > 0) sections[next_section - 1].second += n;
    return Status::ok();
  }
};

WorkFileWriter::WorkFileWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
WorkFileWriter::~WorkFileWriter() = default;

Expected<std::unique_ptr<WorkFileWriter>> WorkFileWriter::open(const std::string& path, std::string_view magic,
                                                               uint64_t version) {
  auto impl = std::make_unique<Impl>();
  BITMILL_ASSIGN_OR_RETURN(impl->out, OutputStream::open(path, OutputOptions{Compression::kNone}));
  impl->magic = std::string(magic);
  impl->version = version;
  XXH3_64bits_reset(impl->hash.get());
  BITMILL_RETURN_IF_ERROR(impl->out->write(std::string(kWorkHeaderBytes, '\0')));
  return std::unique_ptr<WorkFileWriter>(new WorkFileWriter(std::move(impl)));
}

Status WorkFileWriter::begin_section(size_t i) {
  Impl& m = *impl_;
  if (i != m.next_section || i >= kWorkSections) return internal_error("work file sections out of order");
  static const char kZeros[8] = {};
  const size_t pad = (8 - m.pos % 8) % 8;
  const size_t saved = m.next_section;
  m.next_section = 0;  // padding belongs to no section
  BITMILL_RETURN_IF_ERROR(m.write(kZeros, pad));
  m.next_section = saved + 1;
  m.sections[i] = {m.pos, 0};
  return Status::ok();
}

Status WorkFileWriter::write(const void* data, size_t n) { return impl_->write(data, n); }

Status WorkFileWriter::copy_from(const TempFile& f) {
  std::vector<char> buf(size_t{1} << 20);
  for (uint64_t off = 0; off < f.size();) {
    const size_t want = static_cast<size_t>(std::min<uint64_t>(buf.size(), f.size() - off));
    BITMILL_ASSIGN_OR_RETURN(size_t got, f.read_at(buf.data(), want, off));
    if (got != want) return io_error("a spill file came back short");
    BITMILL_RETURN_IF_ERROR(write(buf.data(), got));
    off += got;
  }
  return Status::ok();
}

Status WorkFileWriter::commit(const WorkFields& fields) {
  BITMILL_RETURN_IF_ERROR(finish(fields));
  return commit();
}

Status WorkFileWriter::commit() { return impl_->out->commit(); }

Status WorkFileWriter::finish(const WorkFields& fields) {
  Impl& m = *impl_;
  std::string h(kWorkHeaderBytes, '\0');
  std::memcpy(h.data(), m.magic.data(), std::min<size_t>(8, m.magic.size()));
  put_u64(h, 8, m.version);
  for (size_t i = 0; i < kWorkFields; ++i) put_u64(h, kFieldsAt + 8 * i, fields[i]);
  for (size_t i = 0; i < kWorkSections; ++i) {
    put_u64(h, kSectionsAt + 16 * i, m.sections[i].first);
    put_u64(h, kSectionsAt + 16 * i + 8, m.sections[i].second);
  }
  put_u64(h, kPayloadHashAt, XXH3_64bits_digest(m.hash.get()));
  put_u64(h, kHeaderHashAt, hash64(std::string_view(h).substr(0, kHeaderHashAt)));
  BITMILL_RETURN_IF_ERROR(m.out->patch(0, h));
  return m.out->finish();
}

Expected<WorkFile> WorkFile::open(const std::string& path, std::string_view magic, uint64_t version,
                                  std::string_view kind) {
  WorkFile w;
  BITMILL_ASSIGN_OR_RETURN(w.file_, MappedFile::open(path));
  const auto bad = [&](const std::string& why) { return data_error(fmt::format("{}: {}", path, why)); };
  const std::byte* p = w.file_.data();
  const size_t size = w.file_.size();
  if (size < 8 || std::memcmp(p, magic.data(), 8) != 0) return bad(fmt::format("not a {} file", kind));
  if (size < kWorkHeaderBytes) return bad(fmt::format("truncated: {} bytes, less than a header", size));
  if (get_u64(p + 8) != version) {
    return bad(fmt::format("{} file version {}, this bitmill-dedup reads version {}", kind, get_u64(p + 8), version));
  }
  const std::string_view all(reinterpret_cast<const char*>(p), size);
  if (hash64(all.substr(0, kHeaderHashAt)) != get_u64(p + kHeaderHashAt)) return bad("corrupt header (checksum)");
  for (size_t i = 0; i < kWorkFields; ++i) w.fields_[i] = get_u64(p + kFieldsAt + 8 * i);
  uint64_t end = kWorkHeaderBytes;
  for (size_t i = 0; i < kWorkSections; ++i) {
    const uint64_t off = get_u64(p + kSectionsAt + 16 * i), n = get_u64(p + kSectionsAt + 16 * i + 8);
    if (off == 0 && n == 0) continue;
    if (off < end || off % 8 != 0 || n > UINT64_MAX - off) return bad("corrupt header (sections)");
    end = off + n;
  }
  if (end > size) return bad(fmt::format("truncated: {} bytes, the header says {}", size, end));
  for (size_t i = 0; i < kWorkSections; ++i) {
    const uint64_t off = get_u64(p + kSectionsAt + 16 * i), n = get_u64(p + kSectionsAt + 16 * i + 8);
    if (off != 0 || n != 0) w.sections_[i] = all.substr(off, n);
  }
  if (end != size) return bad(fmt::format("{} bytes, the header says {}", size, end));
  if (XXH3_64bits(p + kWorkHeaderBytes, size - kWorkHeaderBytes) != get_u64(p + kPayloadHashAt)) {
    return bad("corrupt (payload checksum mismatch)");
  }
  return w;
}

Status WorkFile::expect_array(size_t i, uint64_t count, uint64_t elem_bytes, std::string_view what) const {
  const uint64_t size = sections_[i].size();
  if (elem_bytes > 0 && size % elem_bytes == 0 && size / elem_bytes == count) return Status::ok();
  return data_error(fmt::format("{}: corrupt ({}: {} bytes, not {} of {})", path(), what, size, count, elem_bytes));
}

}  // namespace bitmill::dedup::detail
