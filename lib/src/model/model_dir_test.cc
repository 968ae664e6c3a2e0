#include "bitmill/model/model_dir.h"

#include <doctest/doctest.h>

#include <filesystem>

#include "testing/test_util.h"

namespace bitmill::model {
namespace {

using testing::TempDir;
using testing::write_file;

constexpr const char* kBertConfig =
    R"({"model_type":"bert","vocab_size":100,"hidden_size":8,"num_hidden_layers":2,"num_attention_heads":2,)"
    R"("intermediate_size":16,"max_position_embeddings":32,"type_vocab_size":2,"hidden_act":"gelu"})";

void write_st_dir(const TempDir& d, const std::string& pooling, bool dense, bool normalize) {
  write_file(d.file("config.json"), kBertConfig);
  std::filesystem::create_directories(d.file("1_Pooling"));
  write_file(d.file("1_Pooling/config.json"), pooling);
  std::string mods = R"([{"idx":0,"path":"","type":"sentence_transformers.models.Transformer"},)"
                     R"({"idx":1,"path":"1_Pooling","type":"sentence_transformers.models.Pooling"})";
  if (dense) {
    std::filesystem::create_directories(d.file("2_Dense"));
    write_file(d.file("2_Dense/config.json"), R"({"in_features":8,"out_features":4,"bias":true,)"
                                              R"("activation_function":"torch.nn.modules.activation.Tanh"})");
    mods += R"(,{"idx":2,"path":"2_Dense","type":"sentence_transformers.models.Dense"})";
  }
  if (normalize) mods += R"(,{"idx":3,"path":"3_Normalize","type":"sentence_transformers.models.Normalize"})";
  write_file(d.file("modules.json"), mods + "]");
  write_file(d.file("sentence_bert_config.json"), R"({"max_seq_length":24})");
}

TEST_CASE("a sentence-transformers directory: pooling, dense, normalize, max_seq_length") {
  TempDir d;
  write_st_dir(d, R"({"pooling_mode_cls_token":true,"pooling_mode_mean_tokens":false})", true, true);
  auto spec = read_model_dir(d.path());
  REQUIRE(spec.has_value());
  CHECK(spec->config.arch == Arch::kBert);
  CHECK(spec->config.hidden == 8);
  CHECK(spec->config.pad_id == 0);
  CHECK(spec->pooling == Pooling::kCls);
  REQUIRE(spec->dense.size() == 1);
  CHECK(spec->dense[0].out == 4);
  CHECK(spec->dense[0].activation == Activation::kTanh);
  CHECK(spec->normalize);
  CHECK(spec->max_seq_length == 24);
  CHECK(max_model_length(spec->config) == 32);
}

TEST_CASE("a bare Hugging Face directory gets mean pooling, XLM-R positions reserve pad_id + 1") {
  TempDir d;
  write_file(d.file("config.json"),
             R"({"model_type":"xlm-roberta","vocab_size":100,"hidden_size":8,"num_hidden_layers":1,)"
             R"("num_attention_heads":2,"intermediate_size":16,"max_position_embeddings":514,"pad_token_id":1})");
  auto spec = read_model_dir(d.path());
  REQUIRE(spec.has_value());
  CHECK(spec->pooling == Pooling::kMean);
  CHECK(spec->config.arch == Arch::kXlmRoberta);
  CHECK(max_model_length(spec->config) == 512);
}

TEST_CASE("inconsistent directories are rejected, naming the file") {
  struct Row {
    std::string name, file, content, part;
  };
  const Row rows[] = {
      {"bad model_type", "config.json", R"({"model_type":"gpt2"})", "model_type 'gpt2' is not supported"},
      {"missing size", "config.json", R"({"model_type":"bert","vocab_size":10})",
       "needs a positive integer 'hidden_size'"},
      {"max pooling", "1_Pooling/config.json", R"({"pooling_mode_max_tokens":true})", "only one of cls or mean"},
      {"dense mismatch", "2_Dense/config.json", R"({"in_features":9,"out_features":4})",
       "in_features 9 does not match"},
      {"bad json", "modules.json", "[{", "not valid JSON"},
      {"unknown module", "modules.json",
       R"([{"path":"","type":"sentence_transformers.models.Transformer"},{"path":"x","type":"my.Custom"}])",
       "module type 'my.Custom' is not supported"},
      // Fields of the wrong type (issue 15: each was an uncaught nlohmann::json exception).
      {"act number", "config.json",
       R"({"model_type":"bert","vocab_size":100,"hidden_size":8,"num_hidden_layers":2,"num_attention_heads":2,)"
       R"("intermediate_size":16,"max_position_embeddings":32,"hidden_act":3})",
       "'hidden_act' must be a string, not a number"},
      {"config list", "config.json", "[1]", "config.json: expected a JSON object, not an array"},
      {"modules numbers", "modules.json", "[1, 2]", "module 0: expected an object, not a number"},
      {"path number", "modules.json", R"([{"path":0,"type":"sentence_transformers.models.Transformer"}])",
       "module 0: 'path' must be a string, not a number"},
      {"cls string", "1_Pooling/config.json", R"({"pooling_mode_cls_token":"yes"})",
       "'pooling_mode_cls_token' must be true or false, not a string"},
      {"max_seq_length string", "sentence_bert_config.json", R"({"max_seq_length":"long"})",
       "'max_seq_length' must be a non-negative integer, not a string"},
      {"dense bias", "2_Dense/config.json", R"({"in_features":8,"out_features":4,"bias":1})",
       "'bias' must be true or false, not a number"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.name);
    TempDir d;
    write_st_dir(d, R"({"pooling_mode_mean_tokens":true})", true, false);
    write_file(d.file(r.file), r.content);
    auto spec = read_model_dir(d.path());
    REQUIRE_FALSE(spec.has_value());
    CHECK(spec.status().message().find(r.part) != std::string::npos);
    CHECK(spec.status().message().find(d.path()) == 0);
  }
  CHECK(read_model_dir("/nonexistent/model").status().code() == StatusCode::kNotFound);
}

TEST_CASE("config.json values of the right type but out of range") {
  const std::string base = std::string(kBertConfig).substr(0, std::string(kBertConfig).size() - 1);
  struct Row {
    std::string extra, part;
  };
  const Row rows[] = {
      {R"(,"layer_norm_eps":"tiny")", "'layer_norm_eps' must be a number, not a string"},
      {R"(,"layer_norm_eps":-1)", "'layer_norm_eps' must be between 0 and 1"},
      {R"(,"pad_token_id":100)", "pad_token_id 100 is not below vocab_size"},
      {R"(,"pad_token_id":-1)", "'pad_token_id' must be a non-negative integer, not a number"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.extra);
    TempDir d;
    write_file(d.file("config.json"), base + r.extra + "}");
    auto spec = read_model_dir(d.path());
    REQUIRE_FALSE(spec.has_value());
    CHECK(spec.status().message().find(r.part) != std::string::npos);
  }
  // null is the default, as sentence-transformers reads it.
  TempDir d;
  write_file(d.file("config.json"), base + R"(,"pad_token_id":null,"layer_norm_eps":null})");
  auto spec = read_model_dir(d.path());
  REQUIRE(spec.has_value());
  CHECK(spec->config.pad_id == 0);
}

}  // namespace
}  // namespace bitmill::model
