#include "bitmill/base/summary.h"

#include <fmt/format.h>

#include "bitmill/base/progress.h"

namespace bitmill {

double per_second(uint64_t count, double seconds) { return seconds > 0 ? static_cast<double>(count) / seconds : 0.0; }

std::string time_suffix(double seconds) { return " [" + Progress::format_duration(seconds) + "]"; }

std::string time_rate_suffix(double seconds, uint64_t bytes) {
  return fmt::format(" [{}, {}/s]", Progress::format_duration(seconds),
                     Progress::format_bytes(per_second(bytes, seconds)));
}

std::string in_kept_text(uint64_t in, const std::string& noun, uint64_t kept, uint64_t dropped,
                         const std::string& dropped_word) {
  const double pct = in ? 100.0 * static_cast<double>(dropped) / static_cast<double>(in) : 0.0;
  return fmt::format("{} in, {} kept, {} {} ({:.1f}%)", Progress::format_count(in, noun), Progress::format_count(kept),
                     Progress::format_count(dropped), dropped_word, pct);
}

}  // namespace bitmill
