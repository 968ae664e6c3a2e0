// The quantities a text states, for the bitext `numbers` rule's second look: when the digit runs
// of two sides disagree (numbers.h), the rule reads each side's numbers as values with what
// follows them, so that "380,000" agrees with "38만" or "380 هزار", "£2.8bn" with "28억 파운드" and
// "10 inches" with "25 cm". Private to lib/src/filter.
//
// Input: valid UTF-8 (as numbers.h). Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "filter/number_words.h"

namespace bitmill::filter::detail {

struct Quantity {
  // The number as written: "2.8" is 2.8, "1,000" and "1.000" are 1000 (the thousands groups of
  // extract_numbers), "7,5" and "7.5" are 7.5 (a separator followed by other than one or more
  // groups of exactly 3 digits is a decimal one), "۲٫۵" is 2.5.
  double value = 0;
  // value × the power of ten of a scale word right after it ("2.8 billion", "38만명", "5 लाख",
  // "mil millones" 10^9), or value.
  double scaled = 0;
  // The digits of the integer part without leading zeros ("0" for zero), ASCII, for the rules
  // of numbers.cc that read digits (a year written short, the 12-hour clock).
  std::string digits;
  int decimals = 0;  // how many digits follow the decimal separator
  // The imperial unit right after it ("10 inches", "550-pound", "80°F"), or nullptr.
  const ImperialUnit* unit = nullptr;
  size_t begin = 0, end = 0;  // where the number (without what follows it) is in the text
  size_t scaled_end = 0;      // where its scale word ends (end without one)
};

// The value of the decimal digit (Nd, any script) at p[i], or -1 when there is none; `len` is
// the length in bytes of the character at p[i] (0 at the end).
int digit_at(const unsigned char* p, size_t n, size_t i, size_t& len);

// Whether exactly 3 digits (any script) start at p[i] with no digit after them: a thousands
// group (extract_numbers and extract_quantities share the rule); `end` is where they end.
bool group_at(const unsigned char* p, size_t n, size_t i, size_t& end);

// Replaces `out` with the quantities of `text`, in text order. A number is a run of decimal
// digits of any one script (Nd) with its thousands groups and decimal part; what follows it is
// read after at most one space, no-break space or hyphen (and a degree sign): a word of letters
// and marks, and the word after it for a second scale word. Two more readings join numbers:
//  - a range gives its first number the scale word or unit of the second ("1 to 4 inches",
//    "2-3 million", "25 à 50 mm"): the text between them is at most 6 bytes of spaces,
//    letters and dashes (" to ", "–", " - ", " y ", " à ", " bis "; not ", ");
//  - numbers with falling scale words, one space or nothing apart, are one number ("1억 2500만"
//    is 125,000,000, "22 억 5 천만" 2,250,000,000).
void extract_quantities(std::string_view text, std::vector<Quantity>& out);

// Whether `y` is a rounding of the exact conversion `c` as translators write it: within 4%, or
// within 12% and within half of the last digit `y` shows ("6" for 5.56, "10" for 11.1 where the
// tens are shown, "250" for 254).
bool close_to_conversion(double c, const Quantity& y);

// Whether x, with an imperial unit, converted to its metric units, is y written rounded.
bool converts_to(const Quantity& x, const Quantity& y);

}  // namespace bitmill::filter::detail
