#include "bitmill/model/safetensors.h"

#include <doctest/doctest.h>

#include <cstring>

#include "testing/test_util.h"

namespace bitmill::model {
namespace {

using testing::TempDir;

// Writes a safetensors file by hand, following the published format (not through our reader).
std::string build(const std::string& header_json, const std::string& data) {
  std::string out(8, '\0');
  uint64_t n = header_json.size();
  for (int i = 0; i < 8; ++i) out[static_cast<size_t>(i)] = static_cast<char>((n >> (8 * i)) & 0xFF);
  return out + header_json + data;
}

std::string f32_bytes(const std::vector<float>& v) {
  std::string s(v.size() * 4, '\0');
  std::memcpy(s.data(), v.data(), s.size());
  return s;
}

std::string u16_bytes(const std::vector<uint16_t>& v) {
  std::string s(v.size() * 2, '\0');
  std::memcpy(s.data(), v.data(), s.size());
  return s;
}

TEST_CASE("tensors load as f32 from F32, F16 and BF16, with or without a model prefix") {
  TempDir d;
  const std::string data = f32_bytes({1, 2, 3, 4, 5, 6}) + u16_bytes({0x3C00, 0xC000}) + u16_bytes({0x3F80, 0x4040});
  const std::string header =
      R"({"__metadata__":{"format":"pt"},)"
      R"("bert.embeddings.word_embeddings.weight":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},)"
      R"("pooler.dense.bias":{"dtype":"F16","shape":[2],"data_offsets":[24,28]},)"
      R"("roberta.x":{"dtype":"BF16","shape":[2],"data_offsets":[28,32]}})";
  testing::write_file(d.file("m.safetensors"), build(header, data));
  auto st = SafeTensors::open(d.file("m.safetensors"));
  REQUIRE(st.has_value());
  CHECK(st->metadata().at("format") == "pt");
  CHECK(st->tensors().size() == 3);

  auto w = st->load_f32("embeddings.word_embeddings.weight", {2, 3});  // prefix added
  REQUIRE(w.has_value());
  CHECK(*w == std::vector<float>{1, 2, 3, 4, 5, 6});
  auto b = st->load_f32("bert.pooler.dense.bias", {2});  // prefix removed
  REQUIRE(b.has_value());
  CHECK(*b == std::vector<float>{1.0f, -2.0f});
  auto x = st->load_f32("x", {2});
  REQUIRE(x.has_value());
  CHECK(*x == std::vector<float>{1.0f, 3.0f});

  auto wrong = st->load_f32("embeddings.word_embeddings.weight", {3, 2});
  CHECK(wrong.status().message() == d.file("m.safetensors") +
                                        ": tensor 'embeddings.word_embeddings.weight': expected shape [3, 2], "
                                        "found [2, 3]");
  CHECK(st->load_f32("encoder.layer.0.attention.self.query.weight", {1})
            .status()
            .message()
            .find("'encoder.layer.0.attention.self.query.weight': missing") != std::string::npos);
}

TEST_CASE("corrupt or inconsistent checkpoints are rejected, naming the tensor") {
  TempDir d;
  const std::string ok_data = f32_bytes({1, 2});
  struct Row {
    std::string name, bytes, message_part;
  };
  const Row rows[] = {
      {"short", "abc", "too short"},
      {"header-past-end", build(R"({"a":1})", "").substr(0, 10), "runs past the end"},
      {"not-json", build("{not json", ok_data), "not a JSON object"},
      {"offsets-past-end", build(R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", ok_data),
       "tensor 'w': data_offsets [0, 16] outside the 8 data bytes"},
      {"size-mismatch", build(R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", ok_data),
       "tensor 'w': holds 8 bytes but shape [3] of F32 needs 12"},
      {"unknown-dtype", build(R"({"w":{"dtype":"Q4","shape":[2],"data_offsets":[0,8]}})", ok_data),
       "tensor 'w': unknown dtype 'Q4'"},
      {"negative-dim", build(R"({"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", ok_data),
       "tensor 'w': shape has a negative"},
      {"missing-field", build(R"({"w":{"dtype":"F32","shape":[2]}})", ok_data), "tensor 'w': needs dtype"},
      {"overlap",
       build(
           R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
           ok_data),
       "overlap"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.name);
    testing::write_file(d.file(r.name), r.bytes);
    auto st = SafeTensors::open(d.file(r.name));
    REQUIRE_FALSE(st.has_value());
    CHECK(st.status().code() == StatusCode::kDataError);
    CHECK(st.status().message().rfind(d.file(r.name) + ": ", 0) == 0);
    CHECK(st.status().message().find(r.message_part) != std::string::npos);
  }
  CHECK(SafeTensors::open(d.file("absent")).status().code() == StatusCode::kNotFound);

  // A known but unsupported dtype is reported when the tensor is loaded.
  testing::write_file(d.file("i64"), build(R"({"ids":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}})", ok_data));
  auto st = SafeTensors::open(d.file("i64"));
  REQUIRE(st.has_value());
  CHECK(st->load_f32("ids", {1}).status().message().find("dtype I64 is not supported") != std::string::npos);
}

}  // namespace
}  // namespace bitmill::model
