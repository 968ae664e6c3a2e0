// JSON field accessors of the model area (internal): every field of a model directory's JSON files
// is read through these, never json::value() or get<T>() on an unchecked node: those throw on a
// field of the wrong type ("hidden_act": 3), and an exception would escape the library. A field
// that is absent or null takes its default, as in sentence-transformers. Errors name the file
// (`path`) and the key: "config.json: 'hidden_size' must be a non-negative integer, not a string".
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "bitmill/base/status.h"

namespace bitmill::model::json_fields {

using nlohmann::json;

// "a boolean", "a number", "a string", "an array", "an object" or "null".
const char* json_kind(const json& v);

// "PATH: 'KEY' must be EXPECTED, not KIND" (data error).
Status field_error(const std::string& path, std::string_view key, const char* expected, const json& found);

// Member `key` of the object `j`, or nullptr when absent or null.
const json* member(const json& j, std::string_view key);

Expected<std::string> get_string(const json& j, std::string_view key, std::string def, const std::string& path);
Expected<bool> get_bool(const json& j, std::string_view key, bool def, const std::string& path);
Expected<uint64_t> get_count(const json& j, std::string_view key, uint64_t def, const std::string& path);
// A required positive integer.
Expected<size_t> get_size(const json& j, std::string_view key, const std::string& path);

// The file parsed: not found ("PATH: cannot open") or data error ("PATH: not valid JSON").
Expected<json> read_json(const std::string& path);
// The same, and the top level must be an object.
Expected<json> read_json_object(const std::string& path);

}  // namespace bitmill::model::json_fields
