// Unit-test helper: write an f32 matrix as .npy and open it as an EmbeddingMatrix.
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "bitmill/io/embeddings.h"
#include "testing/test_util.h"

namespace bitmill::testing {

inline EmbeddingMatrix write_npy(const std::string& path, const std::vector<float>& v, size_t rows, size_t dim) {
  std::string bytes = npy_header(rows, dim, VecType::kF32);
  bytes.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float));
  write_file(path, bytes);
  auto m = EmbeddingMatrix::open(path);
  REQUIRE(m.has_value());
  return std::move(*m);
}

}  // namespace bitmill::testing
