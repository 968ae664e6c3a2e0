// Wall-clock time since a tool (or one of its steps) started, for its summary and debug lines.
//
// A Stopwatch starts when it is made and reads the monotonic clock (std::chrono::steady_clock), so
// a change of the system time does not affect it. seconds() is the time since then; elapsed() is
// that time as Progress::format_duration() writes it ("1.2 s", "3 min 04 s").
//
// Thread safety: a plain value; reading it from several threads is safe.
#pragma once

#include <chrono>
#include <string>

namespace bitmill::cli {

class Stopwatch {
 public:
  Stopwatch() : start_(std::chrono::steady_clock::now()) {}

  double seconds() const;
  std::string elapsed() const;

 private:
  std::chrono::steady_clock::time_point start_;
};

}  // namespace bitmill::cli
