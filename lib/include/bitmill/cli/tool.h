// One bitmill program: its command line (a CLI11 app with the description, footer and --version
// every tool has), its log, and the options every tool shares, declared once (llama.cpp's
// common-options style). A tool's main() makes one, declares its own options on app (and its
// subcommands), adds the shared ones it takes with add_shared(), and returns run()'s exit code.
//
// Thread safety: single-threaded use from main().
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "bitmill/base/log.h"
#include "bitmill/base/status.h"
#include "bitmill/cli/common.h"

namespace bitmill::cli {

// The shared options, in the order every tool lists them (a bit set).
enum Shared : unsigned {
  kUtf8 = 1,      // --invalid-utf8
  kShard = 2,     // --shard, --shard-by
  kMemory = 4,    // --memory, --tmp-dir
  kThreads = 8,   // -t/--threads
  kLogging = 16,  // -q/--quiet, -v/--verbose
};

class Tool {
 public:
  // `program` is the name in messages, --help and --version ("bitmill-dedup"); the shared options
  // are bound to `common`, which must outlive the Tool.
  Tool(const std::string& program, const std::string& description, CommonOptions& common);

  // Adds the shared options in `which` to `app` (the tool's app or one of its subcommands), in the
  // order of Shared, bound to `common`.
  void add_shared(CLI::App& app, unsigned which);
  // The positional INPUT... of the tools that stream files: "read in order; '-' or none for stdin".
  CLI::Option* add_inputs(std::vector<std::string>& inputs);

  // Parses argv and runs `body` as cli::run does (common.h): usage errors exit 1, the body's
  // error 2 (or 1 for an invalid argument).
  int run(int argc, char** argv, const std::function<Status()>& body);

  CLI::App app;
  Log log;
  CommonOptions& common;
};

}  // namespace bitmill::cli
