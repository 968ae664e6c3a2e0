#include "filter/foreign_words.h"

#include <unicode/uscript.h>

#include <algorithm>

#include "filter/feature_util.h"

namespace bitmill::filter {

using namespace detail;

namespace {

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool contains_folded(std::string_view hay, std::string_view needle) {
  if (needle.empty() || needle.size() > hay.size()) return false;
  auto it = std::search(hay.begin(), hay.end(), needle.begin(), needle.end(),
                        [](char a, char b) { return ascii_lower(a) == ascii_lower(b); });
  return it != hay.end();
}

}  // namespace

size_t foreign_letters_shared(std::string_view text, const std::vector<int>& scripts, std::string_view other) {
  const auto* p = reinterpret_cast<Bytes>(text.data());
  const size_t n = text.size();
  const CharTable ucd;
  size_t shared = 0;
  // The current word: [start, end) in bytes, its letters, and whether it is foreign (one of its
  // letters has a script outside the language's) or native; Common and Inherited letters join
  // either. A change between native and foreign letters ends a word ("Tom唔知Mary" is three).
  size_t start = 0, end = 0, letters = 0;
  enum class Kind { kNone, kNative, kForeign } kind = Kind::kNone;
  auto close = [&] {
    if (kind == Kind::kForeign && contains_folded(other, text.substr(start, end - start))) shared += letters;
    kind = Kind::kNone;
    letters = 0;
  };
  size_t i = 0;
  while (i < n) {
    const size_t at = i;
    const char32_t cp = next_cp(p, n, i);
    const CharClass k = ucd.cls(cp);
    if (k != kLetter && k != kMark) {
      close();
      continue;
    }
    const int sc = ucd.script(cp);
    Kind mine = Kind::kNone;
    if (sc != USCRIPT_COMMON && sc != USCRIPT_INHERITED) {
      mine = std::find(scripts.begin(), scripts.end(), sc) != scripts.end() ? Kind::kNative : Kind::kForeign;
    }
    if (letters > 0 && mine != Kind::kNone && kind != Kind::kNone && mine != kind) close();
    if (letters == 0) start = at;
    if (kind == Kind::kNone) kind = mine;
    ++letters;
    end = i;
  }
  close();
  return shared;
}

}  // namespace bitmill::filter
