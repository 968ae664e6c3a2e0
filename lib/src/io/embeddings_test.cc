#include "bitmill/io/embeddings.h"

#include <doctest/doctest.h>

#include <cstring>

#include "testing/test_util.h"

namespace bitmill {
namespace {

using testing::TempDir;
using testing::write_file;

std::string unhex(std::string_view h) {
  std::string out;
  for (size_t i = 0; i + 1 < h.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
  return out;
}

// Written by NumPy 1.24 (np.save) for [[1.5, -2, 0.25], [3, 4, -0.5]] as <f4 and <f2, and for a
// 1-D array of three zeros: the reference our reader and header writer must agree with.
constexpr const char* kNumpyHeader23 =
    "934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73652c2027"
    "7368617065273a2028322c2033292c207d20202020202020202020202020202020202020202020202020202020202020202020202020"
    "2020202020202020202020202020202020202020200a";
constexpr const char* kNumpyF4Data = "0000c03f000000c00000803e0000404000008040000000bf";
constexpr const char* kNumpyF2 =
    "934e554d5059010076007b276465736372273a20273c6632272c2027666f727472616e5f6f72646572273a2046616c73652c2027"
    "7368617065273a2028322c2033292c207d20202020202020202020202020202020202020202020202020202020202020202020202020"
    "2020202020202020202020202020202020202020200a003e00c000340042004400b8";
constexpr const char* kNumpy1D =
    "934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73652c2027"
    "7368617065273a2028332c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020"
    "202020202020202020202020202020202020202020200a000000000000000000000000";

TEST_CASE("npy_header writes what NumPy writes") {
  CHECK(npy_header(2, 3, VecType::kF32) == unhex(kNumpyHeader23));
  for (uint64_t rows : {0ull, 7ull, 123456789ull}) {
    CHECK(npy_header(rows, 1024, VecType::kF16).size() % 64 == 0);
  }
}

TEST_CASE("NumPy files read back, f32 and f16") {
  TempDir d;
  write_file(d.file("a.npy"), unhex(kNumpyHeader23) + unhex(kNumpyF4Data));
  write_file(d.file("h.npy"), unhex(kNumpyF2));
  const float want[2][3] = {{1.5f, -2.0f, 0.25f}, {3.0f, 4.0f, -0.5f}};
  for (const char* name : {"a.npy", "h.npy"}) {
    CAPTURE(name);
    auto m = EmbeddingMatrix::open(d.file(name));
    REQUIRE(m.has_value());
    CHECK(m->rows() == 2);
    CHECK(m->dim() == 3);
    float row[3];
    for (size_t i = 0; i < 2; ++i) {
      m->row_f32(i, row);
      for (size_t k = 0; k < 3; ++k) CHECK(row[k] == want[i][k]);
    }
  }
  CHECK(EmbeddingMatrix::open(d.file("h.npy"))->type() == VecType::kF16);
  CHECK(EmbeddingMatrix::open(d.file("a.npy"), 4).status().message() ==
        d.file("a.npy") + ": has dimension 3, expected 4");
}

TEST_CASE("raw rows need a dimension that divides the file") {
  TempDir d;
  std::string bytes(6 * 4, '\0');
  const float v[6] = {1, 2, 3, 4, 5, 6};
  std::memcpy(bytes.data(), v, sizeof(v));
  write_file(d.file("e.raw"), bytes);
  auto m = EmbeddingMatrix::open(d.file("e.raw"), 2);
  REQUIRE(m.has_value());
  CHECK(m->rows() == 3);
  float row[2];
  m->row_f32(2, row);
  CHECK(row[0] == 5.0f);
  CHECK(row[1] == 6.0f);
  CHECK(EmbeddingMatrix::open(d.file("e.raw"), 3, VecType::kF16)->rows() == 4);
  const auto bad = EmbeddingMatrix::open(d.file("e.raw"), 4);
  CHECK(bad.status().message().find("24 bytes is not a whole number of 4-dimensional f32 rows") != std::string::npos);
  CHECK(EmbeddingMatrix::open(d.file("e.raw")).status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("malformed .npy files are rejected, naming the file") {
  TempDir d;
  const std::string full = unhex(kNumpyHeader23) + unhex(kNumpyF4Data);
  std::string big_endian = full;
  big_endian.replace(big_endian.find("<f4"), 3, ">f4");
  std::string fortran = full;
  fortran.replace(fortran.find("False"), 5, "True ");
  struct Row {
    std::string name, bytes, part;
  };
  const Row rows[] = {
      {"trunc.npy", full.substr(0, full.size() - 3), "(truncated file?)"},
      {"1d.npy", unhex(kNumpy1D), "expected a 2-D array"},
      {"magic.npy", "PK\x03\x04 not numpy at all", "not a .npy file"},
      {"be.npy", big_endian, "unsupported dtype '>f4'"},
      {"fortran.npy", fortran, "Fortran-order"},
      {"hdr.npy", full.substr(0, 40), "truncated .npy header"},
      // (2**60, 256) f4 is 2**70 bytes, 0 modulo 2**64: the empty file passed (issue 15).
      {"wrap.npy", npy_header(uint64_t{1} << 60, 256, VecType::kF32), "is too large for the 0 data bytes"},
      {"wrap4.npy", npy_header((uint64_t{1} << 62) + 1, 1, VecType::kF32) + "abcd", "is too large for the 4 data"},
      // No rows, but rows of 2^21 columns: every consumer's per-row buffer would be absurd.
      {"wide.npy", npy_header(0, uint64_t{1} << 21, VecType::kF32), "has more than 1048576 columns"},
      {"nodim.npy", npy_header(3, 0, VecType::kF32), "has no columns"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.name);
    write_file(d.file(r.name), r.bytes);
    auto m = EmbeddingMatrix::open(d.file(r.name));
    REQUIRE_FALSE(m.has_value());
    CHECK(m.status().message().rfind(d.file(r.name) + ": ", 0) == 0);
    CHECK(m.status().message().find(r.part) != std::string::npos);
  }
}

}  // namespace
}  // namespace bitmill
