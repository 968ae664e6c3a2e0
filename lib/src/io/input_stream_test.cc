#include "bitmill/io/input_stream.h"

#include <doctest/doctest.h>
#include <zlib.h>
#include <zstd.h>

#include <random>

#include "testing/test_util.h"

namespace bitmill {
namespace {

using testing::TempDir;
using testing::write_file;

// Reference archives made with zlib's gz* API and zstd's one-shot API, not with our writer.
std::string gzip_reference(const std::string& data) {
  TempDir d;
  const std::string p = d.file("x.gz");
  gzFile f = gzopen(p.c_str(), "wb6");
  if (!data.empty()) gzwrite(f, data.data(), static_cast<unsigned>(data.size()));
  gzclose(f);
  return testing::read_file(p);
}

std::string zstd_reference(const std::string& data) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  const size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 3);
  out.resize(n);
  return out;
}

Expected<std::string> read_all(const std::string& path, size_t chunk = 4096) {
  BITMILL_ASSIGN_OR_RETURN(auto in, open_input(path));
  std::string out, buf(chunk, '\0');
  for (;;) {
    BITMILL_ASSIGN_OR_RETURN(size_t n, in->read(buf.data(), buf.size()));
    if (n == 0) break;
    out.append(buf, 0, n);
  }
  return out;
}

std::string sample_text(size_t bytes, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s;
  const char* words[] = {"alpha", "Grüße", "日本語", "b", "data", "\xD0\x9C\xD0\xB8\xD1\x80", "x"};
  while (s.size() < bytes) {
    s += words[rng() % 7];
    s += (rng() % 8 == 0) ? '\n' : ' ';
  }
  return s;
}

TEST_CASE("plain, gzip and zstd files decode to the same bytes, by magic and by extension") {
  TempDir d;
  const std::string text = sample_text(3 << 20, 1);  // several read buffers
  write_file(d.file("a.txt"), text);
  write_file(d.file("a.txt.gz"), gzip_reference(text));
  write_file(d.file("a.txt.zst"), zstd_reference(text));
  // Compressed content under a plain name is recognised by its magic bytes.
  write_file(d.file("gz-without-extension"), gzip_reference(text));
  write_file(d.file("zst-without-extension"), zstd_reference(text));
  for (const char* name : {"a.txt", "a.txt.gz", "a.txt.zst", "gz-without-extension", "zst-without-extension"}) {
    for (size_t chunk : {size_t{1} << 20, size_t{1000}}) {
      CAPTURE(name);
      auto got = read_all(d.file(name), chunk);
      REQUIRE(got.has_value());
      CHECK(*got == text);
    }
  }
}

TEST_CASE("concatenated gzip members and zstd frames read as one stream") {
  TempDir d;
  write_file(d.file("c.gz"), gzip_reference("one\n") + gzip_reference("two\n"));
  write_file(d.file("c.zst"), zstd_reference("one\n") + zstd_reference("two\n"));
  CHECK(*read_all(d.file("c.gz")) == "one\ntwo\n");
  CHECK(*read_all(d.file("c.zst")) == "one\ntwo\n");
}

TEST_CASE("every truncation of an archive is an error, never silently short data") {
  TempDir d;
  const std::string text = sample_text(20000, 2);
  struct Case {
    const char* name;
    std::string bytes;
  };
  const Case cases[] = {{"t.gz", gzip_reference(text)}, {"t.zst", zstd_reference(text)}};
  for (const auto& c : cases) {
    for (size_t cut = 1; cut < c.bytes.size(); cut += (cut < 64 ? 1 : 97)) {
      CAPTURE(c.name);
      CAPTURE(cut);
      write_file(d.file(c.name), c.bytes.substr(0, cut));
      auto got = read_all(d.file(c.name));
      REQUIRE_FALSE(got.has_value());
      CHECK(got.status().code() == StatusCode::kDataError);
      CHECK(got.status().message().find(d.file(c.name)) == 0);
    }
    // The last byte alone matters too.
    write_file(d.file(c.name), c.bytes.substr(0, c.bytes.size() - 1));
    CHECK_FALSE(read_all(d.file(c.name)).has_value());
  }
}

TEST_CASE("errors name the file") {
  TempDir d;
  struct Row {
    std::string name, content, message_part;
    StatusCode code;
  };
  const Row rows[] = {
      {"missing.txt", "", "No such file or directory", StatusCode::kNotFound},
      {"plain.gz", "not gzip\n", "not a gzip archive", StatusCode::kDataError},
      {"empty.zst", "", "empty file is not a valid zstd archive", StatusCode::kDataError},
      {"corrupt.gz", std::string("\x1f\x8b\x08\x00garbage-garbage-garbage", 27), "corrupt gzip data",
       StatusCode::kDataError},
  };
  for (const auto& r : rows) {
    CAPTURE(r.name);
    if (r.name != "missing.txt") write_file(d.file(r.name), r.content);
    auto got = read_all(d.file(r.name));
    REQUIRE_FALSE(got.has_value());
    CHECK(got.status().code() == r.code);
    CHECK(got.status().message().find(d.file(r.name)) == 0);
    CHECK(got.status().message().find(r.message_part) != std::string::npos);
  }
  CHECK(open_input(d.path()).status().message().find("is a directory") != std::string::npos);
}

TEST_CASE("an empty plain file is an empty stream") {
  TempDir d;
  write_file(d.file("e.txt"), "");
  CHECK(read_all(d.file("e.txt"))->empty());
}

TEST_CASE("compression_from_extension") {
  CHECK(compression_from_extension("a.tsv.gz") == Compression::kGzip);
  CHECK(compression_from_extension("a.zst") == Compression::kZstd);
  CHECK(compression_from_extension("a.txt") == Compression::kNone);
  CHECK(compression_from_extension("-") == Compression::kNone);
}

}  // namespace
}  // namespace bitmill
