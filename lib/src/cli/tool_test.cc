#include "bitmill/cli/tool.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace bitmill::cli {

TEST_CASE("cli::Tool: the shared options bind to the tool's CommonOptions, in one order for every tool") {
  CommonOptions common;
  Tool tool("bitmill-test", "A test tool.", common);
  std::vector<std::string> inputs;
  tool.add_inputs(inputs);
  tool.add_shared(tool.app, kLogging | kThreads | kShard | kUtf8);  // the bits' order does not matter
  tool.app.parse("a.txt b.txt --invalid-utf8 skip --shard 1/4 --shard-by file -t 3 -q", false);
  CHECK(inputs == std::vector<std::string>{"a.txt", "b.txt"});
  CHECK(common.quiet);
  CHECK(common.threads == 3);
  CHECK(common.shard == "1/4");
  CHECK(common.shard_by == "file");
  CHECK(common.invalid_utf8 == "skip");
  CHECK(tool.app.get_option_no_throw("--memory") == nullptr);  // not asked for

  // --help lists them in Shared's order: input handling, sharding, performance, logging.
  const std::string help = tool.app.help();
  const size_t utf8 = help.find("--invalid-utf8"), shard = help.find("--shard "), threads = help.find("--threads"),
               quiet = help.find("--quiet");
  REQUIRE(utf8 != std::string::npos);
  CHECK(utf8 < shard);
  CHECK(shard < threads);
  CHECK(threads < quiet);
  CHECK(help.find("Exit status: 0 success") != std::string::npos);
}

}  // namespace bitmill::cli
