#include "bitmill/base/status.h"

#include <doctest/doctest.h>

#include <cerrno>

namespace bitmill {
namespace {

Expected<int> half(int x) {
  if (x % 2 != 0) return data_error("odd: " + std::to_string(x));
  return x / 2;
}

Expected<int> quarter(int x) {
  BITMILL_ASSIGN_OR_RETURN(int h, half(x));
  BITMILL_ASSIGN_OR_RETURN(int q, half(h));
  return q;
}

Status check_even(int x) {
  BITMILL_RETURN_IF_ERROR(half(x).status());
  return Status::ok();
}

TEST_CASE("Expected carries a value or the reason there is none") {
  CHECK(*quarter(8) == 2);
  const auto e = quarter(6);  // 6/2 = 3 is odd
  REQUIRE_FALSE(e.has_value());
  CHECK(e.status().code() == StatusCode::kDataError);
  CHECK(e.status().message() == "odd: 3");
  CHECK(check_even(4).is_ok());
  CHECK(check_even(5).message() == "odd: 5");
}

TEST_CASE("exit codes: 0 ok, 1 usage, 2 data and I/O") {
  struct Row {
    Status s;
    int code;
  };
  const Row rows[] = {
      {Status::ok(), 0},  {invalid_argument("x"), 1}, {not_found("x"), 2},      {data_error("x"), 2},
      {io_error("x"), 2}, {unavailable("x"), 2},      {internal_error("x"), 2},
  };
  for (const auto& r : rows) CHECK(exit_code(r.s) == r.code);
}

TEST_CASE("errno_status names the file and maps ENOENT to not-found") {
  const Status s = errno_status("a.txt", ENOENT);
  CHECK(s.code() == StatusCode::kNotFound);
  CHECK(s.message() == "a.txt: No such file or directory");
  CHECK(errno_status("b", EACCES).code() == StatusCode::kIoError);
  CHECK(data_error("bad").with_prefix("f.txt:3").message() == "f.txt:3: bad");
}

}  // namespace
}  // namespace bitmill
