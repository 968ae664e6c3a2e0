// EmbeddingMatrix::open_raw (io/embeddings.h): headerless rows whose dimension and type the caller
// gives. The first two bytes choose them (dimension 0..32767, f16 or f32), the rest is the file.
#include <vector>

#include "bitmill/io/embeddings.h"
#include "fuzz_util.h"

using namespace bitmill;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const size_t dim = (size_t{data[0]} | size_t{data[1]} << 8) & 0x7FFF;
  const VecType type = data[1] & 0x80 ? VecType::kF16 : VecType::kF32;
  const std::string path = fuzz::write_file("in.bin", fuzz::as_view(data + 2, size - 2));
  auto m = EmbeddingMatrix::open(path, dim, type);
  if (!m) {
    FUZZ_CHECK(!m.status().message().empty());
    return 0;
  }
  FUZZ_CHECK(m->dim() == dim && dim > 0 && m->type() == type);
  FUZZ_CHECK(m->rows() * dim * vec_type_size(type) == size - 2);
  std::vector<float> row(dim);
  for (size_t i = 0; i < m->rows(); ++i) m->row_f32(i, row.data());
  return 0;
}
