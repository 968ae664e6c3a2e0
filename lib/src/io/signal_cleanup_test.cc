#include "bitmill/io/signal_cleanup.h"

#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "bitmill/io/output_stream.h"
#include "testing/test_util.h"

namespace bitmill {
namespace {

using testing::exists;
using testing::TempDir;

struct Death {
  bool signaled = false;
  int sig = 0;
  pid_t pid = 0;
};

// Runs a child that installs the cleanup (or not), writes `path` halfway and receives `sig`.
// `ignore` first sets the signal to SIG_IGN, as nohup or a shell's background job would.
Death write_and_receive(const std::string& path, int sig, bool ignore = false) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (ignore) ::signal(sig, SIG_IGN);
    install_signal_cleanup();
    auto out = OutputStream::open(path);
    if (!out.has_value() || !(*out)->write_line("partial").is_ok()) ::_exit(3);
    ::raise(sig);
    ::_exit(0);  // reached only when the signal is ignored; the destructor is not run here
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return {WIFSIGNALED(status), WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status), pid};
}

std::string tmp_of(const std::string& path, pid_t pid) { return path + ".tmp." + std::to_string(pid); }

TEST_CASE("a fatal signal removes the temporary output, then kills the process by that signal") {
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) {
    CAPTURE(sig);
    TempDir d;
    const std::string path = d.file("out.txt");
    const Death death = write_and_receive(path, sig);
    CHECK(death.signaled);
    CHECK(death.sig == sig);  // a shell sees 128+N
    CHECK_FALSE(exists(tmp_of(path, death.pid)));
    CHECK_FALSE(exists(path));
  }
}

TEST_CASE("SIGKILL runs no handler: its leftover is the next writer's to remove") {
  TempDir d;
  const std::string path = d.file("out.txt");
  const Death death = write_and_receive(path, SIGKILL);
  CHECK(death.signaled);
  CHECK(death.sig == SIGKILL);
  CHECK(exists(tmp_of(path, death.pid)));
  CHECK_FALSE(exists(path));
}

TEST_CASE("an inherited ignored signal stays ignored") {
  TempDir d;
  const Death death = write_and_receive(d.file("out.txt"), SIGHUP, /*ignore=*/true);
  CHECK_FALSE(death.signaled);
  CHECK(death.sig == 0);
}

TEST_CASE("the registry takes 256 paths, refuses a path too long, and frees slots") {
  std::vector<int> slots;
  for (int i = 0; i < 256; ++i) slots.push_back(register_temp_path(("/nonexistent/x" + std::to_string(i)).c_str()));
  CHECK(std::find(slots.begin(), slots.end(), -1) == slots.end());
  CHECK(register_temp_path("/nonexistent/full") == -1);
  unregister_temp_path(slots[7]);
  CHECK(register_temp_path("/nonexistent/again") == slots[7]);
  unregister_temp_path(slots[7]);
  for (int s : slots) unregister_temp_path(s);
  CHECK(register_temp_path(std::string(5000, 'a').c_str()) == -1);
}

}  // namespace
}  // namespace bitmill
