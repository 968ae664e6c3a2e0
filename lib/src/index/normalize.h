// L2 normalisation of one f32 row, shared by the index builder and the searches (private header).
#pragma once

#include <cmath>
#include <cstddef>

namespace bitmill::index {

// Scales `row` to unit L2 norm; a zero row stays zero. Returns false (row unchanged) when the
// squared norm is not finite: a NaN or an infinity in the row, or an overflow. The norm is summed
// in double and applied as one f32 factor, as mine/knn.cc does, so that a Flat index reproduces the
// exact search's similarities.
inline bool normalize_row(float* row, size_t d) {
  double ss = 0;
  for (size_t c = 0; c < d; ++c) ss += static_cast<double>(row[c]) * static_cast<double>(row[c]);
  if (!std::isfinite(ss)) return false;
  if (ss > 0) {
    const auto inv = static_cast<float>(1.0 / std::sqrt(ss));
    for (size_t c = 0; c < d; ++c) row[c] *= inv;
  }
  return true;
}

}  // namespace bitmill::index
