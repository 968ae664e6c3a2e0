// bitmill's SGEMM against OpenBLAS's cblas_sgemm, both single-threaded, on the GEMMs of a BERT
// encoder layer. Run it through scripts/bench/sgemm.sh, which pins OpenBLAS to one thread.
//
// For each shape both libraries get the same operands and are timed alternately (so that noise
// from other processes hits both alike); the best time of each is reported as GFLOP/s, with the
// ratio bitmill / OpenBLAS and the largest difference between the two results relative to the
// largest |element| (a check that the two compute the same thing, not an accuracy measurement).
// For the weight GEMMs a third column times sgemm_packed on a B packed beforehand (packing not
// timed), which is what an encoder holding its weights as PackedB pays per call.
#include <cblas.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "kernels/kernels_testing.h"

namespace {

using bitmill::kernels::Isa;

struct Shape {
  std::string name;
  size_t m, n, k;
  bool trans_b;
  size_t lda, ldb;  // 0: packed (k, or n / k for B)
  bool weights;     // B is a weight matrix, worth packing once: time sgemm_packed too
};

struct Result {
  double bitmill_gflops, openblas_gflops, packed_gflops, max_rel_diff;  // packed_gflops: 0 if not timed
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

Result measure(const Shape& s, Isa isa, double min_time, std::mt19937& rng) {
  const size_t lda = s.lda ? s.lda : s.k;
  const size_t ldb = s.ldb ? s.ldb : (s.trans_b ? s.k : s.n);
  const size_t b_rows = s.trans_b ? s.n : s.k;
  std::vector<float> a(s.m * lda), b(b_rows * ldb), c1(s.m * s.n), c2(s.m * s.n);
  std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
  for (float& v : a) v = unit(rng);
  for (float& v : b) v = unit(rng);

  auto run_bitmill = [&] {
    bitmill::kernels::sgemm_isa(isa, false, s.trans_b, s.m, s.n, s.k, 1.0f, a.data(), lda, b.data(), ldb, 0.0f,
                                c1.data(), s.n);
  };
  auto run_openblas = [&] {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, s.trans_b ? CblasTrans : CblasNoTrans, static_cast<int>(s.m),
                static_cast<int>(s.n), static_cast<int>(s.k), 1.0f, a.data(), static_cast<int>(lda), b.data(),
                static_cast<int>(ldb), 0.0f, c2.data(), static_cast<int>(s.n));
  };
  bitmill::kernels::PackedB packed;
  if (s.weights) packed = bitmill::kernels::pack_b_isa(isa, s.trans_b, s.k, s.n, b.data(), ldb);
  std::vector<float> c3(s.weights ? s.m * s.n : 0);
  auto run_packed = [&] {
    bitmill::kernels::sgemm_packed(false, s.m, 1.0f, a.data(), lda, packed, 0.0f, c3.data(), s.n);
  };
  // One untimed call each: page faults on C and the libraries' first-call setup.
  run_bitmill();
  run_openblas();
  if (s.weights) run_packed();

  double best_bitmill = 1e30, best_openblas = 1e30, best_packed = 1e30, total = 0;
  for (int rep = 0; rep < 3 || total < min_time; ++rep) {
    auto t0 = std::chrono::steady_clock::now();
    run_bitmill();
    const double tb = seconds_since(t0);
    t0 = std::chrono::steady_clock::now();
    run_openblas();
    const double to = seconds_since(t0);
    best_bitmill = std::min(best_bitmill, tb);
    best_openblas = std::min(best_openblas, to);
    total += tb + to;
    if (s.weights) {
      t0 = std::chrono::steady_clock::now();
      run_packed();
      best_packed = std::min(best_packed, seconds_since(t0));
    }
  }

  double max_abs = 0, max_diff = 0;
  for (size_t i = 0; i < c1.size(); ++i) {
    max_abs = std::max(max_abs, static_cast<double>(std::fabs(c2[i])));
    max_diff = std::max(max_diff, static_cast<double>(std::fabs(c1[i] - c2[i])));
  }
  const double flops = 2.0 * static_cast<double>(s.m) * static_cast<double>(s.n) * static_cast<double>(s.k);
  for (size_t i = 0; i < c3.size(); ++i) max_diff = std::max(max_diff, static_cast<double>(std::fabs(c3[i] - c2[i])));
  return {flops / best_bitmill * 1e-9, flops / best_openblas * 1e-9, s.weights ? flops / best_packed * 1e-9 : 0,
          max_abs > 0 ? max_diff / max_abs : max_diff};
}

// The four weight GEMMs of an encoder layer of width h, X[M x K] * W^T with W stored N x K as
// PyTorch's Linear keeps it: fused QKV (N = 3h), attention output (N = h), feed-forward up
// (N = 4h) and down (K = 4h). h = 384 (MiniLM) and 768 (BERT-base) give exactly the N and K
// values of interest.
std::vector<Shape> layer_shapes(const std::vector<size_t>& tokens, bool full) {
  std::vector<Shape> out;
  if (full) {
    for (size_t m : tokens) {
      for (size_t n : {384, 768, 1152, 1536, 2304, 3072}) {
        for (size_t k : {384, 768, 1536, 3072}) out.push_back({"", m, n, k, true, 0, 0, true});
      }
    }
    return out;
  }
  for (size_t h : {384, 768}) {
    for (size_t m : tokens) {
      const std::string w = "h" + std::to_string(h) + " ";
      out.push_back({w + "qkv", m, 3 * h, h, true, 0, 0, true});
      out.push_back({w + "attn-out", m, h, h, true, 0, 0, true});
      out.push_back({w + "ffn-up", m, 4 * h, h, true, 0, 0, true});
      out.push_back({w + "ffn-down", m, h, 4 * h, true, 0, 0, true});
    }
  }
  return out;
}

// One head of attention over a sequence of L tokens reading Q, K and V in place from the fused
// QKV output of width 3h: scores = Q K^T (trans_b) and context = P V (not transposed).
std::vector<Shape> attention_shapes() {
  std::vector<Shape> out;
  for (size_t h : {384, 768}) {
    const size_t d = h == 384 ? 32 : 64;
    for (size_t len : {128, 512}) {
      const std::string w = "h" + std::to_string(h) + " L" + std::to_string(len) + " ";
      out.push_back({w + "QK^T", len, len, d, true, 3 * h, 3 * h, false});
      out.push_back({w + "PV", len, d, len, false, len, 3 * h, false});
    }
  }
  return out;
}

void print_table(const char* title, const std::vector<Shape>& shapes, Isa isa, double min_time, std::mt19937& rng,
                 std::vector<double>& ratios) {
  std::printf("\n%s\n", title);
  std::printf("%-20s %6s %6s %6s %2s %10s %10s %7s %10s %9s\n", "shape", "M", "N", "K", "tB", "bitmill", "OpenBLAS",
              "ratio", "packed-B", "max-diff");
  for (const Shape& s : shapes) {
    const Result r = measure(s, isa, min_time, rng);
    const double ratio = r.bitmill_gflops / r.openblas_gflops;
    ratios.push_back(ratio);
    char packed[16] = "-";
    if (r.packed_gflops > 0) std::snprintf(packed, sizeof packed, "%.1f", r.packed_gflops);
    std::printf("%-20s %6zu %6zu %6zu %2s %10.1f %10.1f %7.2f %10s %9.1e\n", s.name.c_str(), s.m, s.n, s.k,
                s.trans_b ? "T" : "N", r.bitmill_gflops, r.openblas_gflops, ratio, packed, r.max_rel_diff);
    std::fflush(stdout);
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"SGEMM GFLOP/s of bitmill against OpenBLAS (cblas_sgemm), single-threaded"};
  std::vector<size_t> tokens{512, 1024, 2048};
  bool full = false, no_attention = false;
  double min_time = 0.3;
  app.add_option("--tokens", tokens, "M values (tokens per batch)")->capture_default_str();
  app.add_flag("--full", full, "every N x K combination instead of the layers' four GEMMs");
  app.add_flag("--no-attention", no_attention, "skip the attention GEMMs");
  app.add_option("--min-time", min_time, "seconds to spend per shape and library, at least 3 runs")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  // The environment (OPENBLAS_NUM_THREADS=1) should already say so; this makes sure.
  openblas_set_num_threads(1);
  if (const std::string err = bitmill::kernels::isa_env_error(); !err.empty()) {
    std::fprintf(stderr, "bitmill_sgemm_bench: %s\n", err.c_str());
    return 1;
  }
  const Isa isa = bitmill::kernels::active_isa();
  // OPENBLAS_VERSION is " OpenBLAS 0.3.21 ", spaces included.
  std::printf("bitmill ISA: %s;%s(kernels for %s, %d thread)\n", bitmill::kernels::isa_name(isa), OPENBLAS_VERSION,
              openblas_get_corename(), openblas_get_num_threads());
  std::printf("GFLOP/s = 2MNK / best time; ratio = bitmill / OpenBLAS; packed-B: bitmill with B packed beforehand\n");

  std::mt19937 rng(1);
  std::vector<double> ratios;
  print_table("Encoder layer GEMMs: C[M x N] = X[M x K] * W^T, W stored N x K", layer_shapes(tokens, full), isa,
              min_time, rng, ratios);
  if (!no_attention) {
    print_table("Attention, one head, Q/K/V read in place from the fused QKV rows (ld = 3h)", attention_shapes(), isa,
                min_time, rng, ratios);
  }
  double log_sum = 0;
  for (double r : ratios) log_sum += std::log(r);
  std::printf("\ngeometric mean ratio over %zu shapes: %.3f   min: %.3f\n", ratios.size(),
              std::exp(log_sum / static_cast<double>(ratios.size())), *std::min_element(ratios.begin(), ratios.end()));
  return 0;
}
