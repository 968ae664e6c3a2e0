// IEEE binary16 (f16) and bfloat16 conversions.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>

namespace bitmill {

// Exact (subnormals, infinities and NaN included).
float f16_to_f32(uint16_t h);
float bf16_to_f32(uint16_t b);
// Round to nearest, ties to even, as numpy's astype(float16) and torch's .half(); overflow gives
// infinity, NaN stays NaN.
uint16_t f32_to_f16(float f);

}  // namespace bitmill
