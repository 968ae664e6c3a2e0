// Helpers shared by the fuzz targets (tests/fuzz/NAME_fuzz.cc, built with BITMILL_FUZZ=ON).
//
// Every target checks one contract: the reader returns an error Status or a value that keeps its
// promises, and never crashes, hangs or leaks. ASan, UBSan and libFuzzer's leak and timeout
// checks catch the second half; FUZZ_CHECK the first (a value that breaks its header's promise
// aborts like a crash, so libFuzzer keeps the input).
//
// Readers that only take a path get their bytes through write_file(), in a scratch directory of
// this process (under $TMPDIR; scripts/fuzz.sh points that into its work directory).
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#define FUZZ_CHECK(cond)                                                      \
  do {                                                                        \
    if (!(cond)) ::bitmill::fuzz::contract_failed(#cond, __FILE__, __LINE__); \
  } while (0)

namespace bitmill::fuzz {

[[noreturn]] inline void contract_failed(const char* what, const char* file, int line) {
  std::fprintf(stderr, "%s:%d: contract broken: %s\n", file, line, what);
  std::abort();
}

// An error's message must start with `prefix` (the file or directory at fault); the message is
// printed when it does not, to see what named something else.
inline void check_names(const std::string& message, const std::string& prefix, const char* file, int line) {
  if (message.rfind(prefix, 0) == 0) return;
  std::fprintf(stderr, "message: %s\n", message.c_str());
  contract_failed(("the message starts with " + prefix).c_str(), file, line);
}
#define FUZZ_CHECK_NAMES(message, prefix) ::bitmill::fuzz::check_names(message, prefix, __FILE__, __LINE__)

// The scratch directory, created on first use and removed when the process exits normally.
inline const std::string& scratch_dir() {
  static const std::string dir = [] {
    const char* tmp = std::getenv("TMPDIR");
    std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/bitmill-fuzz-XXXXXX";
    if (::mkdtemp(templ.data()) == nullptr) {
      std::perror("mkdtemp");
      std::abort();
    }
    static const std::string copy = templ;
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(copy, ec);
    });
    return templ;
  }();
  return dir;
}

// Writes `bytes` to scratch_dir()/name (subdirectories created) and returns the path.
inline std::string write_file(const std::string& name, std::string_view bytes) {
  const std::string path = scratch_dir() + "/" + name;
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  f.close();
  if (!f) {
    std::perror(path.c_str());
    std::abort();
  }
  return path;
}

inline void remove_file(const std::string& name) {
  std::error_code ec;
  std::filesystem::remove(scratch_dir() + "/" + name, ec);
}

inline std::string_view as_view(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// The parts of an input that holds several files, separated by kSeparator (a line of its own in
// the seeds, and in the targets' dictionaries, so that mutations keep the layout more often than
// not). Always `n` parts: missing ones are absent (nullopt-like: `present` false).
inline constexpr std::string_view kSeparator = "\n=====\n";

struct Part {
  std::string_view bytes;
  bool present = false;
};

inline std::vector<Part> split_parts(std::string_view in, size_t n) {
  std::vector<Part> parts(n);
  for (size_t i = 0; i < n; ++i) {
    const size_t cut = i + 1 == n ? std::string_view::npos : in.find(kSeparator);
    parts[i] = {in.substr(0, cut), true};
    if (cut == std::string_view::npos) break;
    in.remove_prefix(cut + kSeparator.size());
  }
  return parts;
}

// Writes part `i` to `name`, or removes `name` when the part is absent or is the single byte '-'
// (so a seed can say "no such file" explicitly).
inline void write_part(const std::vector<Part>& parts, size_t i, const std::string& name) {
  if (!parts[i].present || parts[i].bytes == "-") {
    remove_file(name);
  } else {
    write_file(name, parts[i].bytes);
  }
}

}  // namespace bitmill::fuzz
