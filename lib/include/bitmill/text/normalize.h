// Text normalisation applied to keys before comparing them (dedup keys, later filter rules).
//
// Forms (the `--normalize` option):
//   none           bytes as they are
//   nfkc           Unicode NFKC (compatibility composition: "ﬁ" -> "fi", full-width -> ASCII)
//   casefold       Unicode full case folding ("Straße" -> "strasse")
//   nfkc-casefold  Unicode NFKC_Casefold: NFKC + case folding + removal of default-ignorable
//                  code points (soft hyphen, zero-width space, ...)
// `fold_whitespace` (the `--fold-whitespace` flag) then turns every run of Unicode White_Space
// into one ASCII space and trims both ends.
// Input must be valid UTF-8 (LineReader guarantees it). Pure ASCII takes a fast path.
//
// Thread safety: a Normalizer is immutable after construction; normalize() is const and
// re-entrant (the caller provides the output buffer).
#pragma once

#include <string>
#include <string_view>

#include "bitmill/base/status.h"

namespace bitmill {

enum class NormalForm { kNone, kNfkc, kCasefold, kNfkcCasefold };

Expected<NormalForm> parse_normal_form(std::string_view s);

struct NormalizeOptions {
  NormalForm form = NormalForm::kNone;
  bool fold_whitespace = false;

  bool is_identity() const { return form == NormalForm::kNone && !fold_whitespace; }
};

class Normalizer {
 public:
  explicit Normalizer(NormalizeOptions opts) : opts_(opts) {}

  // Writes the normal form of `in` to `out` (replacing its content) and returns a view of it.
  // With an identity configuration it returns `in` itself without copying.
  std::string_view normalize(std::string_view in, std::string& out) const;

  const NormalizeOptions& options() const { return opts_; }

 private:
  NormalizeOptions opts_;
};

// True for the code points of Unicode's White_Space property.
bool is_unicode_space(char32_t cp);

}  // namespace bitmill
