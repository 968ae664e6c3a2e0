#include "bitmill/cli/common.h"

#include <tbb/global_control.h>
#include <tbb/info.h>

#include <cstdlib>

#include "bitmill/cli/checks.h"
#include "bitmill/io/signal_cleanup.h"
#include "bitmill/kernels/kernels.h"
#include "bitmill/util/size.h"
#include "bitmill/version.h"

namespace bitmill::cli {

std::string version_string(const std::string& program) {
  std::string v = program + " " + BITMILL_VERSION;
  const std::string git = BITMILL_GIT_DESCRIBE;
  if (!git.empty()) v += " (git " + git + ")";
  return v;
}

void setup_app(CLI::App& app, const std::string& program, const std::string& description) {
  app.name(program);
  app.description(description);
  app.set_version_flag("--version", version_string(program), "Print the version and exit");
  app.footer(
      "Exit status: 0 success, 1 usage error, 2 data or I/O error.\n"
      "'-' means stdin/stdout; .gz/.zst outputs by extension, compressed inputs by content.\n"
      "See man " +
      program + " for details.");
  app.get_formatter()->column_width(34);
}

CLI::Option* one_of(CLI::Option* opt, const std::vector<std::string>& choices) {
  std::string names;
  for (const auto& c : choices) names += (names.empty() ? "" : "|") + c;
  return opt->check(CLI::IsMember(choices).description(""))->type_name(names);
}

void add_log_options(CLI::App& app, CommonOptions& o) {
  app.add_flag("-q,--quiet", o.quiet, "Print errors only (no summary, no progress)")->group("Logging");
  app.add_flag("-v,--verbose", o.verbose, "More detail on stderr")->group("Logging");
}

void add_thread_option(CLI::App& app, CommonOptions& o) {
  app.add_option("-t,--threads", o.threads, "Worker threads (0 = all cores); output does not depend on it")
      ->type_name("N")
      ->default_val(0)
      ->check(count_in(0, kMaxThreads))
      ->group("Performance");
}

void add_shard_options(CLI::App& app, CommonOptions& o) {
  app.add_option("--shard", o.shard,
                 "Process shard I of N (0-based), e.g. 3/16; default: from SLURM_ARRAY_TASK_ID and "
                 "SLURM_ARRAY_TASK_COUNT when set, else everything")
      ->type_name("I/N")
      ->group("Sharding");
  one_of(app.add_option("--shard-by", o.shard_by, "What a shard selects: every N-th line, or every N-th input file"),
         {"line", "file"})
      ->default_val("line")
      ->group("Sharding");
}

void add_utf8_option(CLI::App& app, CommonOptions& o) {
  one_of(app.add_option("--invalid-utf8", o.invalid_utf8,
                        "Lines that are not valid UTF-8: fail (stop, naming file:line), skip (drop and count), "
                        "replace (U+FFFD)"),
         {"fail", "skip", "replace"})
      ->default_val("fail")
      ->group("Input");
}

void add_memory_options(CLI::App& app, CommonOptions& o) {
  app.add_option("--memory", o.memory,
                 "Memory budget for tables and sort buffers, e.g. 512M, 8G (default: half of RAM, at most 4G); "
                 "past it, work spills to disk")
      ->type_name("SIZE")
      ->group("Performance");
  app.add_option("--tmp-dir", o.tmp_dir, "Directory for spill files (default: $TMPDIR or /tmp)")
      ->type_name("DIR")
      ->group("Performance");
}

LogLevel log_level(const CommonOptions& o) {
  if (o.quiet) return LogLevel::kError;
  return o.verbose > 0 ? LogLevel::kDebug : LogLevel::kInfo;
}

Expected<InvalidUtf8Policy> parse_invalid_utf8(const std::string& s) {
  if (s == "fail") return InvalidUtf8Policy::kFail;
  if (s == "skip") return InvalidUtf8Policy::kSkip;
  if (s == "replace") return InvalidUtf8Policy::kReplace;
  return invalid_argument("invalid --invalid-utf8 '" + s + "': expected fail, skip or replace");
}

Expected<uint64_t> memory_budget(const CommonOptions& o) {
  if (!o.memory.empty()) {
    BITMILL_ASSIGN_OR_RETURN(uint64_t m, parse_size(o.memory));
    if (m < (uint64_t{1} << 20)) return invalid_argument("--memory " + o.memory + " is below the minimum of 1M");
    return m;
  }
  const uint64_t ram = physical_memory_bytes();
  const uint64_t cap = uint64_t{4} << 30;
  return ram == 0 ? cap : std::min(cap, ram / 2);
}

Expected<Shard> shard(const CommonOptions& o) {
  return resolve_shard(o.shard, [](const char* name) { return std::getenv(name); });
}

size_t thread_count(const CommonOptions& o) {
  if (o.threads > 0) return o.threads;
  return static_cast<size_t>(tbb::info::default_concurrency());
}

Expected<InputSetOptions> input_set_options(const CommonOptions& o) {
  InputSetOptions io;
  BITMILL_ASSIGN_OR_RETURN(io.invalid_utf8, parse_invalid_utf8(o.invalid_utf8));
  BITMILL_ASSIGN_OR_RETURN(io.shard, shard(o));
  BITMILL_ASSIGN_OR_RETURN(io.shard_by, parse_shard_by(o.shard_by));
  return io;
}

int run(CLI::App& app, int argc, char** argv, Log& log, const CommonOptions& common,
        const std::function<Status()>& body) {
  install_signal_cleanup();
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    log.error("{}", e.what());
    log.write(LogLevel::kInfo, "run '" + app.get_name() + " --help' for usage");
    return 1;
  }
  log.set_level(log_level(common));
  // A BITMILL_ISA the kernels cannot honour stops every tool before any work, as a usage error.
  if (const std::string isa = kernels::isa_env_error(); !isa.empty()) {
    log.error("{}", isa);
    return 1;
  }
  log.debug("kernels: {} (this CPU: {})", kernels::isa_name(kernels::active_isa()),
            kernels::isa_name(kernels::detected_isa()));
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, thread_count(common));
  Status s = body();
  if (s.is_ok()) return 0;
  log.error("{}", s.message());
  return exit_code(s);
}

}  // namespace bitmill::cli
