#include "bitmill/cli/embedding_options.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "bitmill/cli/k_option.h"
#include "testing/npy.h"
#include "testing/test_util.h"

namespace bitmill::cli {
namespace {

using testing::TempDir;

// Parses `args` (after the program name) into fresh options; returns CLI11's error text, or "".
std::string parse(CLI::App& app, std::vector<std::string> args) {
  std::reverse(args.begin(), args.end());  // CLI11 takes a vector in reverse order
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    return e.what();
  }
  return "";
}

TEST_CASE("cli: --dim and --emb-dtype, and the raw files they describe") {
  TempDir dir;
  const std::vector<float> v = {1, 2, 3, 4, 5, 6};
  testing::write_npy(dir.file("m.npy"), v, 2, 3);
  testing::write_file(dir.file("m.f32"), std::string(reinterpret_cast<const char*>(v.data()), v.size() * 4));
  {
    EmbeddingOptions o;
    CLI::App app;
    add_embedding_options(app, o);
    CHECK(parse(app, {}) == "");
    CHECK(!o.given_dim());
    CHECK(o.raw_type() == VecType::kF32);
    const Status s = check_raw_dim(dir.file("m.f32"), o);
    CHECK(s.code() == StatusCode::kInvalidArgument);
    CHECK(s.message() == dir.file("m.f32") + ": raw embeddings need --dim (or use a .npy file)");
    CHECK(check_raw_dim(dir.file("m.npy"), o).is_ok());
    CHECK(open_embedding_matrix(dir.file("m.npy"), o)->rows() == 2);
    const Status all = check_raw_dims({dir.file("m.npy"), dir.file("m.f32"), dir.file("n.f32")}, o);
    CHECK(all.message() == dir.file("m.f32") + ": raw embeddings need --dim (or use a .npy file)");
  }
  {
    EmbeddingOptions o;
    CLI::App app;
    add_embedding_options(app, o);
    CHECK(parse(app, {"--dim", "3"}) == "");
    auto m = open_embedding_matrix(dir.file("m.f32"), o);
    REQUIRE(m.has_value());
    CHECK(m->rows() == 2);
    CHECK(m->dim() == 3);
    CHECK(check_raw_dims({dir.file("m.npy"), dir.file("m.f32")}, o).is_ok());
  }
  {
    EmbeddingOptions o;
    CLI::App app;
    add_embedding_options(app, o);
    CHECK(parse(app, {"--dim", "6", "--emb-dtype", "f16"}) == "");
    CHECK(o.raw_type() == VecType::kF16);
    auto m = open_embedding_matrix(dir.file("m.f32"), o);  // 24 bytes: two rows of six f16
    REQUIRE(m.has_value());
    CHECK(m->rows() == 2);
    CHECK(m->type() == VecType::kF16);
  }
  {
    EmbeddingOptions o;
    CLI::App app;
    add_embedding_options(app, o);
    CHECK(parse(app, {"--emb-dtype", "f64"}) != "");
  }
}

TEST_CASE("cli: -k is 1 to 1024, 4 by default") {
  for (const auto range : {KRangeHelp::kInValueName, KRangeHelp::kInDescription}) {
    size_t k = 0;
    CLI::App app;
    add_k_option(app, k, "Neighbours", range);
    CHECK(parse(app, {}) == "");
    CHECK(app.get_option("-k")->get_default_str() == "4");
    CHECK(parse(app, {"-k", "1024"}) == "");
    CHECK(k == 1024);
    CHECK(parse(app, {"-k", "0"}) != "");
    CHECK(parse(app, {"-k", "1025"}) != "");
    const std::string help = app.help();
    CHECK(help.find(range == KRangeHelp::kInValueName ? "-k N:1 to 1024=4" : "-k K=4 ") != std::string::npos);
  }
}

}  // namespace
}  // namespace bitmill::cli
