#include "bitmill/filter/numbers.h"

#include <unicode/uchar.h>

#include <algorithm>

#include "filter/feature_util.h"

namespace bitmill::filter {

using namespace detail;

void extract_numbers(std::string_view text, std::vector<std::string>& out) {
  const auto* p = reinterpret_cast<Bytes>(text.data());
  const size_t n = text.size();
  size_t used = 0;
  std::string* cur = nullptr;
  bool grouped = false;  // the current run has taken a thousands group
  const CharTable ucd;
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

namespace {

// The sorted, unique numbers of `x` that `y` lacks.
void set_difference_unique(const std::vector<std::string>& x, const std::vector<std::string>& y,
                           std::vector<std::string>& out) {
  out.clear();
  for (size_t i = 0; i < x.size(); ++i) {
    if (i > 0 && x[i] == x[i - 1]) continue;
    if (!std::binary_search(y.begin(), y.end(), x[i])) out.push_back(x[i]);
  }
}

bool ends_with_other(const std::string& n, const std::vector<std::string>& others) {
  for (const std::string& o : others) {
    const std::string& shorter = o.size() < n.size() ? o : n;
    const std::string& longer = o.size() < n.size() ? n : o;
    if (shorter.size() >= 2 && longer.size() > shorter.size() &&
        longer.compare(longer.size() - shorter.size(), shorter.size(), shorter) == 0) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool numbers_disagree(const std::vector<std::string>& a, const std::vector<std::string>& b,
                      std::vector<std::string>* unmatched_a, std::vector<std::string>* unmatched_b) {
  std::vector<std::string> own_a, own_b;
  std::vector<std::string>& ua = unmatched_a != nullptr ? *unmatched_a : own_a;
  std::vector<std::string>& ub = unmatched_b != nullptr ? *unmatched_b : own_b;
  set_difference_unique(a, b, ua);
  set_difference_unique(b, a, ub);
  if (ua.empty() || ub.empty()) return false;
  for (const std::string& n : ua) {
    if (!ends_with_other(n, ub)) return true;
  }
  for (const std::string& n : ub) {
    if (!ends_with_other(n, ua)) return true;
  }
  return false;
}

}  // namespace bitmill::filter
