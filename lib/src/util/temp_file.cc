#include "bitmill/util/temp_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <vector>

namespace bitmill {

std::string TempFile::default_dir() {
  const char* t = std::getenv("TMPDIR");
  return (t != nullptr && *t != '\0') ? std::string(t) : std::string("/tmp");
}

Expected<TempFile> TempFile::create(const std::string& dir) {
  const std::string where = dir.empty() ? default_dir() : dir;
  // O_TMPFILE: a file that never has a name, so no signal at any moment can leave one behind.
  int fd = ::open(where.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0 && errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) {
    return errno_status("cannot create a spill file in " + where, errno);
  }
  if (fd < 0) {
    // A file system without O_TMPFILE (some network ones): a name for the instant between
    // mkstemp and unlink.
    std::string templ = where + "/bitmill-spill-XXXXXX";
    std::vector<char> name(templ.begin(), templ.end());
    name.push_back('\0');
    fd = ::mkostemp(name.data(), O_CLOEXEC);
    if (fd < 0) return errno_status("cannot create a spill file in " + where, errno);
    ::unlink(name.data());
  }
  TempFile f;
  f.fd_ = fd;
  return f;
}

TempFile& TempFile::operator=(TempFile&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.fd_;
    size_ = o.size_;
    o.fd_ = -1;
  }
  return *this;
}

TempFile::~TempFile() {
  if (fd_ >= 0) ::close(fd_);
}

Status TempFile::append(const void* data, size_t n) {
  const auto* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t w = ::pwrite(fd_, p, n, static_cast<off_t>(size_));
    if (w < 0) {
      if (errno == EINTR) continue;
      return errno_status("spill file", errno);
    }
    p += w;
    n -= static_cast<size_t>(w);
    size_ += static_cast<uint64_t>(w);
  }
  return Status::ok();
}

Expected<size_t> TempFile::read_at(void* data, size_t n, uint64_t offset) const {
  auto* p = static_cast<char*>(data);
  size_t got = 0;
  while (got < n) {
    const ssize_t r = ::pread(fd_, p + got, n - got, static_cast<off_t>(offset + got));
    if (r < 0) {
      if (errno == EINTR) continue;
      return errno_status("spill file", errno);
    }
    if (r == 0) break;
    got += static_cast<size_t>(r);
  }
  return got;
}

}  // namespace bitmill
