// Numeric kernels for the encoder: single-precision GEMM and the row-wise ops of a transformer.
//
// Each kernel has a scalar reference implementation and faster ones per instruction-set level,
// compiled from separate files (*_scalar.cc, *_avx2.cc, *_avx512.cc, *_avx512vnni.cc): AVX2 has
// all of them, AVX-512 its own SGEMM, AVX-512 VNNI its own int8 products; a level without its own
// version of a kernel runs the best one below it. A per-level dispatch table chosen once holds
// the choice. active_isa() picks the level at run time from the CPU, and the environment variable
// BITMILL_ISA=scalar|avx2|avx512|avx512vnni|amx forces a lower one (an unknown level, or one the
// CPU lacks, is refused). Tests and benchmarks call a given level's code through the private
// header kernels/kernels_testing.h. The levels' results agree exactly on
// integer-valued inputs (sums of small integers are exact in f32 whatever the order) and to rounding otherwise.
//
// All matrices are row-major with explicit leading dimensions (elements between row starts).
//
// Thread safety: all functions are re-entrant; they never spawn threads (the encoder parallelises
// over batches and rows above them), so the same call gives the same bits on any thread count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace bitmill::kernels {

// Ordered by capability: each level can run everything the levels below it run.
//   kScalar     the reference
//   kAvx2       AVX2 + FMA (+ F16C)
//   kAvx512     AVX-512 F, BW, VL, DQ
//   kAvx512Vnni and VNNI (vpdpbusd)
//   kAmx        and AMX tiles (AMX-TILE, AMX-INT8, AMX-BF16), granted by the OS
enum class Isa { kScalar, kAvx2, kAvx512, kAvx512Vnni, kAmx };

// The ISA in use for this process: BITMILL_ISA if set and valid, else detected_isa().
Isa active_isa();
// The best level the CPU and the OS support (for AMX, Linux's arch_prctl permission is asked).
Isa detected_isa();
const char* isa_name(Isa isa);
bool cpu_supports(Isa isa);
// AVX512-BF16 (vdpbf16ps), which is not a level of its own: some AVX-512 VNNI CPUs have it (AMD
// Zen 4 and 5, Intel Cooper Lake and Sapphire Rapids), others lack it (Cascade Lake, Ice Lake).
bool cpu_has_avx512_bf16();
// AVX-VNNI, the VEX (256-bit) form of vpdpbusd, which AVX2-only CPUs may have (Intel Alder Lake and
// later client cores, Sierra Forest): the int8 GEMM of the avx2 and avx512 levels uses it.
bool cpu_has_avx_vnni();

// What a BITMILL_ISA value (nullptr when unset) asks for, given the best level `detected`: a
// level's name at most `detected` selects it; unset or empty selects `detected`. Anything else is refused:
// `error` is one line ("BITMILL_ISA=avx9: not a level (scalar, avx2, ...)", or the level the CPU
// lacks), and `isa` is `detected`. Pure, so that the tests need not change the environment of a
// process whose active_isa() is computed once.
struct IsaRequest {
  Isa isa;
  std::string error;  // empty when valid
};
IsaRequest parse_isa_env(const char* value, Isa detected);
// The error of this process's BITMILL_ISA, empty when it is unset or valid. Every tool refuses to
// start with it (a usage error, exit 1).
std::string isa_env_error();

// C[m x n] = alpha * op(A) * op(B) + beta * C, where op(A) is m x k and op(B) is k x n.
// trans_a: A is stored k x m; trans_b: B is stored n x k (the PyTorch Linear weight layout).
// With beta == 0, C is not read (it may hold NaN).
void sgemm(bool trans_a, bool trans_b, size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda,
           const float* b, size_t ldb, float beta, float* c, size_t ldc);

// What a packed operand (PackedB, PackedQ8, PackedS8) holds: the ISA it was packed for, its shape
// and its owned, 64-byte aligned memory. Moved from, it is empty (k = n = 0, no memory).
class PackedStorage {
 public:
  PackedStorage() = default;
  PackedStorage(Isa i, size_t rows_k, size_t cols_n) : isa(i), k(rows_k), n(cols_n) {}
  ~PackedStorage();
  PackedStorage(PackedStorage&& other) noexcept;
  PackedStorage& operator=(PackedStorage&& other) noexcept;
  PackedStorage(const PackedStorage&) = delete;
  PackedStorage& operator=(const PackedStorage&) = delete;

  // Replace data (uninitialised `bytes`) and scales (`count` zeros); null for 0.
  void allocate_data(size_t bytes);
  void allocate_scales(size_t count);

  Isa isa = Isa::kScalar;
  int variant = 0;  // a kernel's choice of layout within the level (PackedBf16: 1 = AVX512-BF16 tiles;
                    // PackedQ8: 2 = AVX-VNNI strips)
  size_t k = 0, n = 0;
  void* data = nullptr;
  float* scales = nullptr;

 private:
  void release();
};

// op(B) (k x n) packed once into the layout an ISA's GEMM reads, for a B that multiplies many
// different A, as a Linear layer's weight does every batch. sgemm_packed skips the pass over B
// that sgemm otherwise makes on every call: 1-3% of a BERT-size GEMM at M = 512 on an idle core,
// more when parallel callers contend for memory bandwidth. Immutable once built, so one PackedB
// can serve any number of threads at once. Move-only.
class PackedB {
 public:
  size_t k() const { return s_.k; }  // 0 when empty (default-constructed or moved from)
  size_t n() const { return s_.n; }
  // The kernels it was packed for, which sgemm_packed runs.
  Isa isa() const { return s_.isa; }

 private:
  friend PackedB pack_b_isa(Isa isa, bool trans_b, size_t k, size_t n, const float* b, size_t ldb);
  friend void sgemm_packed(bool trans_a, size_t m, float alpha, const float* a, size_t lda, const PackedB& b,
                           float beta, float* c, size_t ldc);
  PackedStorage s_;  // data: floats, aligned for the ISA's vector loads
};

// Packs op(B), with B and trans_b as for sgemm, for the active ISA.
PackedB pack_b(bool trans_b, size_t k, size_t n, const float* b, size_t ldb);

// C[m x b.n()] = alpha * op(A) * B + beta * C, with op(A) m x b.k(): sgemm's contract, run on the
// packed B's ISA. Agrees with sgemm_isa on that ISA as the ISAs agree with each other: exactly on
// integer-valued inputs, to rounding otherwise.
void sgemm_packed(bool trans_a, size_t m, float alpha, const float* a, size_t lda, const PackedB& b, float beta,
                  float* c, size_t ldc);

// Row-wise int8 dynamic quantisation of a Linear layer (bitmill-embed --quantize int8).
//
// A row x[0, k) is quantised symmetrically: with amax = max |x[p]|,
//   scale = amax / 127,  q[p] = nearbyint(x[p] * (127 / amax)) in [-127, 127]
// (round half to even, the default rounding mode). A row with amax below kQ8MinAmax counts as
// zero (scale 0, q 0: it keeps 127 / amax finite), and a row holding a NaN or an infinity gets
// scale NaN and q 0, so that the NaN reaches the output as it would in f32.
//
// The weight [n x k] (the PyTorch Linear layout) is quantised once per output row at pack time;
// the activations A [m x k] are quantised per row on every call (a per-token scale, so a row's
// result does not depend on the other rows of its batch). Then, with the int32 sum exact,
//   C[i][j] = (float(sum_p qa[i][p] * qw[j][p]) * a_scale[i]) * w_scale[j].
// Every ISA computes exactly these bits: the sums are integers and the rest is the same float
// operations in the same order.
constexpr float kQ8MinAmax = 1e-30f;
// The largest k for which the int32 sum cannot overflow: k * 127 * 127 <= 2^31 - 1.
constexpr size_t kQ8MaxK = 133144;

// A weight quantised and packed once for qgemm_packed, as PackedB is for sgemm_packed. Immutable
// once built, so one PackedQ8 can serve any number of threads at once. Move-only.
class PackedQ8 {
 public:
  size_t k() const { return s_.k; }  // 0 when empty (default-constructed or moved from)
  size_t n() const { return s_.n; }
  Isa isa() const { return s_.isa; }
  // w_scale[j] for the n output rows.
  const float* scales() const { return s_.scales; }

 private:
  friend PackedQ8 pack_q8_isa(Isa isa, size_t k, size_t n, const float* w, size_t ldw);
  friend void qgemm_packed(size_t m, const float* a, size_t lda, const PackedQ8& b, float* c, size_t ldc);
  PackedStorage s_;  // data: the ISA's layout of the quantised weight; scales: n rounded up to a
                     // whole vector, zero past n
};

// Quantises and packs W, stored n x k with leading dimension ldw (row j is output j's weights),
// for the active ISA. k <= kQ8MaxK.
PackedQ8 pack_q8(size_t k, size_t n, const float* w, size_t ldw);

// C[m x b.n()] = quantised A[m x b.k()] times the quantised W^T, dequantised as above; C is only
// written. Runs on the packed weight's ISA.
void qgemm_packed(size_t m, const float* a, size_t lda, const PackedQ8& b, float* c, size_t ldc);

// bf16 Linear layers (bitmill-embed --quantize bf16). The weight W [n x k] is rounded to bfloat16
// once, at pack time, and the activations A [m x k] on every call (f32_to_bf16: round to nearest
// even, NaN kept); a product of two bf16 values is exact in f32, and the products are summed in
// f32:
//   C[i][j] = sum_p float(bf16(a[i][p])) * float(bf16(w[j][p]))
// in an order each kernel chooses, so the ISAs agree to the rounding of an f32 sum of k terms,
// not bit for bit. Each ISA still gives the same bits for any thread count. Where the CPU has
// AVX512-BF16 (at the avx512vnni level and above) vdpbf16ps sums pairs of products, reading bf16
// subnormals as 0 and flushing subnormal sums to 0 (magnitudes below 1.2e-38, far below what an
// encoder computes); elsewhere the rounded values go through the f32 SGEMM, at its speed.
class PackedBf16 {
 public:
  size_t k() const { return s_.k; }  // 0 when empty (default-constructed or moved from)
  size_t n() const { return s_.n; }
  Isa isa() const { return s_.isa; }
  // Whether it multiplies on AVX512-BF16 hardware.
  bool native() const { return s_.variant == 1; }

 private:
  friend PackedBf16 pack_bf16_isa(Isa isa, size_t k, size_t n, const float* w, size_t ldw);
  friend void bf16gemm_packed(size_t m, const float* a, size_t lda, const PackedBf16& b, float* c, size_t ldc);
  PackedStorage s_;
};

// The bf16 value nearest to x (ties to even), as its bit pattern; NaN stays a (quiet) NaN.
uint16_t f32_to_bf16(float x);

// Rounds and packs W, stored n x k with leading dimension ldw, for the active ISA.
PackedBf16 pack_bf16(size_t k, size_t n, const float* w, size_t ldw);

// C[m x b.n()] = bf16(A[m x b.k()]) times bf16(W)^T, summed in f32 as above; C is only written.
void bf16gemm_packed(size_t m, const float* a, size_t lda, const PackedBf16& b, float* c, size_t ldc);

// Whether this CPU multiplies bf16 in hardware (AVX512-BF16) at the given level.
bool bf16_native(Isa isa);

// Exact int8 products, the pre-filter of the exact k-NN search (bitmill-mine): there, rows are
// quantised with quantize_row_q8, every product is bounded from the quantisation errors, and only
// candidates that could enter a top-k are scored again in f32.
//
//   C[m x n] (int32) = A[m x k] * B^T, B stored n x k (row j holds column j's k values),
//
// with entries in [-127, 127] (-128 is not allowed) and k <= kQ8MaxK, so that every sum is an exact
// int32 on every ISA. B is packed once (PackedS8) and multiplied by many A, as the search packs one
// side's block and streams the other side's rows past it. Immutable once built, so one PackedS8 can
// serve any number of threads at once. Move-only.
class PackedS8 {
 public:
  size_t k() const { return s_.k; }  // 0 when empty (default-constructed or moved from)
  size_t n() const { return s_.n; }
  Isa isa() const { return s_.isa; }

 private:
  friend PackedS8 pack_s8_isa(Isa isa, size_t k, size_t n, const int8_t* b, size_t ldb);
  friend void s8gemm_packed(size_t m, const int8_t* a, size_t lda, const PackedS8& b, int32_t* c, size_t ldc);
  PackedStorage s_;  // data: the ISA's layout
};

// Packs B (n x k, leading dimension ldb) for the active ISA (AVX2 has no int8 product of its own and
// packs for kScalar).
PackedS8 pack_s8(size_t k, size_t n, const int8_t* b, size_t ldb);

// C[m x b.n()] = A[m x b.k()] * B^T exactly; C is only written. Runs on the packed B's ISA.
void s8gemm_packed(size_t m, const int8_t* a, size_t lda, const PackedS8& b, int32_t* c, size_t ldc);

// The scan after s8gemm_packed in the k-NN pre-filter: the indices j in [0, n), increasing, where
// the approximate product a = float(c[j]) * row_scale * col_scale[j] (in that order) satisfies
// a >= row_cut or a >= col_cut[j]. Writes them to hits (room for n) and returns how many.
size_t s8_hits(const int32_t* c, size_t n, float row_scale, const float* col_scale, float row_cut, const float* col_cut,
               uint32_t* hits);

// Quantises x[0, k) as a Linear layer's activations are (see above): q[0, k) and *scale. Returns
// the Euclidean norm of the error x - scale * q, computed in double and rounded up, so that it
// bounds the true error norm (infinity for a row holding a NaN or an infinity).
float quantize_row_q8(const float* x, size_t k, int8_t* q, float* scale);

// The dot product of a[0, n) and b[0, n) in one fixed order on every ISA, so that it gives the same
// bits everywhere: 64 lanes, lane l accumulating the products of the indices p = l (mod 64) in
// increasing p with fused multiply-adds, then the lanes summed pairwise, (l, l + 32) for l < 32,
// then (l, l + 16), (l, l + 8), (l, l + 4), (l, l + 2) and (l, l + 1). 64 lanes are 8 independent
// AVX2 chains, enough to hide the FMA latency (with 2 chains a 1024-d product takes 4x longer).
float dot_f32(const float* a, const float* b, size_t n);

// dot_f32(a, b', n) with b'[p] = float(b[p]) * b_scale, where b holds f32 values or IEEE halves
// (2-byte little-endian, any alignment): the same bits, without materialising b'. The k-NN search
// scores rows straight from the mapped embedding file with this.
float dot_f32_scaled(const float* a, const void* b, bool b_is_half, float b_scale, size_t n);

// x[rows x cols] (leading dimension ld) <- LayerNorm(x) * gamma + beta, per row, with the biased
// variance and eps inside the square root, as torch.nn.LayerNorm.
void layer_norm(float* x, size_t rows, size_t cols, size_t ld, const float* gamma, const float* beta, float eps);

// x <- x * 0.5 * (1 + erf(x / sqrt(2))): exact GELU, as torch.nn.functional.gelu (approximate="none").
void gelu_erf(float* x, size_t n);

// x <- tanh(x).
void tanh_inplace(float* x, size_t n);

// Row-wise softmax over the first `valid` entries of each row of x[rows x cols]; entries at and
// after `valid` are set to 0 (key padding mask).
void softmax_rows(float* x, size_t rows, size_t cols, size_t ld, size_t valid);

// x[rows x cols] += bias[cols] for every row.
void add_bias(float* x, size_t rows, size_t cols, size_t ld, const float* bias);

// out[0, n) = the IEEE half-precision values at `in` (2-byte little-endian, any alignment), exactly
// (subnormals, infinities and NaN included).
void f16_to_f32(const void* in, float* out, size_t n);

}  // namespace bitmill::kernels
