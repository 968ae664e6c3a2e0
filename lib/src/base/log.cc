#include "bitmill/base/log.h"

#include <unistd.h>

#include "bitmill/base/printable.h"

namespace bitmill {

Log::Log(std::string program, LogLevel level, std::FILE* stream)
    : program_(std::move(program)), level_(level), stream_(stream), tty_(isatty(fileno(stream)) != 0) {}

void Log::write(LogLevel level, std::string_view message) {
  std::lock_guard lock(mu_);
  clear_locked();
  const char* tag = "";
  if (level == LogLevel::kError) tag = "error: ";
  if (level == LogLevel::kWarning) tag = "warning: ";
  // An error or warning is one line, whatever bytes of the input it quotes; other messages may
  // be several lines by design, but never drive the terminal either.
  const Lines lines = level <= LogLevel::kWarning ? Lines::kEscape : Lines::kKeep;
  fmt::print(stream_, "{}: {}{}\n", program_, tag, printable(message, lines));
  std::fflush(stream_);
}

void Log::status_line(std::string_view text) {
  if (!tty_ || level_ < LogLevel::kInfo) return;
  std::lock_guard lock(mu_);
  clear_locked();
  fmt::print(stream_, "{}: {}", program_, text);
  status_width_ = program_.size() + 2 + text.size();
  std::fflush(stream_);
}

void Log::clear_status_line() {
  std::lock_guard lock(mu_);
  clear_locked();
}

void Log::clear_locked() {
  if (status_width_ == 0) return;
  fmt::print(stream_, "\r{:{}}\r", "", status_width_);
  status_width_ = 0;
}

}  // namespace bitmill
