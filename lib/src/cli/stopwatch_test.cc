#include "bitmill/cli/stopwatch.h"

#include <doctest/doctest.h>

#include <thread>

namespace bitmill::cli {
namespace {

TEST_CASE("cli: a stopwatch counts from its start, and only forwards") {
  const Stopwatch sw;
  const double a = sw.seconds();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const double b = sw.seconds();
  CHECK(a >= 0);
  CHECK(b >= a + 0.015);
  CHECK(sw.elapsed().ends_with(" s"));
}

}  // namespace
}  // namespace bitmill::cli
