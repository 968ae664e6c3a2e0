#include "bitmill/vectors/neighbors.h"

namespace bitmill::vectors {

float Neighbors::mean(size_t i) const {
  if (k == 0) return 0.0f;
  // Sequential f32 sum then one division: numpy's mean over k < 8 f32 values does the same.
  float sum = 0.0f;
  for (size_t j = 0; j < k; ++j) sum += sim[i * k + j];
  return sum / static_cast<float>(k);
}

}  // namespace bitmill::vectors
