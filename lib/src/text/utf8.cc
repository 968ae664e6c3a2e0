#include "bitmill/text/utf8.h"

#include <cstring>

namespace bitmill {
namespace {

inline bool is_cont(uint8_t b) { return (b & 0xC0) == 0x80; }

// Bounds of the second byte for a given lead byte (Table 3-7); other continuation bytes are 80..BF.
inline void second_byte_range(uint8_t lead, uint8_t& lo, uint8_t& hi) {
  lo = 0x80;
  hi = 0xBF;
  if (lead == 0xE0)
    lo = 0xA0;
  else if (lead == 0xED)
    hi = 0x9F;
  else if (lead == 0xF0)
    lo = 0x90;
  else if (lead == 0xF4)
    hi = 0x8F;
}

inline bool all_ascii8(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return (w & 0x8080808080808080ULL) == 0;
}

}  // namespace

int utf8_sequence_length(std::string_view s, int* bad) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const size_t n = s.size();
  const uint8_t b0 = p[0];
  if (b0 < 0x80) return 1;
  int need;
  if (b0 >= 0xC2 && b0 <= 0xDF)
    need = 2;
  else if (b0 >= 0xE0 && b0 <= 0xEF)
    need = 3;
  else if (b0 >= 0xF0 && b0 <= 0xF4)
    need = 4;
  else {
    if (bad) *bad = 1;
    return 0;
  }
  uint8_t lo, hi;
  second_byte_range(b0, lo, hi);
  // Maximal subpart: the longest prefix that could still begin a well-formed sequence.
  if (n < 2 || p[1] < lo || p[1] > hi) {
    if (bad) *bad = 1;
    return 0;
  }
  for (int i = 2; i < need; ++i) {
    if (static_cast<size_t>(i) >= n || !is_cont(p[i])) {
      if (bad) *bad = i;
      return 0;
    }
  }
  return need;
}

size_t find_invalid_utf8(std::string_view s) {
  const char* d = s.data();
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    if (i + 8 <= n && all_ascii8(d + i)) {
      i += 8;
      continue;
    }
    if (static_cast<uint8_t>(d[i]) < 0x80) {
      ++i;
      continue;
    }
    const int len = utf8_sequence_length(s.substr(i), nullptr);
    if (len == 0) return i;
    i += static_cast<size_t>(len);
  }
  return std::string_view::npos;
}

size_t append_replacing_invalid_utf8(std::string_view s, std::string& out) {
  size_t replaced = 0;
  size_t i = 0;
  while (i < s.size()) {
    const size_t bad_at = find_invalid_utf8(s.substr(i));
    if (bad_at == std::string_view::npos) {
      out.append(s.substr(i));
      break;
    }
    out.append(s.substr(i, bad_at));
    int bad = 1;
    utf8_sequence_length(s.substr(i + bad_at), &bad);
    out.append("\xEF\xBF\xBD");
    ++replaced;
    i += bad_at + static_cast<size_t>(bad);
  }
  return replaced;
}

void append_utf8(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace bitmill
