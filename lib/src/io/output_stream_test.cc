#include "bitmill/io/output_stream.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>
#include <thread>

#include <filesystem>

#include "bitmill/io/stale_temps.h"
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

namespace bitmill {
namespace {

// A child that opens `path`, writes part of it and is killed by SIGKILL before committing, as the
// OOM killer or a batch system would: no handler runs. Returns the child's pid.
pid_t sigkilled_writer(const std::string& path) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    auto out = OutputStream::open(path);
    if (out.has_value() && (*out)->write(big_text()).is_ok()) ::raise(SIGKILL);
    ::_exit(3);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(WIFSIGNALED(status));
  REQUIRE(WTERMSIG(status) == SIGKILL);
  return pid;
}

TEST_CASE("open removes what SIGKILLed writers of that output left, and only that") {
  TempDir d;
  const std::string path = d.file("out.txt.zst"), other = d.file("other.txt");
  const std::string left_a = path + ".tmp." + std::to_string(sigkilled_writer(path));
  CHECK(exists(left_a));  // what a killed run leaves: its partial temporary file
  const std::string left_c = other + ".tmp." + std::to_string(sigkilled_writer(other));
  // The next (killed) writer of `path` removed the first one's before leaving its own.
  const std::string left_b = path + ".tmp." + std::to_string(sigkilled_writer(path));
  CHECK_FALSE(exists(left_a));
  CHECK(exists(left_b));
  CHECK(exists(left_c));
  CHECK_FALSE(exists(path));
  {
    auto out = OutputStream::open(path);
    REQUIRE(out.has_value());
    CHECK_FALSE(exists(left_b));
    CHECK((*out)->write_line("complete").is_ok());
    CHECK((*out)->commit().is_ok());
  }
  CHECK(unzstd_reference(read_file(path)) == "complete\n");
  CHECK(exists(left_c));  // another output's: its own next writer removes it
}

TEST_CASE("a writer keeps its temporary file locked until the rename, so no sweep takes it") {
  TempDir d;
  const std::string a = d.file("a.txt");
  auto oa = OutputStream::open(a);
  REQUIRE(oa.has_value());
  CHECK((*oa)->write_line("A").is_ok());
  CHECK((*oa)->finish().is_ok());  // closed, not yet renamed: what commit_all does between outputs
  // Renamed as if written by a dead process (another host's pid): only the lock protects it now.
  const std::string disguised = a + ".tmp." + std::to_string(testing::dead_pid());
  REQUIRE(::link(tmp_name(a).c_str(), disguised.c_str()) == 0);
  auto n = remove_stale_temp_outputs(a);
  REQUIRE(n.has_value());
  CHECK(*n == 0);
  CHECK(exists(disguised));
  CHECK((*oa)->commit().is_ok());  // the rename releases the lock
  n = remove_stale_temp_outputs(a);
  REQUIRE(n.has_value());
  CHECK(*n == 1);
  CHECK(read_file(a) == "A\n");
}

}  // namespace
}  // namespace bitmill
