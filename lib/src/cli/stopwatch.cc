#include "bitmill/cli/stopwatch.h"

#include "bitmill/base/progress.h"

namespace bitmill::cli {

double Stopwatch::seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

std::string Stopwatch::elapsed() const { return Progress::format_duration(seconds()); }

}  // namespace bitmill::cli
