#include "bitmill/filter/text_features.h"

#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

namespace bitmill::filter {
namespace {

using Bytes = const unsigned char*;

constexpr char32_t kReplacementChar = 0xFFFD;

// Decodes the code point at p[i] and advances i. The contract is valid UTF-8; for anything else this
// stays in bounds (it checks only the lead byte and the remaining length) and yields U+FFFD or junk.
inline char32_t next_cp(Bytes p, size_t n, size_t& i) {
  const unsigned b = p[i];
  if (b < 0x80) {
    ++i;
    return b;
  }
  if (b >= 0xC2 && b < 0xE0 && i + 2 <= n) {
    const char32_t cp = ((b & 0x1Fu) << 6) | (p[i + 1] & 0x3Fu);
    i += 2;
    return cp;
  }
  if (b >= 0xE0 && b < 0xF0 && i + 3 <= n) {
    const char32_t cp = ((b & 0x0Fu) << 12) | ((p[i + 1] & 0x3Fu) << 6) | (p[i + 2] & 0x3Fu);
    i += 3;
    return cp;
  }
  if (b >= 0xF0 && b < 0xF5 && i + 4 <= n) {
    const char32_t cp =
        ((b & 0x07u) << 18) | ((p[i + 1] & 0x3Fu) << 12) | ((p[i + 2] & 0x3Fu) << 6) | (p[i + 3] & 0x3Fu);
    i += 4;
    return cp <= 0x10FFFF ? cp : kReplacementChar;
  }
  ++i;
  return kReplacementChar;
}

// Start of the code point that ends at p[end - 1] (end > begin, both code point boundaries).
inline size_t prev_start(Bytes p, size_t begin, size_t end) {
  size_t j = end - 1;
  while (j > begin && (p[j] & 0xC0u) == 0x80u && end - j < 4) --j;
  return j;
}

inline char32_t cp_at(Bytes p, size_t n, size_t at) { return next_cp(p, n, at); }

// The classes of CharCounts' partition.
enum Cls : uint8_t { kLetter, kMark, kDigit, kOtherNumber, kPunct, kSymbol, kSpace, kFormat, kControl, kNumCls };

constexpr std::array<Cls, 128> make_ascii_classes() {
  std::array<Cls, 128> t{};
  for (int c = 0; c < 128; ++c) {
    Cls k = kPunct;
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
      k = kLetter;
    else if (c >= '0' && c <= '9')
      k = kDigit;
    else if (c == ' ' || (c >= 0x09 && c <= 0x0D))
      k = kSpace;
    else if (c < 0x20 || c == 0x7F)
      k = kControl;
    else if (c == '$' || c == '+' || c == '<' || c == '=' || c == '>' || c == '^' || c == '`' || c == '|' || c == '~')
      k = kSymbol;  // Sc, Sm, Sk; every other printable ASCII character is P*
    t[static_cast<size_t>(c)] = k;
  }
  return t;
}
constexpr std::array<Cls, 128> kAsciiClass = make_ascii_classes();

// count_chars adds kAsciiLane[c] per ASCII byte into one uint64_t: one 8-bit counter per class
// (lane = class; kControl, the ninth class, borrows the kMark lane, which ASCII never uses). Adding in
// a register avoids the store-to-load chain of incrementing counters in memory.
constexpr int kAsciiControlLane = kMark;
constexpr std::array<uint64_t, 128> make_ascii_lanes() {
  std::array<uint64_t, 128> t{};
  for (size_t c = 0; c < 128; ++c) {
    const int lane = kAsciiClass[c] == kControl ? kAsciiControlLane : static_cast<int>(kAsciiClass[c]);
    t[c] = uint64_t{1} << (8 * lane);
  }
  return t;
}
constexpr std::array<uint64_t, 128> kAsciiLane = make_ascii_lanes();

// Word scanning of ASCII: 0 space, 1 part of a word, 2 part of a word that makes it count (letter, digit).
constexpr std::array<uint8_t, 128> make_ascii_word_bytes() {
  std::array<uint8_t, 128> t{};
  for (size_t c = 0; c < 128; ++c) {
    const Cls k = kAsciiClass[c];
    t[c] = k == kSpace ? 0 : (k == kLetter || k == kDigit) ? 2 : 1;
  }
  return t;
}
constexpr std::array<uint8_t, 128> kAsciiWordByte = make_ascii_word_bytes();

inline bool is_variation_selector(char32_t cp) {
  return (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0100 && cp <= 0xE01EF);
}

// Cf code points with a legitimate use in running text (documented in the header).
inline bool is_allowed_format(char32_t cp) {
  if (cp >= 0x200B && cp <= 0x200F) return true;
  if (cp >= 0x202A && cp <= 0x202E) return true;
  if (cp >= 0x2060 && cp <= 0x2064) return true;
  if (cp >= 0x2066 && cp <= 0x2069) return true;
  if (cp >= 0x0600 && cp <= 0x0605) return true;
  if (cp >= 0xE0020 && cp <= 0xE007F) return true;
  switch (cp) {
    case 0x00AD:
    case 0x061C:
    case 0x06DD:
    case 0x070F:
    case 0x0890:
    case 0x0891:
    case 0x08E2:
    case 0x180E:
    case 0x110BD:
    case 0x110CD: return true;
    default: return false;
  }
}

inline utf8proc_category_t category(char32_t cp) { return utf8proc_category(static_cast<utf8proc_int32_t>(cp)); }

inline bool is_punct_category(utf8proc_category_t c) { return c >= UTF8PROC_CATEGORY_PC && c <= UTF8PROC_CATEGORY_PO; }

inline Cls classify_category(char32_t cp, utf8proc_category_t cat) {
  switch (cat) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO: return kLetter;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME: return is_variation_selector(cp) ? kFormat : kMark;
    case UTF8PROC_CATEGORY_ND: return kDigit;
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO: return kOtherNumber;
    case UTF8PROC_CATEGORY_PC:
    case UTF8PROC_CATEGORY_PD:
    case UTF8PROC_CATEGORY_PS:
    case UTF8PROC_CATEGORY_PE:
    case UTF8PROC_CATEGORY_PI:
    case UTF8PROC_CATEGORY_PF:
    case UTF8PROC_CATEGORY_PO: return kPunct;
    case UTF8PROC_CATEGORY_SM:
    case UTF8PROC_CATEGORY_SC:
    case UTF8PROC_CATEGORY_SK:
    case UTF8PROC_CATEGORY_SO: return cp == kReplacementChar ? kControl : kSymbol;
    case UTF8PROC_CATEGORY_ZS:
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP: return kSpace;  // all White_Space
    case UTF8PROC_CATEGORY_CC: return cp == 0x85 ? kSpace : kControl;
    case UTF8PROC_CATEGORY_CF: return is_allowed_format(cp) ? kFormat : kControl;
    default: return kControl;  // Cs, Co, Cn
  }
}

inline Cls classify_slow(char32_t cp) {
  if (cp < 0x80) return kAsciiClass[cp];
  return classify_category(cp, category(cp));
}

inline bool is_nospace_script(int sc) {
  switch (sc) {
    case USCRIPT_HAN:
    case USCRIPT_HIRAGANA:
    case USCRIPT_KATAKANA:
    case USCRIPT_THAI:
    case USCRIPT_LAO:
    case USCRIPT_KHMER:
    case USCRIPT_MYANMAR: return true;
    default: return false;
  }
}

// For an L* or M* code point: does it belong to a script written without spaces (see CharCounts::cjk)?
inline bool is_nospace_slow(char32_t cp) {
  if (cp < 0x0E00) return false;  // Thai (U+0E00) is the first of them; saves ICU calls for most scripts
  UErrorCode err = U_ZERO_ERROR;
  const UScriptCode sc = uscript_getScript(static_cast<UChar32>(cp), &err);
  if (U_FAILURE(err)) return false;
  if (is_nospace_script(sc)) return true;
  if (sc != USCRIPT_COMMON && sc != USCRIPT_INHERITED) return false;
  UScriptCode ext[32];
  err = U_ZERO_ERROR;
  const int32_t count = uscript_getScriptExtensions(static_cast<UChar32>(cp), ext, 32, &err);
  if (U_FAILURE(err)) return false;
  for (int32_t k = 0; k < count; ++k) {
    if (is_nospace_script(ext[k])) return true;
  }
  return false;
}

// Full-width punctuation, which separates words in count_words (the caller checked P*).
inline bool is_wide_punct_slow(char32_t cp) {
  if (cp < 0x1100) return false;  // no Wide or Fullwidth code point below the Hangul Jamo
  if (cp >= 0xFF61 && cp <= 0xFF65) return true;
  const int w = u_getIntPropertyValue(static_cast<UChar32>(cp), UCHAR_EAST_ASIAN_WIDTH);
  return w == U_EA_WIDE || w == U_EA_FULLWIDTH;
}

// What the scanners need to know about a code point, from utf8proc and ICU: the class, plus flags.
constexpr uint8_t kClsMask = 0x0F;
constexpr uint8_t kNospaceBit = 0x10;    // L* or M* of a script written without spaces
constexpr uint8_t kWidePunctBit = 0x20;  // full-width punctuation
constexpr uint8_t kScriptAskIcu = 0xFF;  // script code does not fit the table

uint8_t info_slow(char32_t cp) {
  const Cls k = classify_slow(cp);
  uint8_t v = k;
  if ((k == kLetter || k == kMark) && is_nospace_slow(cp)) v |= kNospaceBit;
  if (k == kPunct && is_wide_punct_slow(cp)) v |= kWidePunctBit;
  return v;
}

int script_slow(char32_t cp) {
  UErrorCode err = U_ZERO_ERROR;
  const int sc = uscript_getScript(static_cast<UChar32>(cp), &err);
  return U_FAILURE(err) ? USCRIPT_COMMON : sc;
}

// The answers for the BMP, computed once per process (about 2 ms) because a table load is several
// times faster than the library calls; code points above U+FFFF (emoji, rare Han) ask the libraries.
struct BmpTables {
  std::array<uint8_t, 0x10000> info;
  std::array<uint8_t, 0x10000> script;  // for L* and M*; USCRIPT_COMMON for the rest
};

const BmpTables& bmp_tables() {
  static const BmpTables* const tables = [] {
    auto* t = new BmpTables;  // never freed: lives as long as the process
    for (char32_t cp = 0; cp < 0x10000; ++cp) {
      const uint8_t v = info_slow(cp);
      t->info[cp] = v;
      const Cls k = static_cast<Cls>(v & kClsMask);
      const int sc = (k == kLetter || k == kMark) ? script_slow(cp) : USCRIPT_COMMON;
      t->script[cp] = sc >= 0 && sc < kScriptAskIcu ? static_cast<uint8_t>(sc) : kScriptAskIcu;
    }
    return t;
  }();
  return *tables;
}

// Cheap handle on the tables; make one per call of a public function.
class Ucd {
 public:
  Ucd() : t_(bmp_tables()) {}
  uint8_t info(char32_t cp) const { return cp < 0x10000 ? t_.info[cp] : info_slow(cp); }
  Cls cls(char32_t cp) const { return static_cast<Cls>(info(cp) & kClsMask); }
  // Script of an L* or M* code point.
  int script(char32_t cp) const {
    if (cp < 0x10000 && t_.script[cp] != kScriptAskIcu) return t_.script[cp];
    return script_slow(cp);
  }

 private:
  const BmpTables& t_;
};

// Simple case folding of one code point (see longest_word_run).
inline char32_t fold(char32_t cp) {
  if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
  const utf8proc_int32_t c = static_cast<utf8proc_int32_t>(cp);
  return static_cast<char32_t>(utf8proc_tolower(utf8proc_toupper(c)));
}

// Calls emit(begin, end) with the byte range of each word as defined for count_words.
template <typename Emit>
void for_each_word(std::string_view text, Emit&& emit) {
  const auto* p = reinterpret_cast<Bytes>(text.data());
  const size_t n = text.size();
  enum { kNoToken, kRun, kNospace } tok = kNoToken;
  size_t start = 0, end = 0;
  bool content = false;
  auto flush = [&] {
    if (tok == kNospace || (tok == kRun && content)) emit(start, end);
    tok = kNoToken;
    content = false;
  };
  const Ucd ucd;
  size_t i = 0;
  while (i < n) {
    const size_t at = i;
    if (p[i] < 0x80) {
      const uint8_t w = kAsciiWordByte[p[i]];
      ++i;
      if (w == 0) {
        flush();
        continue;
      }
      if (tok == kNospace) flush();
      if (tok == kNoToken) {
        tok = kRun;
        start = at;
      }
      // Consume the whole ASCII stretch of the word at once.
      unsigned has_content = w;
      size_t j = i;  // a local the compiler keeps in a register
      while (j < n && p[j] < 0x80) {
        const uint8_t v = kAsciiWordByte[p[j]];
        if (v == 0) break;
        has_content |= v;
        ++j;
      }
      i = end = j;
      content |= (has_content & 2u) != 0;
      continue;
    }
    const char32_t cp = next_cp(p, n, i);
    const uint8_t info = ucd.info(cp);
    const Cls k = static_cast<Cls>(info & kClsMask);
    if (k == kSpace || (info & kWidePunctBit)) {
      flush();
      continue;
    }
    if (k == kLetter && (info & kNospaceBit)) {
      flush();
      tok = kNospace;
      start = at;
      end = i;
      continue;
    }
    if (k == kMark || k == kFormat) {  // attach to whatever word is open
      if (tok == kNoToken) {
        tok = kRun;
        start = at;
      }
      end = i;
      continue;
    }
    if (tok == kNospace) flush();
    if (tok == kNoToken) {
      tok = kRun;
      start = at;
    }
    end = i;
    if (k == kLetter || k == kDigit || k == kOtherNumber) content = true;
  }
  flush();
}

// Narrows [b, e) past P* code points at both ends.
inline void strip_punct(const Ucd& ucd, Bytes p, size_t n, size_t& b, size_t& e) {
  if (p[b] < 0x80 && p[e - 1] < 0x80 && kAsciiClass[p[b]] != kPunct && kAsciiClass[p[e - 1]] != kPunct) return;
  while (b < e) {
    size_t k = b;
    const char32_t cp = next_cp(p, n, k);
    if (ucd.cls(cp) != kPunct) break;
    b = k;
  }
  while (b < e) {
    const size_t s = prev_start(p, b, e);
    if (ucd.cls(cp_at(p, n, s)) != kPunct) break;
    e = s;
  }
}

inline bool equal_folded(Bytes p, size_t n, size_t b1, size_t e1, size_t b2, size_t e2) {
  if (p[b1] < 0x80 && p[b2] < 0x80 && (p[b1] | 0x20u) != (p[b2] | 0x20u)) return false;  // cheap common case
  if (e1 - b1 == e2 - b2 && std::memcmp(p + b1, p + b2, e1 - b1) == 0) return true;
  while (b1 < e1 && b2 < e2) {
    const char32_t c1 = next_cp(p, n, b1), c2 = next_cp(p, n, b2);
    if (c1 != c2 && fold(c1) != fold(c2)) return false;
  }
  return b1 == e1 && b2 == e2;
}

// The byte whose Windows-1252 (or Latin-1) image is cp, or -1.
inline int cp1252_byte(char32_t cp) {
  if (cp >= 0x80 && cp <= 0xFF) return static_cast<int>(cp);
  switch (cp) {
    case 0x20AC: return 0x80;
    case 0x201A: return 0x82;
    case 0x0192: return 0x83;
    case 0x201E: return 0x84;
    case 0x2026: return 0x85;
    case 0x2020: return 0x86;
    case 0x2021: return 0x87;
    case 0x02C6: return 0x88;
    case 0x2030: return 0x89;
    case 0x0160: return 0x8A;
    case 0x2039: return 0x8B;
    case 0x0152: return 0x8C;
    case 0x017D: return 0x8E;
    case 0x2018: return 0x91;
    case 0x2019: return 0x92;
    case 0x201C: return 0x93;
    case 0x201D: return 0x94;
    case 0x2022: return 0x95;
    case 0x2013: return 0x96;
    case 0x2014: return 0x97;
    case 0x02DC: return 0x98;
    case 0x2122: return 0x99;
    case 0x0161: return 0x9A;
    case 0x203A: return 0x9B;
    case 0x0153: return 0x9C;
    case 0x017E: return 0x9E;
    case 0x0178: return 0x9F;
    default: return -1;
  }
}

// Returns out[used] (appending a string when needed) so that strings keep their capacity across calls.
inline std::string& slot(std::vector<std::string>& out, size_t used) {
  if (used == out.size()) out.emplace_back();
  return out[used];
}

inline bool ascii_alnum(unsigned c) { return (c - '0' < 10u) || ((c | 0x20u) - 'a' < 26u); }

inline bool starts_with_ci(Bytes p, size_t n, size_t i, std::string_view lower) {
  if (n - i < lower.size()) return false;
  for (size_t k = 0; k < lower.size(); ++k) {
    unsigned c = p[i + k];
    if (c - 'A' < 26u) c |= 0x20u;
    if (c != static_cast<unsigned char>(lower[k])) return false;
  }
  return true;
}

inline void lower_ascii(std::string& s, size_t from, size_t to) {
  for (size_t k = from; k < to; ++k) {
    if (s[k] >= 'A' && s[k] <= 'Z') s[k] = static_cast<char>(s[k] + 32);
  }
}

// End of a URL whose host starts at `host` (see extract_urls), after stripping trailing punctuation.
size_t scan_url(const Ucd& ucd, Bytes p, size_t n, size_t start, size_t host) {
  static constexpr std::string_view kStop = "<>\"{}|\\^`";
  size_t j = host;
  bool in_host = true;
  while (j < n) {
    const unsigned b = p[j];
    if (b < 0x80) {
      if (b <= 0x20 || b == 0x7F || kStop.find(static_cast<char>(b)) != std::string_view::npos) break;
      if (b == '/' || b == '?' || b == '#') in_host = false;
      ++j;
      continue;
    }
    size_t k = j;
    const char32_t cp = next_cp(p, n, k);
    const uint8_t info = ucd.info(cp);
    const Cls cls = static_cast<Cls>(info & kClsMask);
    if (cls != kLetter && cls != kMark && cls != kDigit && cls != kOtherNumber) break;
    if (in_host && cls == kLetter && (info & kNospaceBit)) break;
    j = k;
  }
  static constexpr std::string_view kTrailing = ".,;:!?'";
  while (j > host) {
    const char c = static_cast<char>(p[j - 1]);
    if (kTrailing.find(c) != std::string_view::npos) {
      --j;
      continue;
    }
    if (c == ')' || c == ']') {
      const char open = c == ')' ? '(' : '[';
      long depth = 0;
      for (size_t k = start; k < j; ++k) {
        if (p[k] == static_cast<unsigned char>(open)) ++depth;
        if (p[k] == static_cast<unsigned char>(c)) --depth;
      }
      if (depth < 0) {
        --j;
        continue;
      }
    }
    break;
  }
  return j;
}

// Byte offset just past "scheme://" or at the host of "www.", or npos.
size_t url_host_start(Bytes p, size_t n, size_t i) {
  switch (p[i] | 0x20u) {
    case 'h':
      if (starts_with_ci(p, n, i, "http://")) return i + 7;
      if (starts_with_ci(p, n, i, "https://")) return i + 8;
      return std::string_view::npos;
    case 'f': return starts_with_ci(p, n, i, "ftp://") ? i + 6 : std::string_view::npos;
    case 'w': return starts_with_ci(p, n, i, "www.") ? i : std::string_view::npos;
    default: return std::string_view::npos;
  }
}

inline bool url_may_start_after(unsigned prev) {
  return !(ascii_alnum(prev) || prev == '.' || prev == '_' || prev == '-' || prev == '/' || prev == '@');
}

inline bool is_local_char(unsigned c) {
  return ascii_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

// Domain [b, e) of an e-mail address: labels of letters, digits and '-', at least two, last >= 2 letters.
bool valid_mail_domain(Bytes p, size_t b, size_t e) {
  if (b == e) return false;
  size_t dots = 0, label_start = b;
  for (size_t k = b; k <= e; ++k) {
    if (k == e || p[k] == '.') {
      if (k == label_start || p[label_start] == '-') return false;
      if (k < e) {
        ++dots;
        label_start = k + 1;
      }
    }
  }
  if (dots == 0 || e - label_start < 2) return false;
  for (size_t k = label_start; k < e; ++k) {
    if ((p[k] | 0x20u) - 'a' >= 26u) return false;
  }
  return true;
}

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
  if (cp < 0x80) return kAsciiClass[cp] == kSpace || cp == '"' || cp == '\'' || cp == ')' || cp == ']' || cp == '}';
  if (is_variation_selector(cp)) return true;
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

// Sequence of case-folded letters, marks and numbers for similarity().
void similarity_key(std::string_view text, std::vector<char32_t>& out) {
  out.clear();
  const Ucd ucd;
  const auto* p = reinterpret_cast<Bytes>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    if (p[i] < 0x80) {
      const unsigned c = p[i++];
      const Cls k = kAsciiClass[c];
      if (k == kLetter)
        out.push_back(c | 0x20u);
      else if (k == kDigit)
        out.push_back(c);
      continue;
    }
    const char32_t cp = next_cp(p, n, i);
    switch (ucd.cls(cp)) {
      case kLetter:
      case kMark:
      case kOtherNumber: out.push_back(fold(cp)); break;
      case kDigit: {
        const int32_t v = u_charDigitValue(static_cast<UChar32>(cp));
        out.push_back(v >= 0 && v <= 9 ? U'0' + static_cast<char32_t>(v) : cp);
        break;
      }
      default: break;
    }
  }
}

}  // namespace

CharCounts count_chars(std::string_view text) {
  const auto* p = reinterpret_cast<Bytes>(text.data());
  const size_t n = text.size();
  const Ucd ucd;
  std::array<size_t, kNumCls> by_class{};
  CharCounts c;
  size_t i = 0;
  while (i < n) {
    if (p[i] < 0x80) {
      uint64_t lanes = 0;
      const size_t limit = std::min(n, i + 255);  // a lane holds 255
      while (i < limit && p[i] < 0x80) lanes += kAsciiLane[p[i++]];
      for (int k = 0; k < 8; ++k) {
        by_class[k == kAsciiControlLane ? kControl : static_cast<Cls>(k)] += (lanes >> (8 * k)) & 0xFFu;
      }
      continue;
    }
    const char32_t cp = next_cp(p, n, i);
    const uint8_t info = ucd.info(cp);
    ++by_class[info & kClsMask];
    if (cp == kReplacementChar) ++c.replacement;
    if (info & kNospaceBit) ++c.cjk;
  }
  c.letters = by_class[kLetter];
  c.marks = by_class[kMark];
  c.digits = by_class[kDigit];
  c.other_numbers = by_class[kOtherNumber];
  c.punct = by_class[kPunct];
  c.symbols = by_class[kSymbol];
  c.spaces = by_class[kSpace];
  c.format = by_class[kFormat];
  c.controls = by_class[kControl];
  for (size_t v : by_class) c.chars += v;
  return c;
}

size_t count_words(std::string_view text) {
  size_t words = 0;
  for_each_word(text, [&](size_t, size_t) { ++words; });
  return words;
}

void count_scripts(std::string_view text, std::vector<std::pair<int, size_t>>& out) {
  out.clear();
  const auto* p = reinterpret_cast<Bytes>(text.data());
  const size_t n = text.size();
  const Ucd ucd;
  size_t latin_ascii = 0;
  size_t last = 0;  // index in out of the last script seen: scripts come in long runs
  size_t i = 0;
  while (i < n) {
    if (p[i] < 0x80) {
      latin_ascii += kAsciiClass[p[i]] == kLetter;
      ++i;
      continue;
    }
    const char32_t cp = next_cp(p, n, i);
    const Cls k = ucd.cls(cp);
    if (k != kLetter && k != kMark) continue;
    const int sc = ucd.script(cp);
    if (sc == USCRIPT_COMMON || sc == USCRIPT_INHERITED) continue;
    if (last < out.size() && out[last].first == sc) {
      ++out[last].second;
      continue;
    }
    last = 0;
    while (last < out.size() && out[last].first != sc) ++last;
    if (last == out.size()) out.emplace_back(sc, 0);
    ++out[last].second;
  }
  if (latin_ascii > 0) {
    auto it = std::find_if(out.begin(), out.end(), [](const auto& e) { return e.first == USCRIPT_LATIN; });
    if (it == out.end())
      out.emplace_back(USCRIPT_LATIN, latin_ascii);
    else
      it->second += latin_ascii;
  }
  std::sort(out.begin(), out.end());
}

Expected<std::vector<int>> parse_scripts(std::string_view list) {
  std::vector<int> codes;
  size_t i = 0;
  std::string token;
  while (i < list.size()) {
    const char c = list[i];
    if (c == ',' || c == ' ' || (c >= 0x09 && c <= 0x0D)) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < list.size() && list[j] != ',' && list[j] != ' ' && !(list[j] >= 0x09 && list[j] <= 0x0D)) ++j;
    token.assign(list.substr(i, j - i));
    i = j;
    std::string lower = token;
    lower_ascii(lower, 0, lower.size());
    if (lower == "jpan") {
      codes.insert(codes.end(), {USCRIPT_HAN, USCRIPT_HIRAGANA, USCRIPT_KATAKANA});
    } else if (lower == "kore") {
      codes.insert(codes.end(), {USCRIPT_HANGUL, USCRIPT_HAN});
    } else if (lower == "hrkt") {
      codes.insert(codes.end(), {USCRIPT_HIRAGANA, USCRIPT_KATAKANA});
    } else if (lower == "hans" || lower == "hant") {
      codes.push_back(USCRIPT_HAN);
    } else if (lower == "hanb") {
      codes.insert(codes.end(), {USCRIPT_HAN, USCRIPT_BOPOMOFO});
    } else {
      const int code = u_getPropertyValueEnum(UCHAR_SCRIPT, token.c_str());
      if (code == UCHAR_INVALID_CODE)
        return invalid_argument("unknown script code '" + token +
                                "': expected ISO 15924 codes such as Latn, Cyrl, Arab");
      if (code == USCRIPT_COMMON || code == USCRIPT_INHERITED || code == USCRIPT_UNKNOWN)
        return invalid_argument("script '" + token +
                                "' is never counted: Common, Inherited and Unknown letters are skipped");
      if (uscript_getUsage(static_cast<UScriptCode>(code)) == USCRIPT_USAGE_NOT_ENCODED)
        return invalid_argument("script '" + token +
                                "' has no characters of its own in Unicode: use the script it is a variant of");
      codes.push_back(code);
    }
  }
  std::sort(codes.begin(), codes.end());
  codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
  return codes;
}

size_t count_mojibake(std::string_view text) {
  const auto* p = reinterpret_cast<Bytes>(text.data());
  const size_t n = text.size();
  size_t count = 0;
  size_t i = 0;
  // Every lead image U+00C2..U+00F4 is encoded C3 82..C3 B4, so memchr finds the candidates.
  while (i < n) {
    const void* hit = std::memchr(p + i, 0xC3, n - i);
    if (hit == nullptr) break;
    i = static_cast<size_t>(static_cast<Bytes>(hit) - p);
    if (i + 1 >= n) break;
    const unsigned lead = p[i + 1] + 0x40u;  // C3 80..BF encodes U+00C0..U+00FF
    size_t j = i + 2;
    if (lead < 0xC2 || lead > 0xF4 || lead == 0xDF) {
      i = j;
      continue;
    }
    const int need = lead < 0xE0 ? 1 : lead < 0xF0 ? 2 : 3;
    int lo = 0x80, hi = 0xBF;
    if (lead == 0xE0) lo = 0xA0;
    if (lead == 0xED) hi = 0x9F;
    if (lead == 0xF0) lo = 0x90;
    if (lead == 0xF4) hi = 0x8F;
    bool ok = true;
    bool punct_or_nbsp = false;
    for (int t = 0; t < need && ok; ++t) {
      if (j >= n) {
        ok = false;
        break;
      }
      const char32_t cp = next_cp(p, n, j);
      const int b = cp1252_byte(cp);
      ok = b >= (t == 0 ? lo : 0x80) && b <= (t == 0 ? hi : 0xBF);
      if (cp == 0xA0) {
        if (need > 1) ok = false;  // French "été\u00A0»"
        punct_or_nbsp = true;
      } else if (need == 1 && ok) {
        punct_or_nbsp = is_punct_category(category(cp));
      }
    }
    if (ok && need == 1 && punct_or_nbsp && i > 0 && (j == n || classify_slow(cp_at(p, n, j)) != kLetter)) {
      // An all-caps word ending in an accented capital, then punctuation: "CAFÉ\u00A0!", "„SCHÖN…“".
      const char32_t prev = cp_at(p, n, prev_start(p, 0, i));
      if (prev < 0x80 ? (prev >= 'A' && prev <= 'Z') : category(prev) == UTF8PROC_CATEGORY_LU) ok = false;
    }
    if (ok) {
      ++count;
      i = j;
    } else {
      i += 2;
    }
  }
  return count;
}

void extract_numbers(std::string_view text, std::vector<std::string>& out) {
  const auto* p = reinterpret_cast<Bytes>(text.data());
  const size_t n = text.size();
  size_t used = 0;
  std::string* cur = nullptr;
  bool grouped = false;  // the current run has taken a thousands group
  const Ucd ucd;
  size_t i = 0;
  while (i < n) {
    int digit = -1;
    if (p[i] < 0x80) {
      if (p[i] - static_cast<unsigned>('0') < 10u) digit = p[i] - '0';
      ++i;
    } else {
      const char32_t cp = next_cp(p, n, i);
      if (ucd.cls(cp) == kDigit) digit = u_charDigitValue(static_cast<UChar32>(cp));
    }
    if (digit < 0 || digit > 9) {
      // A thousands separator continues the run: "1,000", "1.000", "1 000", "1'000" (and with
      // no-break or thin spaces) are all 1000, so that "5,000" and "5000" agree. A group follows
      // a first group of 1-3 digits (or an earlier group) and is exactly 3 ASCII digits.
      if (cur != nullptr && (cur->size() <= 3 || grouped)) {
        size_t sep = 0;  // bytes of the separator that just ended the run, or 0
        if (p[i - 1] == ',' || p[i - 1] == '.' || p[i - 1] == ' ' || p[i - 1] == '\'') {
          sep = 1;
        } else if (i >= 2 && p[i - 2] == 0xC2 && p[i - 1] == 0xA0) {
          sep = 2;
        } else if (i >= 3 && p[i - 3] == 0xE2 && p[i - 2] == 0x80 && (p[i - 1] == 0xAF || p[i - 1] == 0x89)) {
          sep = 3;
        }
        auto is_ascii_digit = [&](size_t j) { return j < n && p[j] - static_cast<unsigned>('0') < 10u; };
        if (sep != 0 && is_ascii_digit(i) && is_ascii_digit(i + 1) && is_ascii_digit(i + 2) && !is_ascii_digit(i + 3)) {
          grouped = true;
          continue;  // the next digits append to this run
        }
      }
      cur = nullptr;
      grouped = false;
      continue;
    }
    if (cur == nullptr) {
      cur = &slot(out, used++);
      cur->clear();
    }
    cur->push_back(static_cast<char>('0' + digit));
  }
  out.resize(used);
  std::sort(out.begin(), out.end());
}

void extract_urls(std::string_view text, std::vector<std::string>& out) {
  const auto* p = reinterpret_cast<Bytes>(text.data());
  const size_t n = text.size();
  size_t used = 0;
  const Ucd ucd;
  size_t last_end = 0;  // e-mail local parts do not reach back into the previous match
  size_t i = 0;
  while (i < n) {
    const unsigned c = p[i];
    if (c == '@') {
      size_t b = i;
      while (b > last_end && is_local_char(p[b - 1])) --b;
      while (b < i && p[b] == '.') ++b;
      size_t e = i + 1;
      while (e < n && (ascii_alnum(p[e]) || p[e] == '.' || p[e] == '-')) ++e;
      while (e > i + 1 && (p[e - 1] == '.' || p[e - 1] == '-')) --e;
      if (b < i && valid_mail_domain(p, i + 1, e)) {
        std::string& s = slot(out, used++);
        s.assign(text.substr(b, e - b));
        lower_ascii(s, i - b + 1, s.size());
        i = last_end = e;
        continue;
      }
    } else if ((c | 0x20u) == 'h' || (c | 0x20u) == 'f' || (c | 0x20u) == 'w') {
      const size_t host = (i == 0 || url_may_start_after(p[i - 1])) ? url_host_start(p, n, i) : std::string_view::npos;
      if (host != std::string_view::npos) {
        const size_t end = scan_url(ucd, p, n, i, host);
        const size_t min_end = host == i ? i + 4 : host;  // "www." needs a host after the dot
        if (end > min_end && p[min_end] != '/' && p[min_end] != '?' && p[min_end] != '#') {
          std::string& s = slot(out, used++);
          s.assign(text.substr(i, end - i));
          size_t host_end = host - i;
          while (host_end < s.size() && s[host_end] != '/' && s[host_end] != '?' && s[host_end] != '#') ++host_end;
          lower_ascii(s, 0, host_end);
          i = last_end = end;
          continue;
        }
      }
    }
    ++i;
  }
  out.resize(used);
  std::sort(out.begin(), out.end());
}

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
  return classify_slow(cp_at(p, n, prev_start(p, 0, e))) == kPunct ? Terminal::kOther : Terminal::kNone;
}

size_t longest_word_run(std::string_view text) {
  const auto* p = reinterpret_cast<Bytes>(text.data());
  const size_t n = text.size();
  const Ucd ucd;
  size_t best = 0, run = 0, prev_b = 0, prev_e = 0;
  for_each_word(text, [&](size_t b, size_t e) {
    strip_punct(ucd, p, n, b, e);
    if (b == e) return;
    if (run > 0 && equal_folded(p, n, prev_b, prev_e, b, e))
      ++run;
    else
      run = 1;
    prev_b = b;
    prev_e = e;
    best = std::max(best, run);
  });
  return best;
}

double similarity(std::string_view a, std::string_view b, double min_interest) {
  thread_local std::vector<char32_t> ka, kb;
  thread_local std::vector<uint32_t> row;
  similarity_key(a, ka);
  similarity_key(b, kb);
  const size_t len = std::max(ka.size(), kb.size());
  if (len == 0) return 1.0;
  const auto score = [len](size_t d) { return 1.0 - static_cast<double>(d) / static_cast<double>(len); };
  // Largest distance whose score still reaches min_interest, computed with the same formula as the
  // result so that the two agree at the boundary.
  size_t band = len;
  if (min_interest > 0.0) {
    if (min_interest > 1.0) return 0.0;
    const double est = (1.0 - min_interest) * static_cast<double>(len);
    band = std::min(len, static_cast<size_t>(est));
    while (band < len && score(band + 1) >= min_interest) ++band;
    while (band > 0 && score(band) < min_interest) --band;
    if (score(band) < min_interest) return 0.0;
  }
  // Common prefix and suffix cost nothing.
  size_t pre = 0;
  while (pre < ka.size() && pre < kb.size() && ka[pre] == kb[pre]) ++pre;
  size_t suf = 0;
  while (suf < ka.size() - pre && suf < kb.size() - pre && ka[ka.size() - 1 - suf] == kb[kb.size() - 1 - suf]) ++suf;
  const char32_t* x = ka.data() + pre;
  const char32_t* y = kb.data() + pre;
  const size_t nx = ka.size() - pre - suf, ny = kb.size() - pre - suf;
  const size_t diff = nx > ny ? nx - ny : ny - nx;
  if (diff > band) return 0.0;
  if (nx == 0 || ny == 0) return score(nx + ny);
  // Banded Levenshtein (Ukkonen): only cells with |i - j| <= band can hold a distance <= band; values
  // saturate at band + 1.
  const uint32_t inf = static_cast<uint32_t>(std::min<size_t>(band + 1, UINT32_MAX - 2));
  row.assign(ny + 1, inf);
  for (size_t j = 0; j <= std::min(ny, band); ++j) row[j] = static_cast<uint32_t>(j);
  for (size_t i = 1; i <= nx; ++i) {
    const size_t lo = i > band ? i - band : 1;
    const size_t hi = std::min(ny, i + band);
    if (lo > hi) return 0.0;
    uint32_t diag = row[lo - 1];
    uint32_t left = (lo == 1 && i <= band) ? static_cast<uint32_t>(i) : inf;
    row[lo - 1] = left;
    uint32_t row_min = inf;
    const char32_t xi = x[i - 1];
    for (size_t j = lo; j <= hi; ++j) {
      const uint32_t up = row[j];
      uint32_t v = diag + (xi == y[j - 1] ? 0u : 1u);
      v = std::min(v, up + 1);
      v = std::min(v, left + 1);
      v = std::min(v, inf);
      diag = up;
      row[j] = v;
      left = v;
      row_min = std::min(row_min, v);
    }
    if (row_min >= inf) return 0.0;  // every path already costs more than the band allows
  }
  const size_t d = row[ny];
  if (d > band) return 0.0;
  return score(d);
}

}  // namespace bitmill::filter
