#include "bitmill/io/input_set.h"

#include <doctest/doctest.h>

#include <vector>

#include "testing/test_util.h"

namespace bitmill {
namespace {

using testing::TempDir;
using testing::write_file;

struct Got {
  std::vector<std::string> lines;  // "input:line:text"
  Status status;
};

Got collect(InputSet& in, const std::vector<std::string>& names) {
  Got g;
  LineBlock b;
  uint64_t expect_ordinal = 0;
  for (;;) {
    auto more = in.next_block(b);
    if (!more.has_value()) {
      g.status = more.status();
      break;
    }
    if (!*more) break;
    CHECK(b.first_ordinal == expect_ordinal);
    expect_ordinal += b.size();
    for (size_t i = 0; i < b.size(); ++i) {
      g.lines.push_back(names[b.input] + ":" + std::to_string(b.numbers[i]) + ":" + std::string(b.line(i)));
    }
  }
  return g;
}

TEST_CASE("inputs are read in order, in blocks of whole lines") {
  TempDir d;
  write_file(d.file("a"), "a1\na2\na3\n");
  write_file(d.file("b"), "b1\nb2");
  InputSetOptions o;
  o.block_bytes = 4;  // forces a block per line or two
  auto in = InputSet::open({d.file("a"), d.file("b")}, o);
  REQUIRE(in.has_value());
  const Got g = collect(**in, {"a", "b"});
  CHECK(g.status.is_ok());
  CHECK(g.lines == std::vector<std::string>{"a:1:a1", "a:2:a2", "a:3:a3", "b:1:b1", "b:2:b2"});
  CHECK((*in)->raw_bytes_total() == 14u);
  CHECK((*in)->lines_read() == 5u);
}

TEST_CASE("line shards take every N-th line across all inputs and together cover everything") {
  TempDir d;
  write_file(d.file("a"), "a1\na2\na3\n");
  write_file(d.file("b"), "b1\nb2\nb3\nb4\n");
  std::vector<std::string> all;
  const std::vector<std::vector<std::string>> expected = {
      {"a:1:a1", "b:1:b1", "b:4:b4"}, {"a:2:a2", "b:2:b2"}, {"a:3:a3", "b:3:b3"}};
  for (uint64_t i = 0; i < 3; ++i) {
    InputSetOptions o;
    o.shard = Shard{i, 3};
    auto in = InputSet::open({d.file("a"), d.file("b")}, o);
    REQUIRE(in.has_value());
    const Got g = collect(**in, {"a", "b"});
    CHECK(g.lines == expected[i]);
  }
}

TEST_CASE("file shards take every N-th input") {
  TempDir d;
  for (const char* n : {"f0", "f1", "f2"}) write_file(d.file(n), std::string(n) + "\n");
  InputSetOptions o;
  o.shard = Shard{1, 2};
  o.shard_by = ShardBy::kFile;
  auto in = InputSet::open({d.file("f0"), d.file("f1"), d.file("f2")}, o);
  REQUIRE(in.has_value());
  CHECK((*in)->names() == std::vector<std::string>{d.file("f1")});
}

TEST_CASE("a missing input fails before anything is read") {
  TempDir d;
  write_file(d.file("a"), "x\n");
  auto in = InputSet::open({d.file("a"), d.file("missing")}, InputSetOptions{});
  REQUIRE_FALSE(in.has_value());
  CHECK(in.status().code() == StatusCode::kNotFound);
  CHECK(in.status().message() == d.file("missing") + ": No such file or directory");
  CHECK(InputSet::open({"-", "-"}, InputSetOptions{}).status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("an invalid line stops reading with file and line") {
  TempDir d;
  write_file(d.file("a"), "x\ny\n\xFF\n");
  auto in = InputSet::open({d.file("a")}, InputSetOptions{});
  REQUIRE(in.has_value());
  const Got g = collect(**in, {"a"});
  CHECK(g.status.message().rfind(d.file("a") + ":3: invalid UTF-8", 0) == 0);
}

}  // namespace
}  // namespace bitmill

namespace bitmill {
namespace {

TEST_CASE("each line shard checks only its own lines for UTF-8") {
  TempDir d;
  write_file(d.file("a"), "ok\n\xFF\nok2\n");
  InputSetOptions o;
  o.shard = Shard{0, 2};
  auto in0 = InputSet::open({d.file("a")}, o);
  REQUIRE(in0.has_value());
  const Got g0 = collect(**in0, {"a"});
  CHECK(g0.status.is_ok());
  CHECK(g0.lines == std::vector<std::string>{"a:1:ok", "a:3:ok2"});

  o.shard = Shard{1, 2};
  auto in1 = InputSet::open({d.file("a")}, o);
  REQUIRE(in1.has_value());
  CHECK(collect(**in1, {"a"}).status.message().rfind(d.file("a") + ":2: invalid UTF-8", 0) == 0);

  o.invalid_utf8 = InvalidUtf8Policy::kSkip;
  auto in1s = InputSet::open({d.file("a")}, o);
  REQUIRE(in1s.has_value());
  CHECK(collect(**in1s, {"a"}).lines.empty());
  CHECK((*in1s)->lines_skipped() == 1);
}

}  // namespace
}  // namespace bitmill
