// What part of a line two lines are compared on (the `--key` option of bitmill-dedup).
//
//   line  the whole line
//   src   the first tab-separated column (the whole line when it has no tab)
//   tgt   the second column (an error when the line has no tab)
//   pair  the first two columns together (an error when the line has no tab); further columns,
//         such as scores or provenance, are ignored
// Each column is normalised separately (normalize.h); `pair` joins them with a tab.
//
// Thread safety: a KeyExtractor is immutable; extract() is re-entrant with per-caller buffers.
#pragma once

#include <string>
#include <string_view>

#include "bitmill/base/status.h"
#include "bitmill/text/normalize.h"

namespace bitmill::dedup {

enum class KeyField { kLine, kSrc, kTgt, kPair };

Expected<KeyField> parse_key_field(std::string_view s);

class KeyExtractor {
 public:
  KeyExtractor(KeyField field, NormalizeOptions norm) : field_(field), norm_(norm) {}

  // Sets `key` to the comparison key of `line` (a view of `line` or of `buf`). Returns false
  // when the line lacks the column the key needs.
  bool extract(std::string_view line, std::string& buf, std::string_view& key) const;

  KeyField field() const { return field_; }

 private:
  KeyField field_;
  Normalizer norm_;
};

}  // namespace bitmill::dedup
