#include "bitmill/io/stale_temps.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "testing/test_util.h"

namespace bitmill {
namespace {

using testing::dead_pid;
using testing::exists;
using testing::TempDir;
using testing::write_file;

std::string temp_of(const std::string& path, pid_t pid) { return path + ".tmp." + std::to_string(pid); }

// A live process other than this one, for as long as the object lives.
class LiveChild {
 public:
  LiveChild() {
    pid_ = ::fork();
    if (pid_ == 0) {
      ::pause();
      ::_exit(0);
    }
  }
  ~LiveChild() {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  LiveChild(const LiveChild&) = delete;
  LiveChild& operator=(const LiveChild&) = delete;
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

TEST_CASE("parse_temp_output_name accepts exactly NAME.tmp.<pid>") {
  struct Case {
    const char* name;
    const char* output;  // nullptr: not a temporary output name
    pid_t pid;
  };
  const Case cases[] = {
      {"out.txt.tmp.123", "out.txt", 123},
      {"out.txt.zst.tmp.7", "out.txt.zst", 7},
      {"a.tmp.5.tmp.77", "a.tmp.5", 77},  // the last ".tmp." splits
      {"x.tmp.2147483647", "x", 2147483647},
      {"out.txt", nullptr, 0},
      {"out.txt.tmp.", nullptr, 0},
      {"out.txt.tmp.12a", nullptr, 0},
      {"out.txt.tmp.0", nullptr, 0},
      {"out.txt.tmp.0123", nullptr, 0},
      {"out.txt.tmp.-5", nullptr, 0},
      {"out.txt.tmp.+5", nullptr, 0},
      {"out.txt.tmp. 5", nullptr, 0},
      {"x.tmp.2147483648", nullptr, 0},  // past pid_t
      {"x.tmp.99999999999999999999", nullptr, 0},
      {".tmp.5", nullptr, 0},  // no output name
      {"out.txt.tmp5", nullptr, 0},
      {"out.txt.TMP.5", nullptr, 0},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    const auto t = parse_temp_output_name(c.name);
    if (c.output == nullptr) {
      CHECK_FALSE(t.has_value());
    } else {
      REQUIRE(t.has_value());
      CHECK(t->output == c.output);
      CHECK(t->pid == c.pid);
    }
  }
  CHECK(temp_output_path("d/out.txt") == temp_of("d/out.txt", ::getpid()));
}

TEST_CASE("process_gone only for a pid that names no process") {
  CHECK_FALSE(process_gone(::getpid()));
  CHECK_FALSE(process_gone(1));  // init: alive, whether or not it is ours to signal (EPERM)
  CHECK_FALSE(process_gone(0));  // kill() would address a process group
  CHECK_FALSE(process_gone(-1));
  LiveChild child;
  CHECK_FALSE(process_gone(child.pid()));
  CHECK(process_gone(dead_pid()));
}

TEST_CASE("the temporary files of dead writers of that output go, everything else stays") {
  TempDir d;
  const std::string out = d.file("out.txt");
  const pid_t dead = dead_pid();
  LiveChild live;
  const std::string stale = temp_of(out, dead);
  const std::string kept[] = {
      temp_of(out, ::getpid()),            // this process's own
      temp_of(out, live.pid()),            // a running writer's
      temp_of(d.file("other.txt"), dead),  // another output's
      temp_of(out, dead) + "x",            // not the pattern
      d.file("out.txt.tmp.0"),
      out,
  };
  write_file(stale, "partial");
  for (const auto& k : kept) write_file(k, "keep");

  auto n = remove_stale_temp_outputs(out);
  REQUIRE(n.has_value());
  CHECK(*n == 1);
  CHECK_FALSE(exists(stale));
  for (const auto& k : kept) {
    CAPTURE(k);
    CHECK(exists(k));
  }
  // Nothing left to do: a second sweep removes nothing.
  n = remove_stale_temp_outputs(out);
  REQUIRE(n.has_value());
  CHECK(*n == 0);
}

TEST_CASE("links, directories and FIFOs under a stale name are left alone") {
  TempDir d;
  const std::string out = d.file("out.txt");
  const std::string target = d.file("precious.txt");
  write_file(target, "data");
  const pid_t dead1 = dead_pid(), dead2 = dead_pid(), dead3 = dead_pid();
  REQUIRE(::symlink(target.c_str(), temp_of(out, dead1).c_str()) == 0);
  REQUIRE(::mkdir(temp_of(out, dead2).c_str(), 0700) == 0);
  REQUIRE(::mkfifo(temp_of(out, dead3).c_str(), 0600) == 0);
  auto n = remove_stale_temp_outputs(out);
  REQUIRE(n.has_value());
  CHECK(*n == 0);
  CHECK(exists(temp_of(out, dead1)));
  CHECK(exists(target));
  CHECK(exists(temp_of(out, dead2)));
  CHECK(exists(temp_of(out, dead3)));
}

TEST_CASE("a locked file belongs to a live writer, whatever its pid says") {
  TempDir d;
  const std::string out = d.file("out.bin");
  const std::string tmp = temp_of(out, dead_pid());  // as a writer on another node would look
  write_file(tmp, "being written");
  const int fd = ::open(tmp.c_str(), O_RDWR | O_CLOEXEC);
  REQUIRE(fd >= 0);
  const int lock = lock_temp_output(fd);
  REQUIRE(lock >= 0);
  ::close(fd);  // the writer's own descriptor may close: the duplicate keeps the lock
  auto n = remove_stale_temp_outputs(out);
  REQUIRE(n.has_value());
  CHECK(*n == 0);
  CHECK(exists(tmp));
  ::close(lock);  // the writer dies
  n = remove_stale_temp_outputs(out);
  REQUIRE(n.has_value());
  CHECK(*n == 1);
  CHECK_FALSE(exists(tmp));
}

TEST_CASE("remove_stale_temp_outputs_in takes the outputs a predicate names") {
  TempDir d;
  const pid_t dead = dead_pid();
  for (const char* name : {"knn.0-of-2.bin", "knn.1-of-2.bin", "notes.txt"})
    write_file(temp_of(d.file(name), dead), "x");
  auto n = remove_stale_temp_outputs_in(d.path(), [](std::string_view name) { return name.starts_with("knn."); });
  REQUIRE(n.has_value());
  CHECK(*n == 2);
  CHECK(exists(temp_of(d.file("notes.txt"), dead)));
  CHECK_FALSE(exists(temp_of(d.file("knn.0-of-2.bin"), dead)));

  auto missing = remove_stale_temp_outputs_in(d.file("nowhere"), [](std::string_view) { return true; });
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.status().message().find(d.file("nowhere")) != std::string::npos);
}

}  // namespace
}  // namespace bitmill
