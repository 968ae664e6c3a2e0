#include "bitmill/cli/tool.h"

namespace bitmill::cli {

Tool::Tool(const std::string& program, const std::string& description, CommonOptions& c) : log(program), common(c) {
  setup_app(app, program, description);
}

void Tool::add_shared(CLI::App& a, unsigned which) {
  if (which & kUtf8) add_utf8_option(a, common);
  if (which & kShard) add_shard_options(a, common);
  if (which & kMemory) add_memory_options(a, common);
  if (which & kThreads) add_thread_option(a, common);
  if (which & kLogging) add_log_options(a, common);
}

CLI::Option* Tool::add_inputs(std::vector<std::string>& inputs) {
  return app.add_option("inputs", inputs, "Input files, read in order; '-' or none for stdin")->type_name("INPUT...");
}

int Tool::run(int argc, char** argv, const std::function<Status()>& body) {
  return cli::run(app, argc, argv, log, common, body);
}

}  // namespace bitmill::cli
