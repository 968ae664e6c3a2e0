// A progress display on stderr: lines, MB/s and, when the input size is known, percent and ETA.
// Drawn through Log::status_line, so only when stderr is a terminal; updates are throttled to a
// few per second, so calling update() once per block costs nothing measurable.
//
// Thread safety: one thread calls update(); finish() from the same thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "bitmill/base/log.h"

namespace bitmill {

class Progress {
 public:
  // `total_bytes`: the input size when known (sum of regular files); enables percent and ETA.
  Progress(Log& log, std::optional<uint64_t> total_bytes, std::string unit = "lines");

  // `items` processed so far, `bytes` of input consumed so far (compressed bytes for archives,
  // so that they compare with total_bytes).
  void update(uint64_t items, uint64_t bytes);
  void finish();

  double elapsed_seconds() const;

  // "1.2 s" / "3 min 04 s" / "1 h 02 min".
  static std::string format_duration(double seconds);
  // "12.3 MB" style (decimal units, as throughput is usually quoted).
  static std::string format_bytes(double bytes);
  // "1,234,567".
  static std::string format_count(uint64_t n);
  // "1 line", "1,234 lines" (English plural by appending 's').
  static std::string format_count(uint64_t n, const std::string& noun);

 private:
  Log& log_;
  std::optional<uint64_t> total_;
  std::string unit_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  bool enabled_;
};

}  // namespace bitmill
