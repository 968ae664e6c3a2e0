// Spelling dictionaries to tell close languages apart where language ID cannot (Dutch from
// Afrikaans, Danish from Swedish...), as FastSpell does: the language whose dictionary knows
// more of a text's words is the one it is written in. Hunspell dictionaries from Debian's
// hunspell-* packages (/usr/share/hunspell/LL_CC.aff and .dic). Private to lib/src/filter.
//
// Thread safety: a Speller is safe to share; Hunspell's lookup keeps state, so each Speller
// serialises its lookups (the lang-id rule asks only about long sides that language ID assigns
// to a close language, a small share of rows).
#pragma once

#include <iconv.h>

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "bitmill/base/status.h"
#include "bitmill/filter/language.h"

class Hunspell;

namespace bitmill::filter::detail {

class Speller {
 public:
  // Opens DIR/STEM.aff and DIR/STEM.dic; an error when either is missing or unreadable.
  static Expected<std::unique_ptr<Speller>> open(const std::string& dir, const std::string& stem);
  ~Speller();
  Speller(const Speller&) = delete;
  Speller& operator=(const Speller&) = delete;

  // The share of the words of `text` (valid UTF-8) that the dictionary does not know, and how
  // many words were looked up; a word is a run of letters and marks (an apostrophe inside it
  // joins: "'n", "d'une") of at least 2 letters, without digits. -1 when there is none.
  double unknown_share(std::string_view text, size_t* words = nullptr) const;

  const std::string& stem() const { return stem_; }

 private:
  Speller() = default;
  std::unique_ptr<Hunspell> hunspell_;
  std::string stem_;
  std::string encoding_;  // the dictionary's SET, "UTF-8" or a legacy one words are converted to
  iconv_t iconv_ = reinterpret_cast<iconv_t>(-1);  // UTF-8 to that legacy encoding (guarded by mu_)
  mutable std::mutex mu_;
};

// The dictionary stems tried for a language, in order ("afr": af_ZA; "nld": nl_NL, nl; "nor":
// nb_NO); empty for a language without one in Debian.
std::vector<std::string_view> dictionary_stems(const Language& lang);

// The first of dictionary_stems(lang) found in `dir`, opened; nullptr when none is installed.
// An installed dictionary that fails to open is an error.
Expected<std::unique_ptr<Speller>> open_speller(const std::string& dir, const Language& lang);

}  // namespace bitmill::filter::detail
