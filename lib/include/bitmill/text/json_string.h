// Writing text into JSON strings (the fields bitmill-filter and bitmill-dedup add to JSONL
// documents).
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace bitmill {

// Appends `s` (UTF-8, as it is) as the body of a JSON string, without the quotes: `"` and `\`
// escaped, \n \r \t by name, other control characters below 0x20 as \u00XX.
void append_json_escaped(std::string_view s, std::string& out);

}  // namespace bitmill
