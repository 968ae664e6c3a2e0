#include "bitmill/cli/embedding_options.h"

#include "bitmill/cli/checks.h"

#include "bitmill/cli/common.h"

namespace bitmill::cli {

void add_embedding_options(CLI::App& app, EmbeddingOptions& o) {
  app.add_option("--dim", o.dim, "Dimension of raw (headerless) embedding files")
      ->check(count_in(1, kMaxCount))
      ->type_name("D")
      ->group("Input");
  one_of(app.add_option("--emb-dtype", o.dtype, "Element type of raw embedding files"), {"f32", "f16"})
      ->default_val("f32")
      ->group("Input");
}

Status check_raw_dim(const std::string& path, const EmbeddingOptions& o) {
  if (!path.ends_with(".npy") && !o.given_dim()) {
    return invalid_argument(path + ": raw embeddings need --dim (or use a .npy file)");
  }
  return Status::ok();
}

Expected<EmbeddingMatrix> open_embedding_matrix(const std::string& path, const EmbeddingOptions& o) {
  BITMILL_RETURN_IF_ERROR(check_raw_dim(path, o));
  return EmbeddingMatrix::open(path, o.given_dim(), o.raw_type());
}

Status check_raw_dims(const std::vector<std::string>& paths, const EmbeddingOptions& o) {
  for (const std::string& p : paths) BITMILL_RETURN_IF_ERROR(check_raw_dim(p, o));
  return Status::ok();
}

}  // namespace bitmill::cli
