#include "bitmill/encoder/static_embedding.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "bitmill/util/half.h"

namespace bitmill::encoder {

Expected<std::unique_ptr<StaticEmbedding>> StaticEmbedding::load(const model::ModelSpec& spec) {
  auto m = std::unique_ptr<StaticEmbedding>(new StaticEmbedding());
  BITMILL_ASSIGN_OR_RETURN(m->st_, model::SafeTensors::open(spec.static_dir + "/model.safetensors"));
  m->table_ = m->st_.find("embedding.weight");
  const std::string where = m->st_.path() + ": tensor 'embedding.weight'";
  if (m->table_ == nullptr) return data_error(where + ": missing from the checkpoint");
  if (m->table_->shape.size() != 2 || m->table_->shape[0] <= 0 || m->table_->shape[1] <= 0) {
    return data_error(where + ": expected a [vocab, dim] matrix, found " + model::shape_to_string(m->table_->shape));
  }
  if (m->table_->dtype == model::DType::kOther) {
    return data_error(where + ": dtype " + m->table_->dtype_name + " is not supported (F32, F16 or BF16)");
  }
  m->vocab_ = static_cast<size_t>(m->table_->shape[0]);
  m->dim_ = static_cast<size_t>(m->table_->shape[1]);
  m->normalize_ = spec.normalize;
  return m;
}

void StaticEmbedding::embed(const std::vector<const std::vector<int32_t>*>& seqs, float* out) const {
  const bool f32 = table_->dtype == model::DType::kF32;
  const size_t esize = f32 ? 4 : 2;
  for (size_t s = 0; s < seqs.size(); ++s) {
    float* row = out + s * dim_;
    std::fill(row, row + dim_, 0.0f);
    const auto& ids = *seqs[s];
    for (int32_t id : ids) {
      const std::byte* p = table_->data + static_cast<size_t>(id) * dim_ * esize;
      if (f32) {
        for (size_t i = 0; i < dim_; ++i) {
          float v;
          std::memcpy(&v, p + 4 * i, 4);
          row[i] += v;
        }
      } else {
        for (size_t i = 0; i < dim_; ++i) {
          uint16_t v;
          std::memcpy(&v, p + 2 * i, 2);
          row[i] += table_->dtype == model::DType::kF16 ? f16_to_f32(v) : bf16_to_f32(v);
        }
      }
    }
    if (!ids.empty()) {
      const float inv = 1.0f / static_cast<float>(ids.size());
      for (size_t i = 0; i < dim_; ++i) row[i] *= inv;
    }
    if (normalize_) {
      double ss = 0;
      for (size_t i = 0; i < dim_; ++i) ss += static_cast<double>(row[i]) * static_cast<double>(row[i]);
      const float inv = 1.0f / std::max(static_cast<float>(std::sqrt(ss)), 1e-12f);
      for (size_t i = 0; i < dim_; ++i) row[i] *= inv;
    }
  }
}

}  // namespace bitmill::encoder
