#include "bitmill/encoder/model_location.h"

#include <doctest/doctest.h>

#include <cstring>
#include <map>
#include <string>

namespace bitmill::encoder {
namespace {

GetEnv env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> const char* {
    auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  };
}

TEST_CASE("embed: --model wins over BITMILL_MODEL, which wins over the shipped default") {
  CHECK(*find_model_dir("given", env_of({{"BITMILL_MODEL", "env"}})) == "given");
  CHECK(*find_model_dir("", env_of({{"BITMILL_MODEL", "env"}})) == "env");
  // An empty variable counts as unset: the default, or an error naming both ways out.
  auto d = find_model_dir("", env_of({{"BITMILL_MODEL", ""}}));
  if (d.has_value()) {
    CHECK(d->ends_with("models/default"));
  } else {
    CHECK(d.status().code() == StatusCode::kNotFound);
    CHECK(d.status().message().find("pass --model DIR or set BITMILL_MODEL") != std::string::npos);
  }
}

TEST_CASE("embed: the default output format is npy for stdout and .npy files, raw otherwise") {
  CHECK(default_output_format("-") == "npy");
  CHECK(default_output_format("out/x.npy") == "npy");
  CHECK(default_output_format("x.f32") == "raw");
  CHECK(default_output_format("x.npy.gz") == "raw");
}

}  // namespace
}  // namespace bitmill::encoder
