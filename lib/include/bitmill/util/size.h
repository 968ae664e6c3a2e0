// Byte sizes as users write them: "512M", "4G", "1.5GiB", "100000" (bytes). K/M/G/T are powers of
// 1024 (as in sort -S and Slurm --mem); a trailing "B" or "iB" is accepted.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "bitmill/base/status.h"

namespace bitmill {

Expected<uint64_t> parse_size(std::string_view text);

// "1.5 GiB" style, for messages.
std::string format_size(uint64_t bytes);

// Physical memory of the machine (0 if unknown).
uint64_t physical_memory_bytes();

}  // namespace bitmill
