#include "bitmill/filter/urls.h"

#include <algorithm>

#include "filter/feature_util.h"

namespace bitmill::filter {

using namespace detail;

namespace {

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

// End of a URL whose host starts at `host` (see extract_urls), after stripping trailing punctuation.
size_t scan_url(const CharTable& ucd, Bytes p, size_t n, size_t start, size_t host) {
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
    const CharClass cls = static_cast<CharClass>(info & text::kCharClassMask);
    if (cls != kLetter && cls != kMark && cls != kDigit && cls != kOtherNumber) break;
    if (in_host && cls == kLetter && (info & text::kNoSpaceBit)) break;
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

}  // namespace

void extract_urls(std::string_view text, std::vector<std::string>& out) {
  const auto* p = reinterpret_cast<Bytes>(text.data());
  const size_t n = text.size();
  size_t used = 0;
  const CharTable ucd;
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

}  // namespace bitmill::filter
