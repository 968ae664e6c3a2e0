// The five tables. A level without its own version of a kernel names the level below's: AVX-512
// has its own SGEMM, GELU, softmax and LayerNorm and runs the AVX2 dot products and conversions, AVX-512 VNNI adds the
// int8 products, and AMX has no kernels of its own yet and runs AVX-512 VNNI's.
#include "kernels/kernel_table.h"

#include <algorithm>

#include "kernels/kernels_impl.h"

namespace bitmill::kernels {
namespace {

constexpr KernelTable kScalarTable{
    Isa::kScalar,       scalar::sgemm,          scalar::packed_b_size,
    scalar::pack_b_all, scalar::sgemm_packed,   scalar::packed_q8_bytes,
    scalar::pack_q8,    scalar::qgemm_packed,   scalar::packed_s8_bytes,
    scalar::pack_s8,    scalar::s8gemm_packed,  scalar::s8_hits,
    scalar::dot_f32,    scalar::dot_f32_scaled, scalar::layer_norm,
    scalar::gelu_erf,   scalar::softmax_rows,   scalar::f16_to_f32,
};

// AVX2 has no int8 product of its own for the k-NN search: its PackedS8 is the scalar layout.
constexpr KernelTable kAvx2Table{
    Isa::kAvx2,       avx2::sgemm,           avx2::packed_b_size,
    avx2::pack_b_all, avx2::sgemm_packed,    avx2::packed_q8_bytes,
    avx2::pack_q8,    avx2::qgemm_packed,    scalar::packed_s8_bytes,
    scalar::pack_s8,  scalar::s8gemm_packed, scalar::s8_hits,
    avx2::dot_f32,    avx2::dot_f32_scaled,  avx2::layer_norm,
    avx2::gelu_erf,   avx2::softmax_rows,    avx2::f16_to_f32,
};

constexpr KernelTable with_isa(KernelTable t, Isa isa) {
  t.isa = isa;
  return t;
}

constexpr KernelTable avx512_table() {
  KernelTable t = with_isa(kAvx2Table, Isa::kAvx512);
  t.sgemm = avx512::sgemm;
  t.packed_b_size = avx512::packed_b_size;
  t.pack_b_all = avx512::pack_b_all;
  t.sgemm_packed = avx512::sgemm_packed;
  t.layer_norm = avx512::layer_norm;
  t.gelu_erf = avx512::gelu_erf;
  t.softmax_rows = avx512::softmax_rows;
  return t;
}

constexpr KernelTable avx512vnni_table() {
  KernelTable t = with_isa(avx512_table(), Isa::kAvx512Vnni);
  t.packed_s8_bytes = avx512vnni::packed_s8_bytes;
  t.pack_s8 = avx512vnni::pack_s8;
  t.s8gemm_packed = avx512vnni::s8gemm_packed;
  t.s8_hits = avx512vnni::s8_hits;
  t.packed_q8_bytes = avx512vnni::packed_q8_bytes;
  t.pack_q8 = avx512vnni::pack_q8;
  t.qgemm_packed = avx512vnni::qgemm_packed;
  return t;
}

constexpr KernelTable kTables[] = {kScalarTable, kAvx2Table, avx512_table(), avx512vnni_table(),
                                   with_isa(avx512vnni_table(), Isa::kAmx)};

}  // namespace

const KernelTable& kernel_table(Isa isa) {
  // Levels are nested (a CPU with one has every one below it), so the best the CPU offers at most
  // `isa` is the lower of the two. detected_isa() is computed once per process.
  return kTables[std::min(static_cast<int>(isa), static_cast<int>(detected_isa()))];
}

}  // namespace bitmill::kernels
