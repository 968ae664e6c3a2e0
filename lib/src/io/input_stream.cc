#include "bitmill/io/input_stream.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace bitmill {
namespace {

constexpr size_t kRawChunk = 1 << 20;

bool ends_with(const std::string& s, const char* suffix) {
  const size_t n = std::strlen(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

// Reads a file descriptor, with the first bytes available for sniffing.
class FdReader {
 public:
  FdReader(int fd, bool owned, std::string name) : fd_(fd), owned_(owned), name_(std::move(name)) {}
  ~FdReader() {
    if (owned_ && fd_ >= 0) ::close(fd_);
  }
  FdReader(const FdReader&) = delete;
  FdReader& operator=(const FdReader&) = delete;

  // Reads until `n` bytes or end of file; short only at end of file.
  Expected<size_t> read_full(char* buf, size_t n) {
    size_t got = 0;
    while (got < n) {
      BITMILL_ASSIGN_OR_RETURN(size_t r, read_some(buf + got, n - got));
      if (r == 0) break;
      got += r;
    }
    return got;
  }

  Expected<size_t> read_some(char* buf, size_t n) {
    if (head_pos_ < head_.size()) {
      const size_t k = std::min(n, head_.size() - head_pos_);
      std::memcpy(buf, head_.data() + head_pos_, k);
      head_pos_ += k;
      return k;
    }
    for (;;) {
      const ssize_t r = ::read(fd_, buf, n);
      if (r >= 0) {
        bytes_ += static_cast<uint64_t>(r);
        return static_cast<size_t>(r);
      }
      if (errno == EINTR) continue;
      return errno_status(name_, errno);
    }
  }

  // Reads up to 4 bytes into `magic`, which later reads return again; returns how many.
  Expected<size_t> sniff(unsigned char (&magic)[4]) {
    char h[4] = {0, 0, 0, 0};
    BITMILL_ASSIGN_OR_RETURN(size_t got, read_full(h, sizeof(h)));
    head_.assign(h, got);
    head_pos_ = 0;
    std::memcpy(magic, h, sizeof(h));
    return got;
  }

  const std::string& name() const { return name_; }
  uint64_t bytes() const { return bytes_; }
  int fd() const { return fd_; }

 private:
  int fd_;
  bool owned_;
  std::string name_;
  std::string head_;
  size_t head_pos_ = 0;
  uint64_t bytes_ = 0;
};

// What every input stream reads from: a file descriptor, its name and its size when known; the
// subclasses decode (or not) what it gives.
class FdInput : public InputStream {
 public:
  FdInput(std::unique_ptr<FdReader> r, std::optional<uint64_t> size) : r_(std::move(r)), size_(size) {}
  const std::string& name() const override { return r_->name(); }
  uint64_t raw_bytes_read() const override { return r_->bytes(); }
  std::optional<uint64_t> raw_size() const override { return size_; }

 protected:
  FdReader& raw() { return *r_; }

 private:
  std::unique_ptr<FdReader> r_;
  std::optional<uint64_t> size_;
};

class PlainInput final : public FdInput {
 public:
  using FdInput::FdInput;
  Expected<size_t> read(char* buf, size_t n) override { return raw().read_some(buf, n); }
  Compression compression() const override { return Compression::kNone; }
};

class GzipInput final : public FdInput {
 public:
  GzipInput(std::unique_ptr<FdReader> r, std::optional<uint64_t> size) : FdInput(std::move(r), size), in_(kRawChunk) {
    std::memset(&z_, 0, sizeof(z_));
    ok_init_ = inflateInit2(&z_, 15 + 16) == Z_OK;
  }
  ~GzipInput() override { inflateEnd(&z_); }

  Expected<size_t> read(char* buf, size_t n) override {
    if (!ok_init_) return internal_error(name() + ": cannot initialise zlib");
    if (done_) return size_t{0};
    z_.next_out = reinterpret_cast<Bytef*>(buf);
    z_.avail_out = static_cast<uInt>(std::min<size_t>(n, 1u << 30));
    while (z_.avail_out > 0) {
      // zlib may hold decoded bytes back when the output filled up, so more input is read only
      // after a call that left output space unused.
      if (z_.avail_in == 0 && need_input_) {
        BITMILL_ASSIGN_OR_RETURN(size_t got, raw().read_some(in_.data(), in_.size()));
        if (got == 0) {
          if (in_member_) return data_error(name() + ": truncated gzip stream (unexpected end of file)");
          done_ = true;
          break;
        }
        z_.next_in = reinterpret_cast<Bytef*>(in_.data());
        z_.avail_in = static_cast<uInt>(got);
      }
      if (z_.avail_in > 0) in_member_ = true;
      const int rc = inflate(&z_, Z_NO_FLUSH);
      need_input_ = z_.avail_out > 0;
      if (rc == Z_STREAM_END) {
        // Another member may follow (concatenated .gz files, bgzip blocks).
        in_member_ = false;
        inflateReset(&z_);
        need_input_ = z_.avail_in == 0;
        continue;
      }
      if (rc == Z_OK) continue;
      if (rc == Z_BUF_ERROR) {  // no progress without more input
        need_input_ = true;
        continue;
      }
      return data_error(name() + ": corrupt gzip data (" + (z_.msg ? z_.msg : "inflate failed") + ")");
    }
    return n - z_.avail_out;
  }
  Compression compression() const override { return Compression::kGzip; }

 private:
  std::vector<char> in_;
  z_stream z_;
  bool ok_init_ = false;
  bool in_member_ = false;
  bool need_input_ = true;
  bool done_ = false;
};

class ZstdInput final : public FdInput {
 public:
  ZstdInput(std::unique_ptr<FdReader> r, std::optional<uint64_t> size)
      : FdInput(std::move(r), size), in_(ZSTD_DStreamInSize()), dctx_(ZSTD_createDCtx()) {}
  ~ZstdInput() override { ZSTD_freeDCtx(dctx_); }

  Expected<size_t> read(char* buf, size_t n) override {
    if (dctx_ == nullptr) return internal_error(name() + ": cannot initialise zstd");
    ZSTD_outBuffer out{buf, n, 0};
    while (out.pos < out.size) {
      // After a call that filled the output the decoder may still hold bytes: call it again
      // before reading more input (and before deciding the archive is truncated).
      if (ibuf_.pos == ibuf_.size && need_input_) {
        if (eof_) {
          // A frame still open at end of file means the archive was cut short.
          if (last_ != 0) return data_error(name() + ": truncated zstd stream (unexpected end of file)");
          break;
        }
        BITMILL_ASSIGN_OR_RETURN(size_t got, raw().read_some(in_.data(), in_.size()));
        if (got == 0) {
          eof_ = true;
          continue;
        }
        ibuf_ = ZSTD_inBuffer{in_.data(), got, 0};
      }
      const size_t rc = ZSTD_decompressStream(dctx_, &out, &ibuf_);
      if (ZSTD_isError(rc)) return data_error(name() + ": corrupt zstd data (" + ZSTD_getErrorName(rc) + ")");
      last_ = rc;
      need_input_ = out.pos < out.size;
    }
    return out.pos;
  }
  Compression compression() const override { return Compression::kZstd; }

 private:
  std::vector<char> in_;
  ZSTD_DCtx* dctx_;
  ZSTD_inBuffer ibuf_{nullptr, 0, 0};
  size_t last_ = 0;
  bool need_input_ = true;
  bool eof_ = false;
};

}  // namespace

Compression compression_from_extension(const std::string& path) {
  if (ends_with(path, ".gz")) return Compression::kGzip;
  if (ends_with(path, ".zst")) return Compression::kZstd;
  return Compression::kNone;
}

Expected<std::unique_ptr<InputStream>> open_input(const std::string& path) {
  std::unique_ptr<FdReader> reader;
  std::optional<uint64_t> size;
  if (path == "-") {
    reader = std::make_unique<FdReader>(0, false, "<stdin>");
  } else {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno_status(path, errno);
    struct stat st {};
    if (::fstat(fd, &st) == 0) {
      if (S_ISDIR(st.st_mode)) {
        ::close(fd);
        return io_error(path + ": is a directory");
      }
      if (S_ISREG(st.st_mode)) size = static_cast<uint64_t>(st.st_size);
    }
    reader = std::make_unique<FdReader>(fd, true, path);
#ifdef POSIX_FADV_SEQUENTIAL
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
  }
  unsigned char magic[4] = {0, 0, 0, 0};
  BITMILL_ASSIGN_OR_RETURN(size_t magic_len, reader->sniff(magic));
  Compression c = Compression::kNone;
  if (magic_len >= 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
    c = Compression::kGzip;
  } else if (magic_len >= 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd) {
    c = Compression::kZstd;
  }

  const Compression named = compression_from_extension(path);
  if (named != Compression::kNone && c != named) {
    const char* fmt_name = named == Compression::kGzip ? "gzip" : "zstd";
    if (magic_len == 0) return data_error(path + ": empty file is not a valid " + std::string(fmt_name) + " archive");
    return data_error(path + ": not a " + std::string(fmt_name) + " archive (bad magic bytes)");
  }
  switch (c) {
    case Compression::kGzip: return std::unique_ptr<InputStream>(std::make_unique<GzipInput>(std::move(reader), size));
    case Compression::kZstd: return std::unique_ptr<InputStream>(std::make_unique<ZstdInput>(std::move(reader), size));
    case Compression::kNone: break;
  }
  return std::unique_ptr<InputStream>(std::make_unique<PlainInput>(std::move(reader), size));
}

std::unique_ptr<InputStream> input_from_fd(int fd, std::string name) {
  return std::make_unique<PlainInput>(std::make_unique<FdReader>(fd, false, std::move(name)), std::nullopt);
}

}  // namespace bitmill
