#include "bitmill/io/stale_temps.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <limits>

namespace bitmill {
namespace {

constexpr std::string_view kTempInfix = ".tmp.";

std::string dir_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string base_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Closes a descriptor at scope exit.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// Whether `path` (a name in a listed directory) is a stale temporary output of a process that is
// gone; on true, the file is removed. The checks run on an open descriptor, so that a file put in
// its place meanwhile (another run reusing the pid's name) is not the one removed.
Expected<bool> remove_if_stale(const std::string& path, pid_t pid) {
  if (pid == ::getpid() || !process_gone(pid)) return false;
  // Read-write where possible: NFS emulates flock() with POSIX locks, whose exclusive kind needs a
  // descriptor open for writing. O_NONBLOCK: a FIFO under that name must not block the open.
  Fd f;
  f.fd = ::open(path.c_str(), O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (f.fd < 0 && (errno == EACCES || errno == EISDIR)) {
    f.fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  }
  if (f.fd < 0) return false;  // gone already, a link, or not ours to read: leave it
  struct stat st {};
  if (::fstat(f.fd, &st) != 0 || !S_ISREG(st.st_mode)) return false;
  // A lock held means a live writer, whatever the pid says (another node, another namespace).
  // Other failures (no lock support) leave the pid's verdict standing.
  if (::flock(f.fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK) return false;
  struct stat now {};
  if (::lstat(path.c_str(), &now) != 0 || now.st_dev != st.st_dev || now.st_ino != st.st_ino) return false;
  if (::unlink(path.c_str()) != 0) {
    if (errno == ENOENT) return false;
    return errno_status(path, errno);
  }
  return true;
}

}  // namespace

std::string temp_output_path(const std::string& path) {
  return path + std::string(kTempInfix) + std::to_string(::getpid());
}

std::optional<TempOutputName> parse_temp_output_name(std::string_view name) {
  const size_t at = name.rfind(kTempInfix);
  if (at == std::string_view::npos || at == 0) return std::nullopt;
  const std::string_view digits = name.substr(at + kTempInfix.size());
  if (digits.empty() || digits.size() > 10 || digits.front() == '0') return std::nullopt;
  int64_t v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (v > std::numeric_limits<pid_t>::max()) return std::nullopt;
  return TempOutputName{name.substr(0, at), static_cast<pid_t>(v)};
}

bool process_gone(pid_t pid) {
  // pid 0 and negative pids name process groups for kill(): never a file's owner.
  if (pid <= 0) return false;
  return ::kill(pid, 0) == -1 && errno == ESRCH;
}

Expected<size_t> remove_stale_temp_outputs_in(const std::string& dir,
                                              const std::function<bool(std::string_view)>& is_output) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return errno_status(dir, errno);
  size_t removed = 0;
  Status failed = Status::ok();
  errno = 0;
  while (const dirent* e = ::readdir(d)) {
    const std::string_view name(e->d_name);
    const auto t = parse_temp_output_name(name);
    if (t && is_output(t->output)) {
      auto r = remove_if_stale(dir + "/" + std::string(name), t->pid);
      if (!r) {
        failed = r.status();
        break;
      }
      removed += *r ? 1 : 0;
    }
    errno = 0;
  }
  const int err = errno;
  ::closedir(d);
  if (!failed.is_ok()) return failed;
  if (err != 0) return errno_status(dir, err);
  return removed;
}

Expected<size_t> remove_stale_temp_outputs(const std::string& path) {
  const std::string base = base_of(path);
  if (base.empty()) return size_t{0};
  return remove_stale_temp_outputs_in(dir_of(path), [&](std::string_view name) { return name == base; });
}

int lock_temp_output(int fd) {
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) return -1;
  // A flock() lock belongs to the open file description, which the duplicate shares.
  return ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
}

}  // namespace bitmill
