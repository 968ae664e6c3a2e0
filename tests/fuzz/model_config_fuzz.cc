// read_model_dir (model/model_dir.h) on a model directory whose JSON files are the input, split
// at fuzz_util.h's separator: modules.json, config.json, 1_Pooling/config.json,
// sentence_bert_config.json, 2_Dense/config.json, bitmill.json (a part that is absent or "-" is no
// file). The contract: an error naming a file, or a spec the encoder can rely on; the same for
// bitmill.json's mining calibration (model/mining_calibration.h), read whatever the spec was.
#include <cmath>

#include "bitmill/model/mining_calibration.h"
#include "bitmill/model/model_dir.h"
#include "fuzz_util.h"

using namespace bitmill;

namespace {
constexpr const char* kFiles[] = {"model/modules.json",          "model/config.json",
                                  "model/1_Pooling/config.json", "model/sentence_bert_config.json",
                                  "model/2_Dense/config.json",   "model/bitmill.json"};

void check_calibration(const std::string& dir) {
  auto cal = model::read_mining_calibration(dir);
  if (!cal) {
    FUZZ_CHECK_NAMES(cal.status().message(), dir + "/bitmill.json");
    return;
  }
  if (!cal->has_value()) return;
  const model::MiningCalibration& c = **cal;
  FUZZ_CHECK(c.k >= 1 && c.k <= 1024 && c.dim >= 1 && c.dim <= (size_t{1} << 20));
  FUZZ_CHECK(std::isfinite(c.threshold));
  FUZZ_CHECK(c.margin == "ratio" || c.margin == "distance" || c.margin == "absolute");
  FUZZ_CHECK(c.retrieval == "max" || c.retrieval == "fwd" || c.retrieval == "bwd" || c.retrieval == "intersect");
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto parts = fuzz::split_parts(fuzz::as_view(data, size), std::size(kFiles));
  for (size_t i = 0; i < std::size(kFiles); ++i) fuzz::write_part(parts, i, kFiles[i]);
  const std::string dir = fuzz::scratch_dir() + "/model";
  check_calibration(dir);
  auto spec = model::read_model_dir(dir);
  if (!spec) {
    // Every message starts with the path of the file (or directory) at fault.
    FUZZ_CHECK_NAMES(spec.status().message(), dir);
    return 0;
  }
  if (spec->is_static) return 0;
  const model::TransformerConfig& c = spec->config;
  FUZZ_CHECK(c.vocab_size > 0 && c.hidden > 0 && c.layers > 0 && c.heads > 0 && c.intermediate > 0);
  FUZZ_CHECK(c.hidden % c.heads == 0);
  FUZZ_CHECK(c.pad_id >= 0 && static_cast<size_t>(c.pad_id) < c.vocab_size);
  FUZZ_CHECK(c.layer_norm_eps > 0);
  FUZZ_CHECK(model::max_model_length(c) <= c.max_positions);
  size_t width = c.hidden;
  for (const auto& d : spec->dense) {
    FUZZ_CHECK(d.in == width && d.out > 0);
    width = d.out;
  }
  return 0;
}
