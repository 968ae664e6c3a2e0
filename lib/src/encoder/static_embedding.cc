#include "bitmill/encoder/static_embedding.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>
#endif

#include "bitmill/kernels/kernels.h"
#include "bitmill/kernels/l2_norm.h"
#include "bitmill/util/half.h"

namespace bitmill::encoder {
namespace {

// The bag sums one table row per token into `acc`, element by element in token order: every
// path below performs the same f32 additions in the same order, so they give the same bits (the
// conversions f16/bf16 -> f32 are exact), whichever path the CPU takes.

void add_row_f32(const std::byte* p, size_t dim, float /*scale*/, float* acc) {
  for (size_t i = 0; i < dim; ++i) {
    float v;
    std::memcpy(&v, p + 4 * i, 4);
    acc[i] += v;
  }
}

void add_row_bf16(const std::byte* p, size_t dim, float /*scale*/, float* acc) {
  for (size_t i = 0; i < dim; ++i) {
    uint16_t h;
    std::memcpy(&h, p + 2 * i, 2);
    const uint32_t bits = static_cast<uint32_t>(h) << 16;
    float v;
    std::memcpy(&v, &bits, 4);
    acc[i] += v;
  }
}

void add_row_f16(const std::byte* p, size_t dim, float /*scale*/, float* acc) {
  for (size_t i = 0; i < dim; ++i) {
    uint16_t h;
    std::memcpy(&h, p + 2 * i, 2);
    acc[i] += f16_to_f32(h);
  }
}

// One f32 product per element, then the add: two statements, so that no compiler contracts them
// into an FMA (whose single rounding would give other bits than the AVX2 path's mul and add).
void add_row_i8(const std::byte* p, size_t dim, float scale, float* acc) {
  for (size_t i = 0; i < dim; ++i) {
    const float v = scale * static_cast<float>(static_cast<int8_t>(p[i]));
    acc[i] += v;
  }
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) void add_row_i8_avx2(const std::byte* p, size_t dim, float scale, float* acc) {
  const __m256 s = _mm256_set1_ps(scale);
  size_t i = 0;
  for (; i + 8 <= dim; i += 8) {
    const __m256i q = _mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p + i)));
    const __m256 v = _mm256_mul_ps(s, _mm256_cvtepi32_ps(q));
    _mm256_storeu_ps(acc + i, _mm256_add_ps(_mm256_loadu_ps(acc + i), v));
  }
  add_row_i8(p + i, dim - i, scale, acc + i);
}

// F16C converts exactly, as f16_to_f32 does (a signalling NaN comes out quiet: its payload is
// the only difference, and the sum is NaN either way).
__attribute__((target("avx2,f16c"))) void add_row_f16_avx2(const std::byte* p, size_t dim, float /*scale*/,
                                                           float* acc) {
  size_t i = 0;
  for (; i + 8 <= dim; i += 8) {
    const __m256 v = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 2 * i)));
    _mm256_storeu_ps(acc + i, _mm256_add_ps(_mm256_loadu_ps(acc + i), v));
  }
  add_row_f16(p + 2 * i, dim - i, 0.0f, acc + i);
}

__attribute__((target("avx2"))) void add_row_bf16_avx2(const std::byte* p, size_t dim, float /*scale*/, float* acc) {
  size_t i = 0;
  for (; i + 8 <= dim; i += 8) {
    const __m256i h = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 2 * i)));
    const __m256 v = _mm256_castsi256_ps(_mm256_slli_epi32(h, 16));
    _mm256_storeu_ps(acc + i, _mm256_add_ps(_mm256_loadu_ps(acc + i), v));
  }
  add_row_bf16(p + 2 * i, dim - i, 0.0f, acc + i);
}

// F16C through CPUID: clang (14) does not know "f16c" as a __builtin_cpu_supports feature.
bool have_f16c() {
  unsigned a = 0, b = 0, c = 0, d = 0;
  return __get_cpuid(1, &a, &b, &c, &d) != 0 && (c & bit_F16C) != 0;
}

bool have_avx2_f16c() {
  return kernels::active_isa() >= kernels::Isa::kAvx2 && __builtin_cpu_supports("avx2") && have_f16c();
}
#endif

}  // namespace

namespace {

// The per-row scales of an int8 table: `embedding.scale` [vocab], F32 or F16, finite.
Expected<std::vector<float>> load_scales(const model::SafeTensors& st, size_t vocab) {
  BITMILL_ASSIGN_OR_RETURN(std::vector<float> scales, st.load_f32("embedding.scale", {static_cast<int64_t>(vocab)}));
  for (size_t r = 0; r < scales.size(); ++r) {
    if (!std::isfinite(scales[r])) {
      return data_error(st.path() + ": tensor 'embedding.scale': row " + std::to_string(r) + " is not finite");
    }
  }
  return scales;
}

}  // namespace

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
    return data_error(where + ": dtype " + m->table_->dtype_name +
                      " is not supported (F32, F16, BF16, or I8 with scales)");
  }
  m->vocab_ = static_cast<size_t>(m->table_->shape[0]);
  m->dim_ = static_cast<size_t>(m->table_->shape[1]);
  m->normalize_ = spec.normalize;
  switch (m->table_->dtype) {
    case model::DType::kF32: m->add_row_ = add_row_f32; break;
    case model::DType::kF16: m->add_row_ = add_row_f16; break;
    case model::DType::kI8: m->add_row_ = add_row_i8; break;
    default: m->add_row_ = add_row_bf16; break;
  }
  m->row_bytes_ = m->dim_ * (m->table_->dtype == model::DType::kF32  ? 4
                             : m->table_->dtype == model::DType::kI8 ? 1
                                                                     : 2);
  if (m->table_->dtype == model::DType::kI8) {
    BITMILL_ASSIGN_OR_RETURN(m->scales_, load_scales(m->st_, m->vocab_));
  }
#if defined(__x86_64__)
  if (have_avx2_f16c()) {
    if (m->table_->dtype == model::DType::kF16) m->add_row_ = add_row_f16_avx2;
    if (m->table_->dtype == model::DType::kBF16) m->add_row_ = add_row_bf16_avx2;
    if (m->table_->dtype == model::DType::kI8) m->add_row_ = add_row_i8_avx2;
  }
#endif
  return m;
}

void StaticEmbedding::embed(const std::vector<const std::vector<int32_t>*>& seqs, float* out) const {
  for (size_t s = 0; s < seqs.size(); ++s) {
    float* row = out + s * dim_;
    std::fill(row, row + dim_, 0.0f);
    const auto& ids = *seqs[s];
    for (int32_t id : ids) {
      const auto r = static_cast<size_t>(id);
      add_row_(table_->data + r * row_bytes_, dim_, scales_.empty() ? 0.0f : scales_[r], row);
    }
    if (!ids.empty()) {
      const float inv = 1.0f / static_cast<float>(ids.size());
      for (size_t i = 0; i < dim_; ++i) row[i] *= inv;
    }
    if (normalize_) kernels::l2_normalize_torch(row, dim_);
  }
}

}  // namespace bitmill::encoder
