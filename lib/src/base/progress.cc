#include "bitmill/base/progress.h"

#include <fmt/format.h>

namespace bitmill {

using Clock = std::chrono::steady_clock;

Progress::Progress(Log& log, std::optional<uint64_t> total_bytes, std::string unit)
    : log_(log),
      total_(total_bytes),
      unit_(std::move(unit)),
      start_(Clock::now()),
      last_draw_(start_),
      enabled_(log.is_tty() && log.level() >= LogLevel::kInfo) {}

double Progress::elapsed_seconds() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

void Progress::update(uint64_t items, uint64_t bytes) {
  if (!enabled_) return;
  const auto now = Clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(250)) return;
  last_draw_ = now;
  const double secs = std::chrono::duration<double>(now - start_).count();
  const double rate = secs > 0 ? static_cast<double>(bytes) / secs : 0.0;
  std::string text = fmt::format("{} {}, {}/s", format_count(items), unit_, format_bytes(rate));
  if (total_ && *total_ > 0 && bytes <= *total_) {
    const double frac = static_cast<double>(bytes) / static_cast<double>(*total_);
    text += fmt::format(", {:.1f}%", 100.0 * frac);
    if (rate > 0) text += ", ETA " + format_duration(static_cast<double>(*total_ - bytes) / rate);
  }
  log_.status_line(text);
}

void Progress::finish() {
  if (enabled_) log_.clear_status_line();
}

std::string Progress::format_duration(double s) {
  if (s < 60) return fmt::format("{:.1f} s", s);
  const auto total = static_cast<uint64_t>(s + 0.5);
  if (total < 3600) return fmt::format("{} min {:02} s", total / 60, total % 60);
  return fmt::format("{} h {:02} min", total / 3600, (total % 3600) / 60);
}

std::string Progress::format_bytes(double b) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  int u = 0;
  while (b >= 1000.0 && u < 4) {
    b /= 1000.0;
    ++u;
  }
  return u == 0 ? fmt::format("{:.0f} {}", b, units[u]) : fmt::format("{:.1f} {}", b, units[u]);
}

std::string Progress::format_count(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  const size_t len = digits.size();
  for (size_t i = 0; i < len; ++i) {
    if (i > 0 && (len - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string Progress::format_count(uint64_t n, const std::string& noun) {
  return format_count(n) + " " + noun + (n == 1 ? "" : "s");
}

}  // namespace bitmill
