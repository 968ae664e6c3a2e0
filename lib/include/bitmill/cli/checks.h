// Validators for the numeric option values, checked on the text before CLI11 converts it: CLI11
// reads "-1" into an unsigned count as 2^64 - 1 and takes "nan" as a threshold, and either would
// reach the tool (an allocation of absurd size, a comparison that is always false).
//
//   count_in(min, max)  a whole number written in decimal digits only (no sign, no exponent, no
//                       hex), from min to max: "--threads: '-1' is not a whole number from 0 to 1024"
//   a_number()          a decimal number, infinities allowed ("-inf" keeps every pair), NaN not
//   a_number_or(word)   the same, or the word itself ("none")
//
// A value that fails is a usage error (exit 1), reported by CLI11 with the option's name.
// The limits every tool shares are declared here, so a value means the same in each tool.
//
// Thread safety: call while building the command line, before parsing.
#pragma once

#include <cstdint>

#include <CLI/CLI.hpp>

namespace bitmill::cli {

// -t/--threads: more threads than this is a typo, not a machine.
inline constexpr uint64_t kMaxThreads = 1024;
// Sizes of one thing (a batch, a tile, a column, a dimension, a search width).
inline constexpr uint64_t kMaxCount = uint64_t{1} << 20;
// Row counts (training samples, recall samples).
inline constexpr uint64_t kMaxRows = uint64_t{1} << 40;

CLI::Validator count_in(uint64_t min, uint64_t max);
CLI::Validator a_number();
CLI::Validator a_number_or(const std::string& word);

}  // namespace bitmill::cli
