#include "bitmill/filter/char_counts.h"

#include <unicode/uchar.h>
#include <unicode/uscript.h>

#include <algorithm>
#include <array>
#include <cstdint>

#include "filter/feature_util.h"

namespace bitmill::filter {

using namespace detail;

namespace {

// count_chars adds kAsciiLane[c] per ASCII byte into one uint64_t: one 8-bit counter per class
// (lane = class; kControl, the ninth class, borrows the kMark lane, which ASCII never uses). Adding in
// a register avoids the store-to-load chain of incrementing counters in memory.
constexpr int kAsciiControlLane = kMark;
constexpr std::array<uint64_t, 128> make_ascii_lanes() {
  std::array<uint64_t, 128> t{};
  for (size_t c = 0; c < 128; ++c) {
    const int lane = kAsciiCharClass[c] == kControl ? kAsciiControlLane : static_cast<int>(kAsciiCharClass[c]);
    t[c] = uint64_t{1} << (8 * lane);
  }
  return t;
}
constexpr std::array<uint64_t, 128> kAsciiLane = make_ascii_lanes();

}  // namespace

CharCounts count_chars(std::string_view text) {
  const auto* p = reinterpret_cast<Bytes>(text.data());
  const size_t n = text.size();
  const CharTable ucd;
  std::array<size_t, text::kNumCharClasses> by_class{};
  CharCounts c;
  size_t i = 0;
  while (i < n) {
    if (p[i] < 0x80) {
      uint64_t lanes = 0;
      const size_t limit = std::min(n, i + 255);  // a lane holds 255
      while (i < limit && p[i] < 0x80) lanes += kAsciiLane[p[i++]];
      for (int k = 0; k < 8; ++k) {
        by_class[k == kAsciiControlLane ? kControl : static_cast<CharClass>(k)] += (lanes >> (8 * k)) & 0xFFu;
      }
      c.ascii_letters += (lanes >> (8 * kLetter)) & 0xFFu;
      continue;
    }
    const char32_t cp = next_cp(p, n, i);
    const uint8_t info = ucd.info(cp);
    ++by_class[info & text::kCharClassMask];
    if (cp == kReplacementChar) ++c.replacement;
    if (info & text::kNoSpaceBit) ++c.cjk;
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

void count_scripts(std::string_view text, std::vector<std::pair<int, size_t>>& out) {
  out.clear();
  const auto* p = reinterpret_cast<Bytes>(text.data());
  const size_t n = text.size();
  const CharTable ucd;
  size_t latin_ascii = 0;
  size_t last = 0;  // index in out of the last script seen: scripts come in long runs
  size_t i = 0;
  while (i < n) {
    if (p[i] < 0x80) {
      // The whole ASCII stretch in one tight loop.
      do {
        latin_ascii += kAsciiCharClass[p[i]] == kLetter;
        ++i;
      } while (i < n && p[i] < 0x80);
      continue;
    }
    const char32_t cp = next_cp(p, n, i);
    const CharClass k = ucd.cls(cp);
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

}  // namespace bitmill::filter
