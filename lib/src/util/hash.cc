#include "bitmill/util/hash.h"

#include <xxhash.h>

namespace bitmill {

uint64_t hash64(std::string_view b) { return XXH3_64bits(b.data(), b.size()); }

Hash128 hash128(std::string_view b) {
  const XXH128_hash_t h = XXH3_128bits(b.data(), b.size());
  return Hash128{h.low64, h.high64};
}

}  // namespace bitmill
