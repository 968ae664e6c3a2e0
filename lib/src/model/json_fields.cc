#include "model/json_fields.h"

#include <fstream>
#include <sstream>

namespace bitmill::model::json_fields {

const char* json_kind(const json& v) {
  if (v.is_boolean()) return "a boolean";
  if (v.is_number()) return "a number";
  if (v.is_string()) return "a string";
  if (v.is_array()) return "an array";
  if (v.is_object()) return "an object";
  return "null";
}

Status field_error(const std::string& path, std::string_view key, const char* expected, const json& found) {
  return data_error(path + ": '" + std::string(key) + "' must be " + expected + ", not " + json_kind(found));
}

const json* member(const json& j, std::string_view key) {
  auto it = j.find(key);
  return it == j.end() || it->is_null() ? nullptr : &*it;
}

Expected<std::string> get_string(const json& j, std::string_view key, std::string def, const std::string& path) {
  const json* v = member(j, key);
  if (!v) return def;
  if (!v->is_string()) return field_error(path, key, "a string", *v);
  return v->get<std::string>();
}

Expected<bool> get_bool(const json& j, std::string_view key, bool def, const std::string& path) {
  const json* v = member(j, key);
  if (!v) return def;
  if (!v->is_boolean()) return field_error(path, key, "true or false", *v);
  return v->get<bool>();
}

Expected<uint64_t> get_count(const json& j, std::string_view key, uint64_t def, const std::string& path) {
  const json* v = member(j, key);
  if (!v) return def;
  if (!v->is_number_unsigned()) return field_error(path, key, "a non-negative integer", *v);
  return v->get<uint64_t>();
}

Expected<size_t> get_size(const json& j, std::string_view key, const std::string& path) {
  const json* v = member(j, key);
  if (!v || !v->is_number_unsigned() || v->get<uint64_t>() == 0) {
    return data_error(path + ": needs a positive integer '" + std::string(key) + "'");
  }
  return static_cast<size_t>(v->get<uint64_t>());
}

Expected<json> read_json(const std::string& path) {
  std::ifstream f(path);
  if (!f) return not_found(path + ": cannot open");
  std::stringstream ss;
  ss << f.rdbuf();
  json j = json::parse(ss.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return data_error(path + ": not valid JSON");
  return j;
}

Expected<json> read_json_object(const std::string& path) {
  BITMILL_ASSIGN_OR_RETURN(json j, read_json(path));
  if (!j.is_object()) return data_error(path + ": expected a JSON object, not " + json_kind(j));
  return j;
}

}  // namespace bitmill::model::json_fields
