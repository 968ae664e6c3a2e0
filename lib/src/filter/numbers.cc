#include "bitmill/filter/numbers.h"

#include <fmt/format.h>
#include <unicode/uchar.h>

#include <algorithm>
#include <cmath>
#include <string_view>

#include "filter/feature_util.h"
#include "filter/quantities.h"

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
      // a first group of 1-3 digits (or an earlier group) and is exactly 3 digits.
      if (cur != nullptr && (cur->size() <= 3 || grouped)) {
        size_t sep = 0;  // bytes of the separator that just ended the run, or 0
        if (p[i - 1] == ',' || p[i - 1] == '.' || p[i - 1] == ' ' || p[i - 1] == '\'') {
          sep = 1;
        } else if (i >= 2 && p[i - 2] == 0xC2 && p[i - 1] == 0xA0) {
          sep = 2;
        } else if (i >= 3 && p[i - 3] == 0xE2 && p[i - 2] == 0x80 && (p[i - 1] == 0xAF || p[i - 1] == 0x89)) {
          sep = 3;
        }
        if (size_t end = 0; sep != 0 && group_at(p, n, i, end)) {
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
// A digit run without its leading zeros ("07" is 7), "0" for zeros only.
std::string_view significant(const std::string& n) {
  const size_t first = n.find_first_not_of('0');
  return first == std::string::npos ? std::string_view("0") : std::string_view(n).substr(first);
}

// The sorted, unique numbers of `x` (leading zeros dropped) that `y` lacks.
void set_difference_unique(const std::vector<std::string>& x, const std::vector<std::string>& y,
                           std::vector<std::string>& out) {
  std::vector<std::string_view> ys;
  ys.reserve(y.size());
  for (const std::string& n : y) ys.push_back(significant(n));
  std::sort(ys.begin(), ys.end());
  out.clear();
  for (const std::string& n : x) {
    const std::string_view v = significant(n);
    if (std::binary_search(ys.begin(), ys.end(), v)) continue;
    if (std::find(out.begin(), out.end(), v) == out.end()) out.emplace_back(v);
  }
}

// The value of a digit run of at most 9 digits, or -1.
long long value(std::string_view n) {
  if (n.empty() || n.size() > 9) return -1;
  long long v = 0;
  for (char c : n) v = v * 10 + (c - '0');
  return v;
}

// Whether two numbers, each missing on the other side, can be one quantity written two ways:
//  - a year written short: the shorter (two digits or more) ends the longer ("30", "1930");
//  - an hour of the 24-hour clock and of the 12-hour one ("15" h, "3" p.m.).
// Unit conversions are only taken with the unit written (quantities_agree): without it, a changed
// digit of a two-digit number is too often some rounded conversion of the original (measured on
// the noise benchmark's changed numbers: 15% of them passed).
bool same_quantity(const std::string& x, const std::string& y) {
  const std::string& shorter = x.size() < y.size() ? x : y;
  const std::string& longer = x.size() < y.size() ? y : x;
  if (shorter.size() >= 2 && longer.size() > shorter.size() &&
      longer.compare(longer.size() - shorter.size(), shorter.size(), shorter) == 0) {
    return true;
  }
  const long long a = value(x), b = value(y);
  if (a < 0 || b < 0) return false;
  return (a >= 13 && a <= 23 && b == a - 12) || (b >= 13 && b <= 23 && a == b - 12);
}

// Kuhn's augmenting path from a's number i: whether it can be paired, re-pairing others.
bool augment(size_t i, const std::vector<std::vector<size_t>>& related, std::vector<bool>& seen,
             std::vector<long>& pair_of_b) {
  for (size_t j : related[i]) {
    if (seen[j]) continue;
    seen[j] = true;
    if (pair_of_b[j] < 0 || augment(static_cast<size_t>(pair_of_b[j]), related, seen, pair_of_b)) {
      pair_of_b[j] = static_cast<long>(i);
      return true;
    }
  }
  return false;
}

// The size of a maximum matching of a's numbers to b's (nb of them) along `related`; `pair_of_b`
// (when given) gets, for each of b's, the index of a's paired with it or -1.
size_t max_matching(const std::vector<std::vector<size_t>>& related, size_t nb, std::vector<long>* pairs = nullptr) {
  std::vector<long> own;
  std::vector<long>& pair_of_b = pairs != nullptr ? *pairs : own;
  pair_of_b.assign(nb, -1);
  size_t paired = 0;
  for (size_t i = 0; i < related.size(); ++i) {
    std::vector<bool> seen(nb, false);
    if (augment(i, related, seen, pair_of_b)) ++paired;
  }
  return paired;
}

bool same_value(double u, double v) { return std::fabs(u - v) <= 1e-9 * std::max(std::fabs(u), std::fabs(v)); }

// Whether x and y are one value, each read with or without its scale word ("38만" and
// "380,000"; "5 m" and "5 metres").
bool equal_quantities(const Quantity& x, const Quantity& y) {
  return same_value(x.value, y.value) || same_value(x.scaled, y.value) || same_value(x.value, y.scaled) ||
         same_value(x.scaled, y.scaled);
}

// The quantities of `x` that `y` has no equal of, one of each value.
void unmatched_quantities(const std::vector<Quantity>& x, const std::vector<Quantity>& y,
                          std::vector<const Quantity*>& out) {
  out.clear();
  for (const Quantity& q : x) {
    auto equal = [&](const Quantity& r) { return equal_quantities(q, r); };
    if (std::any_of(y.begin(), y.end(), equal)) continue;
    auto same = [&](const Quantity* r) { return equal(*r); };
    if (std::none_of(out.begin(), out.end(), same)) out.push_back(&q);
  }
}

}  // namespace

bool numbers_disagree(const std::vector<std::string>& a, const std::vector<std::string>& b,
                      std::vector<std::string>* unmatched_a, std::vector<std::string>* unmatched_b) {
  // The common case, the same numbers on both sides (sorted, as extract_numbers gives them): no
  // sets to build. Rows are filtered by the million, most with equal numbers.
  if (a == b) {
    if (unmatched_a != nullptr) unmatched_a->clear();
    if (unmatched_b != nullptr) unmatched_b->clear();
    return false;
  }
  std::vector<std::string> own_a, own_b;
  std::vector<std::string>& ua = unmatched_a != nullptr ? *unmatched_a : own_a;
  std::vector<std::string>& ub = unmatched_b != nullptr ? *unmatched_b : own_b;
  set_difference_unique(a, b, ua);
  set_difference_unique(b, a, ub);
  if (ua.empty() || ub.empty()) return false;
  // Pair each unmatched number with one of the other side's that is the same quantity, one to
  // one (a maximum matching: a few numbers a line); a change leaves numbers unpaired on both sides.
  std::vector<std::vector<size_t>> related(ua.size());
  for (size_t i = 0; i < ua.size(); ++i) {
    for (size_t j = 0; j < ub.size(); ++j) {
      if (same_quantity(ua[i], ub[j])) related[i].push_back(j);
    }
  }
  const size_t paired = max_matching(related, ub.size());
  return paired < ua.size() && paired < ub.size();
}

namespace {

// The quantities comparison of quantities_agree, with what it found: each side's quantities the
// other has no equal of, and the pairs (a index, b index) found the same quantity written another
// way.
struct QuantityComparison {
  std::vector<Quantity> qa, qb;
  std::vector<const Quantity*> ua, ub;
  std::vector<std::pair<size_t, size_t>> pairs;
  bool agree = true;
};

void compare_quantities(std::string_view a, std::string_view b, QuantityComparison& c) {
  extract_quantities(a, c.qa);
  extract_quantities(b, c.qb);
  unmatched_quantities(c.qa, c.qb, c.ua);
  unmatched_quantities(c.qb, c.qa, c.ub);
  c.pairs.clear();
  if (c.ua.empty() || c.ub.empty()) {
    c.agree = true;
    return;
  }
  std::vector<std::vector<size_t>> related(c.ua.size());
  for (size_t i = 0; i < c.ua.size(); ++i) {
    for (size_t j = 0; j < c.ub.size(); ++j) {
      const Quantity& x = *c.ua[i];
      const Quantity& y = *c.ub[j];
      const bool integers = x.decimals == 0 && y.decimals == 0;
      if ((integers && same_quantity(x.digits, y.digits)) || converts_to(x, y) || converts_to(y, x)) {
        related[i].push_back(j);
      }
    }
  }
  std::vector<long> pair_of_b;
  const size_t paired = max_matching(related, c.ub.size(), &pair_of_b);
  for (size_t j = 0; j < pair_of_b.size(); ++j) {
    if (pair_of_b[j] >= 0) c.pairs.emplace_back(static_cast<size_t>(pair_of_b[j]), j);
  }
  c.agree = paired >= c.ua.size() || paired >= c.ub.size();
}

// A quantity as describe_numbers writes it: its value, "=" and the scaled value when a scale
// word changed it, and its unit.
std::string describe(const Quantity& q) {
  std::string out = fmt::format("{:.12g}", q.value);
  if (q.scaled != q.value) out += fmt::format("={:.12g}", q.scaled);
  if (q.unit != nullptr) out += fmt::format(" {}", q.unit->name);
  return out;
}

void append_list(const std::vector<std::string>& items, std::string& out) {
  if (items.empty()) out.push_back('-');
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ",";
    out += items[i];
  }
}

}  // namespace

bool quantities_agree(std::string_view a, std::string_view b) {
  QuantityComparison c;
  compare_quantities(a, b, c);
  return c.agree;
}

void describe_numbers(std::string_view a, std::string_view b, std::string& out) {
  out.clear();
  std::vector<std::string> na, nb, ua, ub;
  extract_numbers(a, na);
  extract_numbers(b, nb);
  if (na == nb) {
    out.push_back('-');
    return;
  }
  const bool digits_disagree = numbers_disagree(na, nb, &ua, &ub);
  append_list(ua, out);
  out += " / ";
  append_list(ub, out);
  if (!digits_disagree) return;
  QuantityComparison c;
  compare_quantities(a, b, c);
  std::vector<std::string> left_a, left_b, pairs;
  for (const Quantity* q : c.ua) left_a.push_back(describe(*q));
  for (const Quantity* q : c.ub) left_b.push_back(describe(*q));
  for (const auto& [i, j] : c.pairs) pairs.push_back(fmt::format("{}~{}", describe(*c.ua[i]), describe(*c.ub[j])));
  out += " => ";
  append_list(left_a, out);
  out += " / ";
  append_list(left_b, out);
  if (!pairs.empty()) {
    out += " (";
    for (size_t k = 0; k < pairs.size(); ++k) {
      if (k > 0) out += ", ";
      out += pairs[k];
    }
    out += ")";
  }
}

}  // namespace bitmill::filter
