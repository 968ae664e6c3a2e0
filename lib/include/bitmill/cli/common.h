// Command-line pieces shared by every bitmill tool, so that common options are spelled, parsed
// and documented the same way everywhere (CLI11 option groups).
//
// Exit codes: 0 success (also --help, --version), 1 usage error, 2 data or I/O error; a fatal
// signal ends the process by that signal after temporary outputs are removed.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "bitmill/base/log.h"
#include "bitmill/base/status.h"
#include "bitmill/io/input_set.h"
#include "bitmill/text/utf8.h"
#include "bitmill/util/shard.h"

namespace bitmill::cli {

struct CommonOptions {
  bool quiet = false;
  int verbose = 0;
  size_t threads = 0;  // 0 = all cores
  std::string shard;
  std::string shard_by = "line";
  std::string invalid_utf8 = "fail";
  std::string memory;  // empty = default_memory_budget()
  std::string tmp_dir;
};

// "bitmill-dedup 0.1.0 (git v0.1.0-3-gabcdef)".
std::string version_string(const std::string& program);

// Sets the description, footer and --version flag of a tool.
void setup_app(CLI::App& app, const std::string& program, const std::string& description);

void add_log_options(CLI::App& app, CommonOptions& o);     // -q/--quiet, -v/--verbose
void add_thread_option(CLI::App& app, CommonOptions& o);   // -t/--threads
void add_shard_options(CLI::App& app, CommonOptions& o);   // --shard I/N, --shard-by line|file
void add_utf8_option(CLI::App& app, CommonOptions& o);     // --invalid-utf8 fail|skip|replace
void add_memory_options(CLI::App& app, CommonOptions& o);  // --memory SIZE, --tmp-dir DIR

// Restricts `opt` to `choices` and shows them as its value name: "--key line|src|tgt|pair".
CLI::Option* one_of(CLI::Option* opt, const std::vector<std::string>& choices);

LogLevel log_level(const CommonOptions& o);
Expected<InvalidUtf8Policy> parse_invalid_utf8(const std::string& s);
// The --memory value, or the default: half the machine's memory, at most 4 GiB.
Expected<uint64_t> memory_budget(const CommonOptions& o);
// The --shard value, else the Slurm array environment, else the whole input.
Expected<Shard> shard(const CommonOptions& o);
size_t thread_count(const CommonOptions& o);
// How a tool that streams its inputs reads them: --invalid-utf8, --shard (as shard()) and --shard-by.
Expected<InputSetOptions> input_set_options(const CommonOptions& o);

// Parses the command line and runs `body` with the tool's thread limit in force. Prints usage
// errors (exit 1) and the body's error as "PROGRAM: error: message" (exit 2 for data and I/O
// errors, 1 for invalid arguments). Installs the signal cleanup of temporary outputs first.
int run(CLI::App& app, int argc, char** argv, Log& log, const CommonOptions& common,
        const std::function<Status()>& body);

}  // namespace bitmill::cli
