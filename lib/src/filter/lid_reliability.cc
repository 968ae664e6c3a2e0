#include "filter/lid_reliability.h"

#include <algorithm>

namespace bitmill::filter::detail {

double lid_miss_rate(std::string_view iso639_3) {
  const LidMissRate* end = kLidMissRates + kLidMissRateCount;
  const LidMissRate* it = std::lower_bound(
      kLidMissRates, end, iso639_3, [](const LidMissRate& r, std::string_view code) { return r.iso639_3 < code; });
  return it != end && it->iso639_3 == iso639_3 ? it->miss_rate : -1;
}

}  // namespace bitmill::filter::detail
