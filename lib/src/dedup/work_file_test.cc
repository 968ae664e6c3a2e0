#include "dedup/work_file.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include "bitmill/util/temp_file.h"

namespace bitmill::dedup::detail {
namespace {

std::string read_all(const std::string& path) {
  std::string out;
  if (FILE* f = std::fopen(path.c_str(), "rb")) {
    char buf[4096];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) out.append(buf, n);
    std::fclose(f);
  }
  return out;
}
void write_all(const std::string& path, const std::string& bytes) {
  if (FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(bytes.data(), 1, bytes.size(), f);
    std::fclose(f);
  }
}

TEST_CASE("WorkFile: sections and fields round-trip, and every damage is a data error") {
  const std::string path = TempFile::default_dir() + "/bitmill_work_file_test.bin";
  auto w = WorkFileWriter::open(path, "BMTESTWF", 3);
  REQUIRE(w.has_value());
  const std::string a = "abc", b(1000, 'x');
  REQUIRE((*w)->begin_section(0).is_ok());
  REQUIRE((*w)->write(a.data(), a.size()).is_ok());
  REQUIRE((*w)->begin_section(1).is_ok());  // empty
  REQUIRE((*w)->begin_section(2).is_ok());
  REQUIRE((*w)->write(b.data(), b.size()).is_ok());
  CHECK_FALSE((*w)->begin_section(1).is_ok());  // out of order
  WorkFields fields{};
  fields[0] = 7;
  fields[15] = 99;
  REQUIRE((*w)->commit(fields).is_ok());

  auto f = WorkFile::open(path, "BMTESTWF", 3, "test");
  REQUIRE(f.has_value());
  CHECK(f->field(0) == 7);
  CHECK(f->field(15) == 99);
  CHECK(f->section(0) == a);
  CHECK(f->section(1).empty());
  CHECK(f->section(2) == b);
  CHECK(reinterpret_cast<uintptr_t>(f->section(2).data()) % 8 == 0);
  CHECK_FALSE(WorkFile::open(path, "BMOTHERX", 3, "test").has_value());
  CHECK_FALSE(WorkFile::open(path, "BMTESTWF", 4, "test").has_value());

  // Any one byte changed, and any truncation, is refused (checksums and sizes), never a crash.
  const std::string good = read_all(path);
  for (size_t i = 0; i < good.size(); i += 7) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x5a);
    write_all(path, bad);
    auto r = WorkFile::open(path, "BMTESTWF", 3, "test");
    CHECK_FALSE(r.has_value());
    if (!r.has_value()) CHECK(r.status().message().find(path) != std::string::npos);
  }
  for (size_t n : {size_t{0}, size_t{5}, kWorkHeaderBytes - 1, kWorkHeaderBytes, good.size() - 1}) {
    write_all(path, good.substr(0, n));
    CHECK_FALSE(WorkFile::open(path, "BMTESTWF", 3, "test").has_value());
  }
  write_all(path, good + "z");
  CHECK_FALSE(WorkFile::open(path, "BMTESTWF", 3, "test").has_value());
  std::remove(path.c_str());
}

}  // namespace
}  // namespace bitmill::dedup::detail
