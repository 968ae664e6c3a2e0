#include "bitmill/filter/terminal_punct.h"

#include "filter/feature_util.h"

namespace bitmill::filter {

using namespace detail;

namespace {

enum TermKind { kNotTerminal, kTermStop, kTermQuestion, kTermExclamation };

inline TermKind terminal_kind(char32_t cp) {
  switch (cp) {
    case 0x002E:
    case 0x0589:
    case 0x06D4:
    case 0x0701:
    case 0x0702:
    case 0x0964:
    case 0x0965:
    case 0x104B:
    case 0x1362:
    case 0x166E:
    case 0x17D4:
    case 0x1803:
    case 0x2026:
    case 0x3002:
    case 0xFE52:
    case 0xFF0E:
    case 0xFF61: return kTermStop;
    case 0x003F:
    case 0x037E:
    case 0x055E:
    case 0x061F:
    case 0x1367:
    case 0x1945:
    case 0x203D:
    case 0x2047:
    case 0x2048:
    case 0x2049:
    case 0x2E2E:
    case 0xFE56:
    case 0xFF1F: return kTermQuestion;
    case 0x0021:
    case 0x055C:
    case 0x07F9:
    case 0x1944:
    case 0x203C:
    case 0xFE57:
    case 0xFF01: return kTermExclamation;
    default: return kNotTerminal;
  }
}

// Trailing material skipped before looking for the terminator.
inline bool is_trailing_skippable(char32_t cp) {
  if (cp < 0x80) return kAsciiCharClass[cp] == kSpace || cp == '"' || cp == '\'' || cp == ')' || cp == ']' || cp == '}';
  if (text::is_variation_selector(cp)) return true;
  switch (category(cp)) {
    case UTF8PROC_CATEGORY_ZS:
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
    case UTF8PROC_CATEGORY_PE:
    case UTF8PROC_CATEGORY_PI:
    case UTF8PROC_CATEGORY_PF:
    case UTF8PROC_CATEGORY_CF: return true;
    case UTF8PROC_CATEGORY_CC: return cp == 0x85;
    default: return false;
  }
}

}  // namespace

Terminal terminal_punctuation(std::string_view text) {
  const auto* p = reinterpret_cast<Bytes>(text.data());
  const size_t n = text.size();
  size_t e = n;
  while (e > 0) {
    const size_t s = prev_start(p, 0, e);
    if (!is_trailing_skippable(cp_at(p, n, s))) break;
    e = s;
  }
  if (e == 0) return Terminal::kNone;
  bool any = false, question = false, exclamation = false;
  for (size_t f = e; f > 0;) {
    const size_t s = prev_start(p, 0, f);
    const TermKind t = terminal_kind(cp_at(p, n, s));
    if (t == kNotTerminal) break;
    any = true;
    question |= t == kTermQuestion;
    exclamation |= t == kTermExclamation;
    f = s;
  }
  if (any) return question ? Terminal::kQuestion : exclamation ? Terminal::kExclamation : Terminal::kStop;
  return CharTable().cls(cp_at(p, n, prev_start(p, 0, e))) == kPunct ? Terminal::kOther : Terminal::kNone;
}

}  // namespace bitmill::filter
