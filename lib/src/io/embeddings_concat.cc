#include "bitmill/io/embeddings_concat.h"

#include <fmt/format.h>

#include <algorithm>

#include "bitmill/io/embeddings.h"

namespace bitmill {
namespace {

const char* type_name(VecType t) { return t == VecType::kF16 ? "f16" : "f32"; }

}  // namespace

Expected<ConcatStats> concat_embeddings(const std::vector<std::string>& inputs, OutputStream& out) {
  if (inputs.empty()) return invalid_argument("no embedding files to merge");
  std::vector<EmbeddingMatrix> parts;
  ConcatStats st;
  for (const std::string& path : inputs) {
    BITMILL_ASSIGN_OR_RETURN(EmbeddingMatrix m, EmbeddingMatrix::open_npy(path));
    if (!parts.empty() && m.dim() != parts[0].dim()) {
      return data_error(fmt::format("{}: dimension {}, but {} has {}", path, m.dim(), inputs[0], parts[0].dim()));
    }
    if (!parts.empty() && m.type() != parts[0].type()) {
      return data_error(fmt::format("{}: {} rows, but {} has {} rows", path, type_name(m.type()), inputs[0],
                                    type_name(parts[0].type())));
    }
    st.rows += m.rows();
    parts.push_back(std::move(m));
  }
  st.dim = parts[0].dim();
  BITMILL_RETURN_IF_ERROR(out.write(npy_header(st.rows, st.dim, parts[0].type())));
  const size_t row_bytes = st.dim * vec_type_size(parts[0].type());
  const size_t chunk_rows = std::max<size_t>(1, (size_t{4} << 20) / row_bytes);
  for (const EmbeddingMatrix& m : parts) {
    for (size_t r = 0; r < m.rows(); r += chunk_rows) {
      const size_t n = std::min(chunk_rows, m.rows() - r);
      BITMILL_RETURN_IF_ERROR(out.write(std::string_view(reinterpret_cast<const char*>(m.row_data(r)), n * row_bytes)));
    }
  }
  return st;
}

}  // namespace bitmill
