// The words that change what a number means, for the bitext `numbers` rule's second look
// (quantities.cc): scale words ("2.8 billion", "38만", "380 هزار", "5 लाख") and the imperial units a
// translation converts ("10 inches" against "25 cm"). Private to lib/src/filter.
//
// Words are given as they follow the number: letters and marks, ASCII lower-cased, other scripts
// case-folded (detail::fold). Thread safety: pure functions over constant tables.
#pragma once

#include <span>
#include <string_view>

namespace bitmill::filter::detail {

// The power of ten a scale word multiplies by, or 0 when `word` is none: "million" 6, "bn" 9,
// "lakh"/"लाख" 5, "만" 4, "億" 8. Words of languages written with spaces match whole (with a
// few inflected forms listed: "millones", "миллионов"); those of languages written without spaces
// (Han, Hangul, Thai, Lao, Khmer, Myanmar) match at the start of the word, repeatedly ("천만" is
// 10^3 × 10^4, "万人" is 10^4). A scale word followed by another ("mil millones") is the caller's
// to multiply.
int scale_exponent(std::string_view word);

// An imperial unit a translation converts to metric: the factors from one unit to the metric
// units it is converted to ("inch": 2.54 cm, 25.4 mm, 0.0254 m). Fahrenheit converts with an
// offset and has no factors here; `fahrenheit` says so.
struct ImperialUnit {
  std::string_view name;  // "inch", "foot", ...: how describe_numbers (numbers.h) writes it
  std::span<const double> factors;
  bool fahrenheit = false;
};

// The unit `word` names (English, singular or plural: "inches", "lb", "mph", "degrees"), or
// nullptr.
const ImperialUnit* imperial_unit(std::string_view word);

}  // namespace bitmill::filter::detail
