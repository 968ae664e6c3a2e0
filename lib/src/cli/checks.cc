#include "bitmill/cli/checks.h"

#include <fmt/format.h>

#include <string>

#include "bitmill/base/decimal.h"

namespace bitmill::cli {
namespace {

// Option values are echoed in errors; keep them short and printable.
std::string shown(const std::string& s) {
  std::string out;
  for (char c : s.substr(0, 40)) out.push_back(static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? '?' : c);
  if (s.size() > 40) out += "...";
  return "'" + out + "'";
}

}  // namespace

CLI::Validator count_in(uint64_t min, uint64_t max) {
  return CLI::Validator(
      [min, max](std::string& s) -> std::string {
        uint64_t v = 0;
        bool ok = !s.empty() && s.size() <= 20;
        for (char c : s) {
          if (!ok) break;
          const auto d = static_cast<unsigned>(c - '0');
          if (d > 9 || v > (UINT64_MAX - d) / 10) ok = false;
          v = v * 10 + d;
        }
        if (ok && v >= min && v <= max) return {};
        return fmt::format("{} is not a whole number from {} to {}", shown(s), min, max);
      },
      fmt::format("{} to {}", min, max), "count");
}

CLI::Validator a_number() {
  return CLI::Validator(
      [](std::string& s) -> std::string { return parse_decimal(s) ? std::string() : shown(s) + " is not a number"; },
      "", "number");
}

CLI::Validator a_number_or(const std::string& word) {
  const CLI::Validator number = a_number();
  return CLI::Validator(
      [number, word](std::string& s) -> std::string {
        if (s == word) return {};
        std::string copy = s;
        return number(copy).empty() ? std::string() : shown(s) + " is not a number or '" + word + "'";
      },
      "", "number|" + word);
}

}  // namespace bitmill::cli
