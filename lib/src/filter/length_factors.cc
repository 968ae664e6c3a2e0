#include "filter/length_factors.h"

#include <algorithm>

namespace bitmill::filter {

std::optional<double> length_factor(std::string_view iso639_3) {
  const LengthFactor* end = kLengthFactors + kLengthFactorCount;
  const LengthFactor* it = std::lower_bound(
      kLengthFactors, end, iso639_3, [](const LengthFactor& f, std::string_view code) { return f.iso639_3 < code; });
  if (it == end || it->iso639_3 != iso639_3) return std::nullopt;
  return it->factor;
}

}  // namespace bitmill::filter
