#include "bitmill/base/decimal.h"

#include <cmath>
#include <cstdlib>

namespace bitmill {

std::optional<double> parse_decimal(const std::string& text) {
  if (text.empty() || text.find_first_of(" \t\n\v\f\rxX") != std::string::npos) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || std::isnan(v)) return std::nullopt;
  return v;
}

}  // namespace bitmill
