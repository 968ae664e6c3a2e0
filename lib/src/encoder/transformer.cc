#include "bitmill/encoder/transformer.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include "bitmill/util/parallel.h"

#include "bitmill/kernels/kernels.h"
#include "bitmill/kernels/l2_norm.h"
#include "bitmill/model/safetensors.h"
#include "bitmill/util/half.h"

namespace bitmill::encoder {
namespace {

using model::SafeTensors;

// A Linear layer's weight [n x k], packed once at load for the GEMM kernel of its precision (f32,
// int8 with per-row scales, or bf16), and its bias.
struct Linear {
  Quantize mode = Quantize::kNone;
  kernels::PackedB w;      // kNone
  kernels::PackedQ8 wq;    // kInt8
  kernels::PackedBf16 wb;  // kBf16
  std::vector<float> b;

  static Linear make(Quantize mode, const std::vector<float>& weight, size_t n, size_t k, std::vector<float> bias) {
    Linear l;
    l.mode = mode;
    switch (mode) {
      case Quantize::kNone: l.w = kernels::pack_b(true, k, n, weight.data(), k); break;
      case Quantize::kInt8: l.wq = kernels::pack_q8(k, n, weight.data(), k); break;
      case Quantize::kBf16: l.wb = kernels::pack_bf16(k, n, weight.data(), k); break;
    }
    l.b = std::move(bias);
    return l;
  }
  // out[rows x n] = x[rows x k] * W^T + b
  void apply(const float* x, size_t rows, float* out) const {
    size_t n = 0;
    switch (mode) {
      case Quantize::kNone:
        n = w.n();
        kernels::sgemm_packed(false, rows, 1.0f, x, w.k(), w, 0.0f, out, n);
        break;
      case Quantize::kInt8:
        n = wq.n();
        kernels::qgemm_packed(rows, x, wq.k(), wq, out, n);
        break;
      case Quantize::kBf16:
        n = wb.n();
        kernels::bf16gemm_packed(rows, x, wb.k(), wb, out, n);
        break;
    }
    if (!b.empty()) kernels::add_bias(out, rows, n, n, b.data());
  }
};

struct Layer {
  Linear qkv;  // [3H x H]: query, key and value stacked
  Linear attn_out;
  std::vector<float> ln1_g, ln1_b;
  Linear ffn_in;   // [I x H]
  Linear ffn_out;  // [H x I]
  std::vector<float> ln2_g, ln2_b;
};

struct Dense {
  Linear linear;
  size_t out = 0;
  model::Activation act = model::Activation::kIdentity;
};

// Rows of a batch are processed in blocks of a fixed size, never derived from the thread count,
// so every row goes through the same kernel calls and the bits do not depend on --threads. 144
// rows is the AVX2 SGEMM's row panel (kMc): one block packs its A panel once per K slice.
constexpr size_t kRowBlock = 144;

// f(begin, end) on every block of [0, rows), in parallel (oneTBB, nested inside the pipeline's
// tasks). Blocks write disjoint rows.
template <class F>
void for_row_blocks(size_t rows, const F& f) {
  const size_t blocks = (rows + kRowBlock - 1) / kRowBlock;
  if (blocks <= 1) {
    if (rows > 0) f(size_t{0}, rows);
    return;
  }
  parallel_loop(tbb::blocked_range<size_t>(0, blocks, 1), [&](const tbb::blocked_range<size_t>& r) {
    for (size_t b = r.begin(); b != r.end(); ++b) f(b * kRowBlock, std::min(rows, (b + 1) * kRowBlock));
  });
}

}  // namespace

struct TransformerEncoder::Weights {
  model::TransformerConfig cfg;
  model::Pooling pooling = model::Pooling::kMean;
  bool normalize = false;
  SafeTensors st;                           // keeps the word embeddings mapped
  const model::TensorInfo* word = nullptr;  // [V x H], read row by row
  std::vector<float> pos, type0;            // [P x H], [H] (token type 0)
  std::vector<float> emb_ln_g, emb_ln_b;
  std::vector<Layer> layers;
  std::vector<Dense> dense;

  // word (checked, kept mapped), pos, type0 and the embeddings' LayerNorm, from st.
  Status load_embeddings();

  void word_row(int32_t id, float* out) const {
    const size_t h = cfg.hidden;
    const std::byte* p = word->data + static_cast<size_t>(id) * h * (word->dtype == model::DType::kF32 ? 4 : 2);
    switch (word->dtype) {
      case model::DType::kF32: std::memcpy(out, p, h * sizeof(float)); break;
      case model::DType::kF16:
      case model::DType::kBF16:
        for (size_t i = 0; i < h; ++i) {
          uint16_t v;
          std::memcpy(&v, p + 2 * i, 2);
          out[i] = word->dtype == model::DType::kF16 ? f16_to_f32(v) : bf16_to_f32(v);
        }
        break;
      case model::DType::kI8:
      case model::DType::kOther: break;
    }
  }
};

TransformerEncoder::TransformerEncoder(std::unique_ptr<Weights> w) : w_(std::move(w)) {}
TransformerEncoder::~TransformerEncoder() = default;

namespace {

// The four weight GEMMs of each layer hold nearly all of the arithmetic, so only they are
// quantised; the attention products, embeddings, LayerNorm and the Dense head stay f32.
//
// Encoder layer l of the checkpoint, Q, K and V fused into one projection.
Expected<Layer> load_layer(const SafeTensors& st, const model::TransformerConfig& c, size_t l, Quantize mode) {
  const auto H = static_cast<int64_t>(c.hidden), I = static_cast<int64_t>(c.intermediate);
  const std::string p = "encoder.layer." + std::to_string(l) + ".";
  Layer L;
  std::vector<float> wqkv, bqkv;
  for (const char* part : {"query", "key", "value"}) {
    BITMILL_ASSIGN_OR_RETURN(auto wt, st.load_f32(p + "attention.self." + part + ".weight", {H, H}));
    BITMILL_ASSIGN_OR_RETURN(auto bs, st.load_f32(p + "attention.self." + part + ".bias", {H}));
    wqkv.insert(wqkv.end(), wt.begin(), wt.end());
    bqkv.insert(bqkv.end(), bs.begin(), bs.end());
  }
  L.qkv = Linear::make(mode, wqkv, 3 * c.hidden, c.hidden, std::move(bqkv));
  BITMILL_ASSIGN_OR_RETURN(auto wo, st.load_f32(p + "attention.output.dense.weight", {H, H}));
  BITMILL_ASSIGN_OR_RETURN(auto bo, st.load_f32(p + "attention.output.dense.bias", {H}));
  L.attn_out = Linear::make(mode, wo, c.hidden, c.hidden, std::move(bo));
  BITMILL_ASSIGN_OR_RETURN(L.ln1_g, st.load_f32(p + "attention.output.LayerNorm.weight", {H}));
  BITMILL_ASSIGN_OR_RETURN(L.ln1_b, st.load_f32(p + "attention.output.LayerNorm.bias", {H}));
  BITMILL_ASSIGN_OR_RETURN(auto wi, st.load_f32(p + "intermediate.dense.weight", {I, H}));
  BITMILL_ASSIGN_OR_RETURN(auto bi, st.load_f32(p + "intermediate.dense.bias", {I}));
  L.ffn_in = Linear::make(mode, wi, c.intermediate, c.hidden, std::move(bi));
  BITMILL_ASSIGN_OR_RETURN(auto wo2, st.load_f32(p + "output.dense.weight", {H, I}));
  BITMILL_ASSIGN_OR_RETURN(auto bo2, st.load_f32(p + "output.dense.bias", {H}));
  L.ffn_out = Linear::make(mode, wo2, c.hidden, c.intermediate, std::move(bo2));
  BITMILL_ASSIGN_OR_RETURN(L.ln2_g, st.load_f32(p + "output.LayerNorm.weight", {H}));
  BITMILL_ASSIGN_OR_RETURN(L.ln2_b, st.load_f32(p + "output.LayerNorm.bias", {H}));
  return L;
}

// A sentence-transformers Dense module (its own folder's model.safetensors).
Expected<Dense> load_dense(const model::DenseSpec& d) {
  BITMILL_ASSIGN_OR_RETURN(SafeTensors dst, SafeTensors::open(d.dir + "/model.safetensors"));
  Dense D;
  D.out = d.out;
  D.act = d.activation;
  const auto in = static_cast<int64_t>(d.in), out = static_cast<int64_t>(d.out);
  BITMILL_ASSIGN_OR_RETURN(auto dw, dst.load_f32("linear.weight", {out, in}));
  std::vector<float> db;
  if (d.bias) {
    BITMILL_ASSIGN_OR_RETURN(db, dst.load_f32("linear.bias", {out}));
  }
  D.linear = Linear::make(Quantize::kNone, dw, d.out, d.in, std::move(db));
  return D;
}

}  // namespace

Status TransformerEncoder::Weights::load_embeddings() {
  const auto H = static_cast<int64_t>(cfg.hidden);
  word = st.find("embeddings.word_embeddings.weight");
  const std::string where = st.path() + ": tensor 'embeddings.word_embeddings.weight'";
  if (word == nullptr) return data_error(where + ": missing from the checkpoint");
  if (word->shape != std::vector<int64_t>{static_cast<int64_t>(cfg.vocab_size), H}) {
    return data_error(where + ": expected shape " + model::shape_to_string({static_cast<int64_t>(cfg.vocab_size), H}) +
                      ", found " + model::shape_to_string(word->shape));
  }
  if (word->dtype == model::DType::kOther || word->dtype == model::DType::kI8)
    return data_error(where + ": dtype " + word->dtype_name + " is not supported");
  BITMILL_ASSIGN_OR_RETURN(
      pos, st.load_f32("embeddings.position_embeddings.weight", {static_cast<int64_t>(cfg.max_positions), H}));
  BITMILL_ASSIGN_OR_RETURN(std::vector<float> types, st.load_f32("embeddings.token_type_embeddings.weight",
                                                                 {static_cast<int64_t>(cfg.type_vocab), H}));
  type0.assign(types.begin(), types.begin() + H);
  BITMILL_ASSIGN_OR_RETURN(emb_ln_g, st.load_f32("embeddings.LayerNorm.weight", {H}));
  BITMILL_ASSIGN_OR_RETURN(emb_ln_b, st.load_f32("embeddings.LayerNorm.bias", {H}));
  return Status::ok();
}

Expected<std::unique_ptr<TransformerEncoder>> TransformerEncoder::load(const model::ModelSpec& spec,
                                                                       Quantize quantize) {
  auto w = std::make_unique<Weights>();
  w->cfg = spec.config;
  w->pooling = spec.pooling;
  w->normalize = spec.normalize;
  const auto& c = spec.config;
  const bool int8 = quantize == Quantize::kInt8;
  if (int8 && std::max(c.hidden, c.intermediate) > kernels::kQ8MaxK) {
    return data_error(spec.transformer_dir + ": hidden and intermediate sizes above " +
                      std::to_string(kernels::kQ8MaxK) + " cannot be quantised to int8 (int32 sums would overflow)");
  }
  BITMILL_ASSIGN_OR_RETURN(w->st, SafeTensors::open(spec.transformer_dir + "/model.safetensors"));
  BITMILL_RETURN_IF_ERROR(w->load_embeddings());
  for (size_t l = 0; l < c.layers; ++l) {
    BITMILL_ASSIGN_OR_RETURN(Layer L, load_layer(w->st, c, l, quantize));
    w->layers.push_back(std::move(L));
  }
  for (const auto& d : spec.dense) {
    BITMILL_ASSIGN_OR_RETURN(Dense D, load_dense(d));
    w->dense.push_back(std::move(D));
  }
  return std::unique_ptr<TransformerEncoder>(new TransformerEncoder(std::move(w)));
}

size_t TransformerEncoder::dim() const { return w_->dense.empty() ? w_->cfg.hidden : w_->dense.back().out; }

size_t TransformerEncoder::max_length() const { return model::max_model_length(w_->cfg); }

namespace {

// A batch's token rows, sequence after sequence (no padding): sequence s has rows
// [offset[s], offset[s + 1]), and row r belongs to sequence seq_of[r].
struct TokenRows {
  explicit TokenRows(const std::vector<const std::vector<int32_t>*>& seqs) : offset(seqs.size() + 1, 0) {
    for (size_t s = 0; s < seqs.size(); ++s) offset[s + 1] = offset[s] + seqs[s]->size();
    seq_of.resize(offset.back());
    for (size_t s = 0; s < seqs.size(); ++s) {
      std::fill(seq_of.begin() + static_cast<ptrdiff_t>(offset[s]),
                seq_of.begin() + static_cast<ptrdiff_t>(offset[s + 1]), static_cast<uint32_t>(s));
    }
  }
  size_t rows() const { return offset.back(); }
  size_t length(size_t s) const { return offset[s + 1] - offset[s]; }

  std::vector<size_t> offset;
  std::vector<uint32_t> seq_of;
};

// Query rows per block of attention: a block's scores (at most 64 x 512 floats, 128 KiB) stay in
// L2 from QK^T through softmax to the product with V, where a whole head's score matrix at the
// longest inputs (512 x 512, 1 MiB) would not.
constexpr size_t kQueryBlock = 64;

// Self-attention of every sequence, all heads: qkv (rows x 3H, the fused projection) into ctx
// (rows x H). One task per sequence; each head's queries in blocks of about kQueryBlock rows,
// split evenly so that no block has a single row (which the SGEMM would take down its
// matrix-vector path, summing in another order): a row's result does not depend on the
// blocking, so it is the one a whole-matrix product would give.
void attention(const TokenRows& t, size_t H, size_t heads, const std::vector<float>& qkv, std::vector<float>& ctx) {
  const size_t dh = H / heads, ld = 3 * H;
  const float scale = 1.0f / std::sqrt(static_cast<float>(dh));
  parallel_loop(tbb::blocked_range<size_t>(0, t.offset.size() - 1, 1), [&](const tbb::blocked_range<size_t>& r) {
    std::vector<float> scores;
    for (size_t s = r.begin(); s != r.end(); ++s) {
      const size_t len = t.length(s);
      const size_t blocks = (len + kQueryBlock - 1) / kQueryBlock;
      const size_t block = blocks == 0 ? 0 : (len + blocks - 1) / blocks;
      scores.resize(block * len);
      const float* base = &qkv[t.offset[s] * ld];
      for (size_t h = 0; h < heads; ++h) {
        const float* k = base + H + h * dh;
        const float* v = base + 2 * H + h * dh;
        for (size_t q0 = 0; q0 < len; q0 += block) {
          const size_t m = std::min(block, len - q0);
          kernels::sgemm(false, true, m, len, dh, scale, base + q0 * ld + h * dh, ld, k, ld, 0.0f, scores.data(), len);
          kernels::softmax_rows(scores.data(), m, len, len, len);
          kernels::sgemm(false, false, m, dh, len, 1.0f, scores.data(), len, v, ld, 0.0f,
                         &ctx[(t.offset[s] + q0) * H + h * dh], H);
        }
      }
    }
  });
}

// Rows [r0, r0 + n) after attention: output projection, residual, LayerNorm, feed-forward,
// residual, LayerNorm, in one pass so that the block's rows stay in cache. `buf` is scratch.
void finish_layer(const Layer& L, size_t H, size_t I, float eps, const float* ctx, float* xb, size_t n,
                  std::vector<float>& buf) {
  buf.resize(kRowBlock * (H + I));
  float* tb = buf.data();
  float* ib = tb + kRowBlock * H;
  L.attn_out.apply(ctx, n, tb);
  for (size_t i = 0; i < n * H; ++i) xb[i] += tb[i];
  kernels::layer_norm(xb, n, H, H, L.ln1_g.data(), L.ln1_b.data(), eps);
  L.ffn_in.apply(xb, n, ib);
  kernels::gelu_erf(ib, n * I);
  L.ffn_out.apply(ib, n, tb);
  for (size_t i = 0; i < n * H; ++i) xb[i] += tb[i];
  kernels::layer_norm(xb, n, H, H, L.ln2_g.data(), L.ln2_b.data(), eps);
}

// The sequences' pooled rows (CLS or mean) of the last hidden states x.
std::vector<float> pool(const TokenRows& t, const std::vector<float>& x, size_t H, model::Pooling pooling) {
  const size_t n = t.offset.size() - 1;
  std::vector<float> pooled(n * H);
  for (size_t s = 0; s < n; ++s) {
    float* p = &pooled[s * H];
    const size_t len = t.length(s);
    if (pooling == model::Pooling::kCls) {
      std::memcpy(p, &x[t.offset[s] * H], H * sizeof(float));
      continue;
    }
    std::fill(p, p + H, 0.0f);
    for (size_t i = 0; i < len; ++i) {
      const float* r = &x[(t.offset[s] + i) * H];
      for (size_t c = 0; c < H; ++c) p[c] += r[c];
    }
    const float inv = 1.0f / static_cast<float>(len);
    for (size_t c = 0; c < H; ++c) p[c] *= inv;
  }
  return pooled;
}

}  // namespace

void TransformerEncoder::embed(const std::vector<const std::vector<int32_t>*>& seqs, float* out) const {
  const Weights& W = *w_;
  const size_t H = W.cfg.hidden, I = W.cfg.intermediate;
  const TokenRows t(seqs);
  const size_t T = t.rows();

  // Embeddings: word + position + token type 0, then LayerNorm.
  std::vector<float> x(T * H);
  for_row_blocks(T, [&](size_t r0, size_t r1) {
    for (size_t r = r0; r < r1; ++r) {
      const size_t s = t.seq_of[r], i = r - t.offset[s];
      float* row = &x[r * H];
      W.word_row((*seqs[s])[i], row);
      // XLM-R numbers positions from pad_id + 1 (fairseq's make_positions); BERT from 0.
      const size_t p = W.cfg.arch == model::Arch::kXlmRoberta ? static_cast<size_t>(W.cfg.pad_id) + 1 + i : i;
      const float* pr = &W.pos[p * H];
      for (size_t c = 0; c < H; ++c) row[c] += pr[c] + W.type0[c];
    }
    kernels::layer_norm(&x[r0 * H], r1 - r0, H, H, W.emb_ln_g.data(), W.emb_ln_b.data(), W.cfg.layer_norm_eps);
  });

  std::vector<float> qkv(T * 3 * H), ctx(T * H);
  // Per-thread scratch of one row block: the projection output and the FFN's intermediate rows.
  tbb::enumerable_thread_specific<std::vector<float>> scratch;
  for (const Layer& L : W.layers) {
    for_row_blocks(T, [&](size_t r0, size_t r1) { L.qkv.apply(&x[r0 * H], r1 - r0, &qkv[r0 * 3 * H]); });
    attention(t, H, W.cfg.heads, qkv, ctx);
    for_row_blocks(T, [&](size_t r0, size_t r1) {
      finish_layer(L, H, I, W.cfg.layer_norm_eps, &ctx[r0 * H], &x[r0 * H], r1 - r0, scratch.local());
    });
  }

  // Pooling, Dense layers, normalisation.
  std::vector<float> cur = pool(t, x, H, W.pooling), next;
  size_t width = H;
  for (const Dense& D : W.dense) {
    next.assign(seqs.size() * D.out, 0.0f);
    D.linear.apply(cur.data(), seqs.size(), next.data());
    if (D.act == model::Activation::kTanh) kernels::tanh_inplace(next.data(), next.size());
    cur.swap(next);
    width = D.out;
  }
  if (W.normalize) {
    for (size_t s = 0; s < seqs.size(); ++s) kernels::l2_normalize_torch(&cur[s * width], width);
  }
  std::memcpy(out, cur.data(), cur.size() * sizeof(float));
}

}  // namespace bitmill::encoder
