#include "bitmill/io/line_reader.h"

#include <doctest/doctest.h>

#include <vector>

#include "testing/test_util.h"

namespace bitmill {
namespace {

using testing::TempDir;
using testing::write_file;

struct Result {
  std::vector<std::string> lines;
  std::vector<uint64_t> numbers;
  Status status;
  uint64_t skipped = 0, replaced = 0;
};

Result read_lines(const std::string& path, InvalidUtf8Policy policy) {
  Result r;
  auto reader = LineReader::open(path, policy);
  if (!reader.has_value()) {
    r.status = reader.status();
    return r;
  }
  Line line;
  for (;;) {
    auto more = (*reader)->next(line);
    if (!more.has_value()) {
      r.status = more.status();
      break;
    }
    if (!*more) break;
    r.lines.emplace_back(line.text);
    r.numbers.push_back(line.number);
  }
  r.skipped = (*reader)->lines_skipped();
  r.replaced = (*reader)->lines_replaced();
  return r;
}

TEST_CASE("lines split at \\n only, a final line without newline counts") {
  TempDir d;
  struct Row {
    std::string content;
    std::vector<std::string> lines;
  };
  const Row rows[] = {
      {"", {}},
      {"\n", {""}},
      {"a", {"a"}},
      {"a\nb", {"a", "b"}},
      {"a\nb\n", {"a", "b"}},
      {"a\r\nb\r\n", {"a\r", "b\r"}},
      {"\n\nx\n\n", {"", "", "x", ""}},
      {std::string("nul\0byte\n", 9), {std::string("nul\0byte", 8)}},
  };
  for (const auto& r : rows) {
    CAPTURE(r.content);
    write_file(d.file("in.txt"), r.content);
    const Result got = read_lines(d.file("in.txt"), InvalidUtf8Policy::kFail);
    CHECK(got.status.is_ok());
    CHECK(got.lines == r.lines);
  }
}

TEST_CASE("lines longer than the read buffer come back whole") {
  TempDir d;
  const std::string long_line(3 << 20, 'x');
  write_file(d.file("in.txt"), "a\n" + long_line + "\nb\n");
  const Result got = read_lines(d.file("in.txt"), InvalidUtf8Policy::kFail);
  REQUIRE(got.lines.size() == 3);
  CHECK(got.lines[1] == long_line);
  CHECK(got.lines[2] == "b");
}

TEST_CASE("invalid UTF-8: fail names file and line, skip drops, replace repairs") {
  TempDir d;
  const std::string path = d.file("bad.txt");
  write_file(path, "ok\nfine\nbad \xC3\x28 here\nlast\n");

  const Result fail = read_lines(path, InvalidUtf8Policy::kFail);
  CHECK(fail.status.code() == StatusCode::kDataError);
  CHECK(fail.status.message().rfind(path + ":3: invalid UTF-8 at byte 5", 0) == 0);
  CHECK(fail.lines == std::vector<std::string>{"ok", "fine"});

  const Result skip = read_lines(path, InvalidUtf8Policy::kSkip);
  CHECK(skip.status.is_ok());
  CHECK(skip.lines == std::vector<std::string>{"ok", "fine", "last"});
  CHECK(skip.numbers == std::vector<uint64_t>{1, 2, 4});  // physical line numbers survive
  CHECK(skip.skipped == 1);

  const Result rep = read_lines(path, InvalidUtf8Policy::kReplace);
  CHECK(rep.status.is_ok());
  CHECK(rep.lines == std::vector<std::string>{"ok", "fine", "bad \xEF\xBF\xBD( here", "last"});
  CHECK(rep.replaced == 1);
}

}  // namespace
}  // namespace bitmill
