// The summary line a tool logs at the end of a run (stderr, info level): what went in and what
// came out, then in brackets the time it took and, for tools that stream their input, the input's
// throughput:
//
//   1,000 lines in, 900 kept, 100 removed (10.0%) [1.2 s, 81.0 MB/s]
//
// tests/cli/run.sh and scripts/dev/same_output.sh replace the bracket by "[TIME]" before they
// compare outputs, so it stays the last thing on the line and keeps this form: time_suffix() is
// " [DURATION]", time_rate_suffix() " [DURATION, BYTES/s]", with Progress's formats. A zero time
// gives a rate of 0.
//
// in_kept_text() is the counting part that the filtering tools share: "N NOUNs in, K kept, D
// DROPPED (P%)", P = 100 D / N with one decimal (0 when N is 0).
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>

namespace bitmill {

// `count` per second over `seconds`; 0 when no time has passed.
double per_second(uint64_t count, double seconds);

std::string time_suffix(double seconds);
std::string time_rate_suffix(double seconds, uint64_t bytes);

std::string in_kept_text(uint64_t in, const std::string& noun, uint64_t kept, uint64_t dropped,
                         const std::string& dropped_word);

}  // namespace bitmill
