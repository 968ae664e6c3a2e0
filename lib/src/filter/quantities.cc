#include "filter/quantities.h"

#include <unicode/uchar.h>

#include <cmath>

#include "filter/feature_util.h"

namespace bitmill::filter::detail {
int digit_at(Bytes p, size_t n, size_t i, size_t& len) {
  len = 0;
  if (i >= n) return -1;
  if (p[i] < 0x80) {
    len = 1;
    return p[i] - static_cast<unsigned>('0') < 10u ? p[i] - '0' : -1;
  }
  size_t j = i;
  const char32_t cp = next_cp(p, n, j);
  len = j - i;
  if (CharTable().cls(cp) != kDigit) return -1;
  const int d = u_charDigitValue(static_cast<UChar32>(cp));
  return d >= 0 && d <= 9 ? d : -1;
}

bool group_at(Bytes p, size_t n, size_t i, size_t& end) {
  size_t len = 0;
  for (int k = 0; k < 3; ++k) {
    if (digit_at(p, n, i, len) < 0) return false;
    i += len;
  }
  end = i;
  return digit_at(p, n, i, len) < 0;
}

namespace {

// Length of a separator at p[i]: thousands (`decimal` false) or decimal (true), or 0.
size_t separator_at(Bytes p, size_t n, size_t i, bool decimal) {
  if (i >= n) return 0;
  if (p[i] == '.' || p[i] == ',') return 1;
  if (decimal) {
    return i + 1 < n && p[i] == 0xD9 && p[i + 1] == 0xAB ? 2 : 0;  // U+066B Arabic decimal separator
  }
  if (p[i] == ' ' || p[i] == '\'') return 1;
  if (i + 1 < n && p[i] == 0xC2 && p[i + 1] == 0xA0) return 2;  // no-break space
  if (i + 1 < n && p[i] == 0xD9 && p[i + 1] == 0xAC) return 2;  // U+066C Arabic thousands separator
  if (i + 2 < n && p[i] == 0xE2 && p[i + 1] == 0x80 && (p[i + 2] == 0xAF || p[i + 2] == 0x89)) return 3;
  return 0;
}

// Appends the digits starting at p[i] to `digits` and returns where they end.
size_t read_digits(Bytes p, size_t n, size_t i, std::string& digits) {
  size_t len = 0;
  for (int d = digit_at(p, n, i, len); d >= 0; d = digit_at(p, n, i, len)) {
    digits.push_back(static_cast<char>('0' + d));
    i += len;
  }
  return i;
}

// The word of letters and marks at p[i], case-folded into `word`; returns where it ends.
size_t read_word(Bytes p, size_t n, size_t i, std::string& word) {
  word.clear();
  const CharTable ucd;
  while (i < n && word.size() < 48) {
    size_t j = i;
    const char32_t cp = next_cp(p, n, j);
    const CharClass c = ucd.cls(cp);
    if (c != kLetter && c != kMark) break;
    append_utf8(fold(cp), word);
    i = j;
  }
  return i;
}

// Skips at most one space, no-break space or hyphen at p[i].
size_t skip_gap(Bytes p, size_t n, size_t i) {
  if (i < n && (p[i] == ' ' || p[i] == '-')) return i + 1;
  if (i + 1 < n && p[i] == 0xC2 && p[i + 1] == 0xA0) return i + 2;
  if (i + 2 < n && p[i] == 0xE2 && p[i + 1] == 0x80 && p[i + 2] == 0xAF) return i + 3;
  return i;
}

// Reads what follows a number ending at p[i]: its scale word(s) or imperial unit, into q.
// Returns where a scale word ends (i when there is none).
size_t read_suffix(Bytes p, size_t n, size_t i, Quantity& q, std::string& word) {
  const size_t number_end = i;
  i = skip_gap(p, n, i);
  if (i + 1 < n && p[i] == 0xC2 && (p[i + 1] == 0xB0 || p[i + 1] == 0xBA)) {  // ° or º: "80°F", "80° F"
    i = skip_gap(p, n, i + 2);
  }
  i = read_word(p, n, i, word);
  int exponent = scale_exponent(word);
  if (exponent > 0) {
    const size_t j = skip_gap(p, n, i);
    if (j > i) {
      const size_t after = read_word(p, n, j, word);
      const int second = scale_exponent(word);  // "mil millones"
      if (second > 0 && second < 12) {
        exponent += second;
        i = after;
      }
    }
    q.scaled = q.value * std::pow(10.0, exponent);
    return i;
  }
  q.unit = imperial_unit(word);
  return number_end;
}

// Whether text[from, to) joins two numbers of a range: at most 6 bytes of spaces, letters and
// dashes (" to ", " - ", "–", " à ", " bis ", " y ", " 至 ", "~"); a comma or a digit is none.
bool range_gap(std::string_view text, size_t from, size_t to) {
  if (to < from || to - from > 6) return false;
  const auto* p = reinterpret_cast<Bytes>(text.data());
  const CharTable ucd;
  for (size_t k = from; k < to;) {
    const char32_t cp = next_cp(p, to, k);
    const CharClass c = ucd.cls(cp);
    const bool dash = cp == '~' || cp == 0x301C || category(cp) == UTF8PROC_CATEGORY_PD;
    if (c != kSpace && c != kLetter && c != kMark && !dash) return false;
  }
  return true;
}

int exponent_of(const Quantity& q) {
  return q.value > 0 && q.scaled != q.value ? static_cast<int>(std::lround(std::log10(q.scaled / q.value))) : 0;
}

// The joins extract_quantities documents, on `out` in text order.
void join_ranges_and_compounds(std::string_view text, std::vector<Quantity>& out) {
  for (size_t k = out.size(); k-- > 1;) {
    Quantity& first = out[k - 1];
    const Quantity& second = out[k];
    const int e1 = exponent_of(first), e2 = exponent_of(second);
    const bool adjacent = second.begin <= first.scaled_end + 1;
    if (e1 > 0 && e2 > 0 && e2 < e1 && adjacent) {  // "1억 2500만"
      first.value = first.scaled = first.scaled + second.scaled;
      first.decimals = 0;
      first.digits = std::to_string(static_cast<long long>(std::llround(first.value)));
      out.erase(out.begin() + static_cast<long>(k));
      continue;
    }
    if (e1 == 0 && first.unit == nullptr && range_gap(text, first.end, second.begin)) {
      first.scaled = first.value * (second.value > 0 ? second.scaled / second.value : 1);
      first.unit = second.unit;
    }
  }
}

}  // namespace

void extract_quantities(std::string_view text, std::vector<Quantity>& out) {
  const auto* p = reinterpret_cast<Bytes>(text.data());
  const size_t n = text.size();
  out.clear();
  std::string word;
  size_t i = 0, len = 0;
  while (i < n) {
    if (digit_at(p, n, i, len) < 0) {
      i += len != 0 ? len : 1;
      continue;
    }
    Quantity q;
    q.begin = i;
    std::string all;  // integer digits with leading zeros
    i = read_digits(p, n, i, all);
    bool grouped = false;
    for (;;) {
      const size_t sep = all.size() <= 3 || grouped ? separator_at(p, n, i, false) : 0;
      size_t end = 0;
      if (sep == 0 || !group_at(p, n, i + sep, end)) break;
      read_digits(p, n, i + sep, all);
      i = end;
      grouped = true;
    }
    std::string fraction;
    const size_t dsep = separator_at(p, n, i, true);
    if (dsep != 0 && digit_at(p, n, i + dsep, len) >= 0) i = read_digits(p, n, i + dsep, fraction);
    const size_t first = all.find_first_not_of('0');
    q.digits = first == std::string::npos ? "0" : all.substr(first);
    q.decimals = static_cast<int>(fraction.size());
    q.value = std::strtod((q.digits + "." + (fraction.empty() ? "0" : fraction)).c_str(), nullptr);
    q.scaled = q.value;
    q.end = i;
    q.scaled_end = read_suffix(p, n, i, q, word);
    out.push_back(std::move(q));
  }
  join_ranges_and_compounds(text, out);
}

bool close_to_conversion(double c, const Quantity& y) {
  if (!(c > 0)) return false;
  const double err = std::fabs(y.value - c);
  if (err <= 0.04 * c) return true;
  double half_unit = 0.5;
  if (y.decimals > 0) {
    half_unit = 0.5 * std::pow(10.0, -y.decimals);
  } else {
    for (size_t k = y.digits.size(); k > 1 && y.digits[k - 1] == '0'; --k) half_unit *= 10;
  }
  return err <= 0.12 * c && err <= half_unit;
}

bool converts_to(const Quantity& x, const Quantity& y) {
  if (x.unit == nullptr || y.unit == x.unit) return false;
  if (x.unit->fahrenheit) {
    // A temperature ((F - 32) × 5/9) or a difference of temperatures (× 5/9).
    return close_to_conversion((x.value - 32) * 5 / 9, y) || close_to_conversion(x.value * 5 / 9, y);
  }
  for (double f : x.unit->factors) {
    if (close_to_conversion(x.value * f, y)) return true;
  }
  return false;
}

}  // namespace bitmill::filter::detail
