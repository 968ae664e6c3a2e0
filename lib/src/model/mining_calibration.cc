#include "bitmill/model/mining_calibration.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "bitmill/base/printable.h"
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

// "deu-eng": two ISO 639-3 codes, the first not after the second (mine::lang_pair_key() makes them).
bool is_pair_key(std::string_view key) {
  return key.size() == 7 && key[3] == '-' && is_iso639_3_code(key.substr(0, 3)) && is_iso639_3_code(key.substr(4)) &&
         key.substr(0, 3) <= key.substr(4);
}

Expected<std::map<std::string, float>> read_pair_thresholds(const json& m, const std::string& path) {
  std::map<std::string, float> out;
  const json* p = member(m, "pair_thresholds");
  if (!p) return out;
  if (!p->is_object()) return field_error(path, "pair_thresholds", "an object", *p);
  for (const auto& [key, v] : p->items()) {
    if (!is_pair_key(key)) {
      return data_error(path + ": mining 'pair_thresholds' key '" + printable(key) +
                        "' must be two ISO 639-3 codes in alphabetical order, as 'deu-eng'");
    }
    if (!v.is_number() || !std::isfinite(v.get<double>())) {
      return data_error(path + ": mining 'pair_thresholds' '" + key + "' must be a finite number");
    }
    out[key] = static_cast<float>(v.get<double>());
  }
  return out;
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
  BITMILL_ASSIGN_OR_RETURN(c.pair_thresholds, read_pair_thresholds(m, path));
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

bool is_iso639_3_code(std::string_view code) {
  return code.size() == 3 && std::all_of(code.begin(), code.end(), [](char ch) { return ch >= 'a' && ch <= 'z'; });
}

}  // namespace bitmill::model
