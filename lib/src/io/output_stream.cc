#include "bitmill/io/output_stream.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "bitmill/io/signal_cleanup.h"
#include "bitmill/io/stale_temps.h"

namespace bitmill {
namespace {

constexpr size_t kBufferBytes = 1 << 20;

Status write_all(int fd, const char* p, size_t n, const std::string& name) {
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return errno_status(name, errno);
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return Status::ok();
}

std::string dir_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// The file descriptor end: stdout, or a temporary file renamed into place by commit().
class FileTarget {
 public:
  FileTarget() = default;
  FileTarget(const FileTarget&) = delete;
  FileTarget& operator=(const FileTarget&) = delete;
  ~FileTarget() { abandon(); }

  Status open(const std::string& path) {
    path_ = path;
    if (path == "-") {
      fd_ = 1;
      return Status::ok();
    }
    // A device or a FIFO (-o /dev/null, a named pipe) is written in place: renaming a temporary
    // file over it would replace the device itself (as root, /dev/null would become a file).
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
      fd_ = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
      if (fd_ < 0) return errno_status(path, errno);
      direct_ = true;
      return Status::ok();
    }
    // What killed writers of this output left (SIGKILL runs no handler). Not an error when it
    // fails: the stale file only wastes space, and this run's own output does not depend on it.
    (void)remove_stale_temp_outputs(path);
    tmp_ = temp_output_path(path);
    // Registered before it exists, so that no signal can land between the two and leave it.
    slot_ = register_temp_path(tmp_.c_str());
    fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd_ < 0) {
      const int err = errno;
      unregister_temp_path(slot_);
      slot_ = -1;
      tmp_.clear();
      return errno_status(path, err);
    }
    lock_fd_ = lock_temp_output(fd_);
    return Status::ok();
  }

  Status write(const char* p, size_t n) { return write_all(fd_, p, n, path_); }

  Status pwrite_at(uint64_t offset, const char* p, size_t n) {
    while (n > 0) {
      const ssize_t w = ::pwrite(fd_, p, n, static_cast<off_t>(offset));
      if (w < 0) {
        if (errno == EINTR) continue;
        return errno_status(path_, errno);
      }
      p += w;
      n -= static_cast<size_t>(w);
      offset += static_cast<uint64_t>(w);
    }
    return Status::ok();
  }

  bool is_stdout() const { return path_ == "-"; }

  // Makes the content durable; the file keeps its temporary name.
  Status finish() {
    if (path_ == "-" || fd_ < 0) return Status::ok();
    if (!direct_ && ::fsync(fd_) != 0 && errno != EINVAL) return errno_status(path_, errno);
    const int rc = ::close(fd_);
    fd_ = -1;
    if (rc != 0) return errno_status(path_, errno);
    return Status::ok();
  }

  // Renames the finished file into place.
  Status publish() {
    if (path_ == "-") return Status::ok();
    BITMILL_RETURN_IF_ERROR(finish());
    if (direct_) return Status::ok();
    if (::rename(tmp_.c_str(), path_.c_str()) != 0) return errno_status(path_, errno);
    unregister_temp_path(slot_);
    slot_ = -1;
    tmp_.clear();
    release_lock();
    // Make the rename itself durable.
    const int dfd = ::open(dir_of(path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
      ::fsync(dfd);
      ::close(dfd);
    }
    return Status::ok();
  }

  const std::string& path() const { return path_; }

 private:
  void abandon() {
    if (fd_ > 1) ::close(fd_);
    fd_ = -1;
    if (!tmp_.empty()) {
      ::unlink(tmp_.c_str());
      unregister_temp_path(slot_);
      tmp_.clear();
    }
    release_lock();
  }

  void release_lock() {
    if (lock_fd_ >= 0) ::close(lock_fd_);
    lock_fd_ = -1;
  }

  std::string path_;
  std::string tmp_;
  int fd_ = -1;
  int slot_ = -1;
  int lock_fd_ = -1;     // holds the temporary file's lock until it is renamed or removed
  bool direct_ = false;  // writing to a device or FIFO in place
};

// The codec sits between the buffer and the file.
class Encoder {
 public:
  virtual ~Encoder() = default;
  virtual Status encode(const char* p, size_t n, FileTarget& out) = 0;
  virtual Status finish(FileTarget& out) = 0;
};

class PlainEncoder final : public Encoder {
 public:
  Status encode(const char* p, size_t n, FileTarget& out) override { return out.write(p, n); }
  Status finish(FileTarget&) override { return Status::ok(); }
};

class GzipEncoder final : public Encoder {
 public:
  explicit GzipEncoder(int level) : buf_(kBufferBytes) {
    std::memset(&z_, 0, sizeof(z_));
    ok_ = deflateInit2(&z_, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK;
  }
  ~GzipEncoder() override { deflateEnd(&z_); }
  Status encode(const char* p, size_t n, FileTarget& out) override { return run(p, n, Z_NO_FLUSH, out); }
  Status finish(FileTarget& out) override { return run(nullptr, 0, Z_FINISH, out); }

 private:
  Status run(const char* p, size_t n, int flush, FileTarget& out) {
    if (!ok_) return internal_error(out.path() + ": cannot initialise zlib");
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(p));
    z_.avail_in = static_cast<uInt>(n);
    for (;;) {
      z_.next_out = reinterpret_cast<Bytef*>(buf_.data());
      z_.avail_out = static_cast<uInt>(buf_.size());
      const int rc = deflate(&z_, flush);
      if (rc == Z_STREAM_ERROR) return internal_error(out.path() + ": deflate failed");
      const size_t have = buf_.size() - z_.avail_out;
      if (have > 0) BITMILL_RETURN_IF_ERROR(out.write(buf_.data(), have));
      if (flush == Z_FINISH ? rc == Z_STREAM_END : (z_.avail_in == 0 && z_.avail_out > 0)) break;
    }
    return Status::ok();
  }
  z_stream z_;
  std::vector<char> buf_;
  bool ok_ = false;
};

class ZstdEncoder final : public Encoder {
 public:
  explicit ZstdEncoder(int level) : cctx_(ZSTD_createCCtx()), buf_(ZSTD_CStreamOutSize()) {
    if (cctx_) ZSTD_CCtx_setParameter(cctx_, ZSTD_c_compressionLevel, level);
  }
  ~ZstdEncoder() override { ZSTD_freeCCtx(cctx_); }
  Status encode(const char* p, size_t n, FileTarget& out) override { return run(p, n, ZSTD_e_continue, out); }
  Status finish(FileTarget& out) override { return run(nullptr, 0, ZSTD_e_end, out); }

 private:
  Status run(const char* p, size_t n, ZSTD_EndDirective mode, FileTarget& out) {
    if (!cctx_) return internal_error(out.path() + ": cannot initialise zstd");
    ZSTD_inBuffer in{p, n, 0};
    for (;;) {
      ZSTD_outBuffer ob{buf_.data(), buf_.size(), 0};
      const size_t rem = ZSTD_compressStream2(cctx_, &ob, &in, mode);
      if (ZSTD_isError(rem)) return internal_error(out.path() + ": zstd: " + ZSTD_getErrorName(rem));
      if (ob.pos > 0) BITMILL_RETURN_IF_ERROR(out.write(buf_.data(), ob.pos));
      if (mode == ZSTD_e_end ? rem == 0 : in.pos == in.size) break;
    }
    return Status::ok();
  }
  ZSTD_CCtx* cctx_;
  std::vector<char> buf_;
};

class BufferedOutput final : public OutputStream {
 public:
  BufferedOutput(std::string path, std::unique_ptr<Encoder> enc) : OutputStream(std::move(path)), enc_(std::move(enc)) {
    buf_.reserve(kBufferBytes);
  }

  Status open() { return target_.open(path_); }

  bool patchable() const override { return plain_ && !target_.is_stdout(); }

  Status patch(uint64_t offset, std::string_view bytes) override {
    if (!patchable()) return internal_error(path_ + ": cannot patch a compressed or streamed output");
    if (offset + bytes.size() > bytes_) return internal_error(path_ + ": patch past the end of the output");
    BITMILL_RETURN_IF_ERROR(track(flush()));
    return track(target_.pwrite_at(offset, bytes.data(), bytes.size()));
  }

  void set_plain(bool plain) { plain_ = plain; }

  Status write(std::string_view bytes) override {
    if (finished_) return internal_error(path_ + ": write after finish");
    if (failed_) return io_error(path_ + ": write after a failed write");
    bytes_ += bytes.size();
    if (buf_.size() + bytes.size() > kBufferBytes) {
      BITMILL_RETURN_IF_ERROR(track(flush()));
      if (bytes.size() >= kBufferBytes) return track(enc_->encode(bytes.data(), bytes.size(), target_));
    }
    buf_.append(bytes);
    return Status::ok();
  }

  Status finish() override {
    if (finished_) return Status::ok();
    BITMILL_RETURN_IF_ERROR(track(flush()));
    BITMILL_RETURN_IF_ERROR(track(enc_->finish(target_)));
    BITMILL_RETURN_IF_ERROR(track(target_.finish()));
    finished_ = true;
    return Status::ok();
  }

  Status commit() override {
    BITMILL_RETURN_IF_ERROR(finish());
    return track(target_.publish());
  }

 private:
  Status flush() {
    if (buf_.empty()) return Status::ok();
    Status s = enc_->encode(buf_.data(), buf_.size(), target_);
    buf_.clear();
    return s;
  }
  Status track(Status s) {
    if (!s.is_ok()) failed_ = true;
    return s;
  }

  std::unique_ptr<Encoder> enc_;
  FileTarget target_;
  std::string buf_;
  bool failed_ = false;
  bool finished_ = false;
  bool plain_ = false;
};

}  // namespace

Expected<std::unique_ptr<OutputStream>> OutputStream::open(const std::string& path, const OutputOptions& opts) {
  const Compression c = opts.compression.value_or(compression_from_extension(path));
  std::unique_ptr<Encoder> enc;
  switch (c) {
    case Compression::kGzip: enc = std::make_unique<GzipEncoder>(opts.gzip_level); break;
    case Compression::kZstd: enc = std::make_unique<ZstdEncoder>(opts.zstd_level); break;
    case Compression::kNone: enc = std::make_unique<PlainEncoder>(); break;
  }
  auto out = std::make_unique<BufferedOutput>(path, std::move(enc));
  out->set_plain(c == Compression::kNone);
  BITMILL_RETURN_IF_ERROR(out->open());
  return std::unique_ptr<OutputStream>(std::move(out));
}

bool same_output(const std::string& a, const std::string& b) {
  if (a == "-" || b == "-") return a == b;
  std::error_code ea, eb;
  // absolute() first: weakly_canonical leaves a relative path relative when no prefix exists.
  const auto ca = std::filesystem::weakly_canonical(std::filesystem::absolute(a), ea);
  const auto cb = std::filesystem::weakly_canonical(std::filesystem::absolute(b), eb);
  if (ea || eb) return a == b;
  return ca == cb;
}

Status commit_all(const std::vector<OutputStream*>& outputs) {
  for (OutputStream* o : outputs) {
    if (o != nullptr) BITMILL_RETURN_IF_ERROR(o->finish());
  }
  for (OutputStream* o : outputs) {
    if (o != nullptr) BITMILL_RETURN_IF_ERROR(o->commit());
  }
  return Status::ok();
}

}  // namespace bitmill
