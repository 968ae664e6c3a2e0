#include "bitmill/model/mining_calibration.h"

#include <cmath>
#include <filesystem>

#include "model/json_fields.h"

namespace bitmill::model {
namespace {

using namespace json_fields;

Expected<std::string> get_choice(const json& j, std::string_view key, std::string def,
                                 std::initializer_list<std::string_view> allowed, const char* names,
                                 const std::string& path) {
  BITMILL_ASSIGN_OR_RETURN(std::string v, get_string(j, key, std::move(def), path));
  for (std::string_view a : allowed) {
    if (v == a) return v;
  }
  return data_error(path + ": mining '" + std::string(key) + "' must be " + names + ", not '" + v + "'");
}

// The mining block; k and dim as bitmill-mine accepts them (-k 1 to 1024; a dimension up to 2^20).
Expected<MiningCalibration> read_block(const json& m, const std::string& path) {
  if (!m.is_object()) return field_error(path, "mining", "an object", m);
  MiningCalibration c;
  c.path = path;
  BITMILL_ASSIGN_OR_RETURN(c.margin, get_choice(m, "margin", "ratio", {"ratio", "distance", "absolute"},
                                                "ratio, distance or absolute", path));
  BITMILL_ASSIGN_OR_RETURN(c.retrieval, get_choice(m, "retrieval", "max", {"max", "fwd", "bwd", "intersect"},
                                                   "max, fwd, bwd or intersect", path));
  BITMILL_ASSIGN_OR_RETURN(c.k, get_size(m, "k", path));
  if (c.k > 1024) return data_error(path + ": mining 'k' must be from 1 to 1024");
  BITMILL_ASSIGN_OR_RETURN(c.dim, get_size(m, "dim", path));
  if (c.dim > (size_t{1} << 20)) return data_error(path + ": mining 'dim' must be from 1 to 1048576");
  const json* t = member(m, "threshold");
  if (!t || !t->is_number() || !std::isfinite(t->get<double>())) {
    return data_error(path + ": mining 'threshold' must be a finite number");
  }
  c.threshold = static_cast<float>(t->get<double>());
  BITMILL_ASSIGN_OR_RETURN(c.calibrated_on, get_string(m, "calibrated_on", "", path));
  return c;
}

}  // namespace

Expected<std::optional<MiningCalibration>> read_mining_calibration(const std::string& model_dir) {
  const std::string path = model_dir + "/bitmill.json";
  std::error_code ec;  // the non-throwing overload
  if (!std::filesystem::exists(path, ec)) return std::optional<MiningCalibration>();
  BITMILL_ASSIGN_OR_RETURN(json j, read_json_object(path));
  const json* m = member(j, "mining");
  if (!m) return std::optional<MiningCalibration>();
  BITMILL_ASSIGN_OR_RETURN(MiningCalibration c, read_block(*m, path));
  return std::optional<MiningCalibration>(std::move(c));
}

}  // namespace bitmill::model
