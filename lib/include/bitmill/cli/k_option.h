// -k N, the number of nearest neighbours, declared once for every tool that searches them
// (bitmill-mine, bitmill-index, bitmill-eval tatoeba): 1 to 1024, default 4.
//
// add_k_option() adds -k to `app`, bound to `k` (which must outlive the parse), with `help` saying
// what the neighbours are for. It returns the option, for the caller to put into a group. The
// range shows in --help as CLI11 writes it ("-k N:1 to 1024=4"), or, with
// KRangeHelp::kInDescription for a `help` that states the range itself, as a plain "-k K=4".
// A value outside the range is a usage error (exit 1), reported by CLI11.
//
// Thread safety: call while building the command line, before parsing.
#pragma once

#include <cstddef>
#include <string>

#include <CLI/CLI.hpp>

namespace bitmill::cli {

inline constexpr size_t kDefaultK = 4;
inline constexpr size_t kMaxK = 1024;

enum class KRangeHelp { kInValueName, kInDescription };

CLI::Option* add_k_option(CLI::App& app, size_t& k, const std::string& help,
                          KRangeHelp range = KRangeHelp::kInValueName);

}  // namespace bitmill::cli
