#include "bitmill/io/output_stream.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>
#include <thread>

#include <filesystem>

#include "testing/test_util.h"

namespace bitmill {
namespace {

using testing::exists;
using testing::read_file;
using testing::TempDir;

std::string tmp_name(const std::string& path) { return path + ".tmp." + std::to_string(::getpid()); }

std::string gunzip_reference(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  std::string out;
  char buf[65536];
  int n;
  while ((n = gzread(f, buf, sizeof(buf))) > 0) out.append(buf, static_cast<size_t>(n));
  gzclose(f);
  return out;
}

std::string unzstd_reference(const std::string& bytes) {
  const auto size = ZSTD_getFrameContentSize(bytes.data(), bytes.size());
  if (size == ZSTD_CONTENTSIZE_UNKNOWN || size == ZSTD_CONTENTSIZE_ERROR) {
    // Streamed frames have no size in the header: decompress with a stream.
    std::string out;
    ZSTD_DCtx* d = ZSTD_createDCtx();
    ZSTD_inBuffer in{bytes.data(), bytes.size(), 0};
    std::string buf(1 << 16, '\0');
    while (in.pos < in.size) {
      ZSTD_outBuffer ob{buf.data(), buf.size(), 0};
      if (ZSTD_isError(ZSTD_decompressStream(d, &ob, &in))) break;
      out.append(buf, 0, ob.pos);
    }
    ZSTD_freeDCtx(d);
    return out;
  }
  std::string out(size, '\0');
  out.resize(ZSTD_decompress(out.data(), out.size(), bytes.data(), bytes.size()));
  return out;
}

std::string big_text() {
  std::string s;
  for (uint64_t i = 0; i < 300000; ++i) s += "line " + std::to_string(i * 7919 % 10007) + "\n";
  return s;
}

TEST_CASE("output appears under its name only at commit") {
  TempDir d;
  const std::string path = d.file("out.txt");
  {
    auto out = OutputStream::open(path);
    REQUIRE(out.has_value());
    CHECK((*out)->write_line("hello").is_ok());
    CHECK_FALSE(exists(path));
    CHECK(exists(tmp_name(path)));
    CHECK((*out)->commit().is_ok());
    CHECK(exists(path));
    CHECK_FALSE(exists(tmp_name(path)));
  }
  CHECK(read_file(path) == "hello\n");
}

TEST_CASE("a FIFO or a device is written in place, never replaced") {
  TempDir d;
  const std::string fifo = d.file("pipe");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  std::string got;
  std::thread reader([&] {
    const int fd = ::open(fifo.c_str(), O_RDONLY);
    char buf[256];
    for (ssize_t n; fd >= 0 && (n = ::read(fd, buf, sizeof buf)) > 0;) got.append(buf, static_cast<size_t>(n));
    if (fd >= 0) ::close(fd);
  });
  {
    auto out = OutputStream::open(fifo);
    REQUIRE(out.has_value());
    CHECK((*out)->write_line("through the pipe").is_ok());
    CHECK((*out)->commit().is_ok());
  }
  reader.join();
  CHECK(got == "through the pipe\n");
  struct stat st {};
  REQUIRE(::stat(fifo.c_str(), &st) == 0);
  CHECK(S_ISFIFO(st.st_mode));
  CHECK_FALSE(exists(tmp_name(fifo)));

  // /dev/null stays a character device (as root, a rename over it would make it a file).
  {
    auto out = OutputStream::open("/dev/null");
    REQUIRE(out.has_value());
    CHECK((*out)->write_line("gone").is_ok());
    CHECK((*out)->commit().is_ok());
  }
  REQUIRE(::stat("/dev/null", &st) == 0);
  CHECK(S_ISCHR(st.st_mode));
}

TEST_CASE("an output dropped without commit leaves nothing, and an old file stays intact") {
  TempDir d;
  const std::string path = d.file("out.txt");
  testing::write_file(path, "previous\n");
  {
    auto out = OutputStream::open(path);
    REQUIRE(out.has_value());
    CHECK((*out)->write(big_text()).is_ok());
  }
  CHECK_FALSE(exists(tmp_name(path)));
  CHECK(read_file(path) == "previous\n");
}

TEST_CASE("compressed outputs decode with the reference libraries") {
  TempDir d;
  const std::string text = big_text();
  for (const char* name : {"o.txt", "o.txt.gz", "o.txt.zst"}) {
    CAPTURE(name);
    const std::string path = d.file(name);
    auto out = OutputStream::open(path);
    REQUIRE(out.has_value());
    // Mixed write sizes: small appends and one write larger than the buffer.
    CHECK((*out)->write(text.substr(0, 1000)).is_ok());
    CHECK((*out)->write(text.substr(1000)).is_ok());
    CHECK((*out)->commit().is_ok());
    CHECK((*out)->bytes_written() == text.size());
    const std::string raw = read_file(path);
    std::string decoded;
    const std::string n = name;
    if (n.ends_with(".gz"))
      decoded = gunzip_reference(path);
    else if (n.ends_with(".zst"))
      decoded = unzstd_reference(raw);
    else
      decoded = raw;
    CHECK(decoded == text);
    if (n != "o.txt") CHECK(raw.size() < text.size() / 3);
  }
}

TEST_CASE("an empty compressed output is still a valid archive") {
  TempDir d;
  for (const char* name : {"e.gz", "e.zst"}) {
    auto out = OutputStream::open(d.file(name));
    REQUIRE(out.has_value());
    CHECK((*out)->commit().is_ok());
    CHECK(read_file(d.file(name)).size() > 0);
  }
  CHECK(gunzip_reference(d.file("e.gz")).empty());
}

TEST_CASE("an output in a missing directory fails at open, naming the path") {
  TempDir d;
  auto out = OutputStream::open(d.file("no/such/dir/x.txt"));
  REQUIRE_FALSE(out.has_value());
  CHECK(out.status().message().find("no/such/dir/x.txt") != std::string::npos);
}

}  // namespace
}  // namespace bitmill

namespace bitmill {
namespace {

TEST_CASE("same_output sees through spellings of one path") {
  TempDir d;
  const std::string x = d.file("x");
  CHECK(same_output("-", "-"));
  CHECK_FALSE(same_output("-", x));
  CHECK(same_output(x, d.path() + "/./x"));
  CHECK(same_output(x, d.path() + "/sub/../x"));
  CHECK_FALSE(same_output(x, d.file("y")));
  CHECK(same_output("rel.txt", "./rel.txt"));
  CHECK_FALSE(same_output("rel.txt", "other/rel.txt"));
}

TEST_CASE("commit_all finishes every output before renaming any") {
  TempDir d;
  auto a = OutputStream::open(d.file("a.txt"));
  auto b = OutputStream::open(d.file("b.txt.zst"));
  REQUIRE(a.has_value());
  REQUIRE(b.has_value());
  CHECK((*a)->write_line("A").is_ok());
  CHECK((*b)->write_line("B").is_ok());
  CHECK(commit_all({a->get(), b->get()}).is_ok());
  CHECK(testing::read_file(d.file("a.txt")) == "A\n");
  CHECK(testing::exists(d.file("b.txt.zst")));
  CHECK((*a)->write("late").code() == StatusCode::kInternal);
}

}  // namespace
}  // namespace bitmill
