// Logging to stderr with levels, and the one status line a progress display draws.
//
// stdout carries data only; every message goes to stderr as "PROGRAM: message", through
// printable() (printable.h): an error or warning is always one line, and no message carries
// terminal controls or malformed UTF-8 from the input it quotes.
// The status line is drawn (with \r, no newline) only when stderr is a terminal; messages
// clear it first and it is redrawn on the next update.
//
// Thread safety: all members may be called from any thread.
#pragma once

#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

#include <fmt/core.h>

namespace bitmill {

enum class LogLevel { kError = 0, kWarning = 1, kInfo = 2, kDebug = 3 };

class Log {
 public:
  // `program` prefixes every message. Defaults to kInfo on stderr.
  explicit Log(std::string program, LogLevel level = LogLevel::kInfo, std::FILE* stream = stderr);

  void set_level(LogLevel level) { level_ = level; }
  LogLevel level() const { return level_; }
  const std::string& program() const { return program_; }
  // True when `stream` is a terminal (progress is only drawn then).
  bool is_tty() const { return tty_; }

  void write(LogLevel level, std::string_view message);

  template <typename... Args>
  void error(fmt::format_string<Args...> f, Args&&... args) {
    write(LogLevel::kError, fmt::format(f, std::forward<Args>(args)...));
  }
  template <typename... Args>
  void warn(fmt::format_string<Args...> f, Args&&... args) {
    if (level_ >= LogLevel::kWarning) write(LogLevel::kWarning, fmt::format(f, std::forward<Args>(args)...));
  }
  template <typename... Args>
  void info(fmt::format_string<Args...> f, Args&&... args) {
    if (level_ >= LogLevel::kInfo) write(LogLevel::kInfo, fmt::format(f, std::forward<Args>(args)...));
  }
  template <typename... Args>
  void debug(fmt::format_string<Args...> f, Args&&... args) {
    if (level_ >= LogLevel::kDebug) write(LogLevel::kDebug, fmt::format(f, std::forward<Args>(args)...));
  }

  // Replaces the status line (terminal only; a no-op otherwise or when quiet).
  void status_line(std::string_view text);
  // Erases the status line, if one is drawn.
  void clear_status_line();

 private:
  void clear_locked();

  std::string program_;
  LogLevel level_;
  std::FILE* stream_;
  bool tty_;
  std::mutex mu_;
  size_t status_width_ = 0;
};

}  // namespace bitmill
