// A record's text and id for near-duplicate removal (dedup/near.h): a line, a TSV key (key.h),
// or a JSONL document's text field. Private to lib/src/dedup.
//
// Thread safety: one RecordReader per thread (it holds the JSON parser).
#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>

#include "bitmill/base/status.h"
#include "bitmill/dedup/key.h"
#include "bitmill/dedup/near.h"

namespace bitmill::dedup::detail {

class RecordReader {
 public:
  explicit RecordReader(const NearOptions& o);

  // Sets `text` to the text of `line` (a view into `line` or into this reader, valid until the
  // next call) and, when `id` is given and the options name an id field, `id` to its value.
  // `where` names the line in errors: "FILE:LINE".
  Status read(std::string_view line, std::string_view where, std::string_view& text, std::string* id = nullptr);

 private:
  const NearOptions& opts_;
  KeyExtractor keys_;
  std::string buf_;
  simdjson::dom::parser parser_;
};

}  // namespace bitmill::dedup::detail
