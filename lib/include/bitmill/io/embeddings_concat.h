// Concatenating embedding shards (bitmill-embed merge): the .npy files that an array job wrote
// for consecutive pieces of a text become the one matrix of the whole text, rows in file order.
//
// Thread safety: re-entrant.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bitmill/base/status.h"
#include "bitmill/io/output_stream.h"

namespace bitmill {

struct ConcatStats {
  uint64_t rows = 0;
  uint64_t dim = 0;
};

// Writes the rows of `inputs` (.npy, at least one), in order, to `out` as one .npy matrix (not
// committed). Errors, naming the file: not a .npy matrix (embeddings.h), a dimension or element
// type other than the first file's, more rows than a .npy header can hold.
Expected<ConcatStats> concat_embeddings(const std::vector<std::string>& inputs, OutputStream& out);

}  // namespace bitmill
