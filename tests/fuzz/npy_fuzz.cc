// EmbeddingMatrix::open_npy (io/embeddings.h) on arbitrary bytes: an error, or a matrix whose
// rows x dim values lie inside the file and can all be read.
#include <cstring>
#include <vector>

#include "bitmill/io/embeddings.h"
#include "fuzz_util.h"

using namespace bitmill;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = fuzz::write_file("in.npy", fuzz::as_view(data, size));
  auto m = EmbeddingMatrix::open(path);
  if (!m) {
    FUZZ_CHECK(!m.status().message().empty());
    return 0;
  }
  const size_t row_bytes = m->dim() * vec_type_size(m->type());
  FUZZ_CHECK(m->dim() > 0);
  // The mapping is not tracked by ASan, so the bounds are checked against the file here.
  FUZZ_CHECK(m->rows() <= size / row_bytes);
  if (m->rows() > 0) {
    const std::byte* last = m->row_data(m->rows() - 1) + row_bytes;
    FUZZ_CHECK(last <= m->row_data(0) + size);
  }
  std::vector<float> row(m->dim());
  for (size_t i = 0; i < m->rows(); ++i) m->row_f32(i, row.data());
  // A dimension given by the caller must match the file's.
  auto again = EmbeddingMatrix::open(path, m->dim() + 1);
  FUZZ_CHECK(!again);
  return 0;
}
