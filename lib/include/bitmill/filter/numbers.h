// The numbers a text contains, for the bitext `numbers` rule.
//
// Input: valid UTF-8 (LineReader has checked or repaired the line); on anything else the functions
// stay memory safe and read each bad byte as U+FFFD, but their results are otherwise unspecified.
// Unicode data: the shared character table (bitmill/text/char_class.h: utf8proc 2.8 and ICU 72,
// Unicode 15.0). Nothing is normalised: pass NFC text if precomposed and decomposed forms must agree.
// Cost: one pass over the text, no heap allocation except growing the output vector the caller
// passes in (reuse it across calls).
//
// Thread safety: pure functions, safe to call from any number of threads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace bitmill::filter {

// Numbers: maximal runs of Nd code points (any script; full-width too), each digit written as its
// ASCII value, leading zeros kept. `out` is cleared, then holds the runs sorted as strings, duplicates
// kept. A thousands separator (, . ' space, no-break or thin space) between a first group of 1-3
// digits and following groups of exactly 3 digits joins them: "1,000.5" and "1.000,5" ->
// {"1000", "5"}, "5 000" -> {"5000"}. Other separators split runs: "25,1" and "25.1" both give
// {"1", "25"}, "3,14" -> {"14", "3"}, "2019, 100" -> {"100", "2019"}; "２０２０年" -> {"2020"}; "٢٠٢٠" -> {"2020"}.
// Superscripts and fractions (No) are not digits.
void extract_numbers(std::string_view text, std::vector<std::string>& out);

// Whether two sides' numbers (extract_numbers, sorted) disagree as the `numbers` rule judges:
// compared as sets and without leading zeros (a number written twice on one side,
// "229இ (HCoV-229E)", is one number; "07" is 7), a side's numbers that the other lacks are its
// unmatched ones, and the sides disagree when, after pairing unmatched numbers one to one with an
// unmatched number of the other side that is the same quantity written another way, both sides
// still have one left. The same quantity written another way: a year written
// short ("les années 30" against "the 1930s") or an hour of the 24- and 12-hour clock ("15 h"
// against "3 p.m."). Not unit conversions or scale words: those need the words after the
// numbers, which quantities_agree reads. So a changed number ("1973" against "6973") disagrees; numbers on one side
// only ("6 officers" against "six officers", or the "00" of "15:00" against "3 p.m.") do not: a translation may spell
// out or leave out a number, and `one-sided` is the rule's option for that. The unmatched numbers of each side (without
// leading zeros) go to unmatched_a and unmatched_b (cleared first) when given.
bool numbers_disagree(const std::vector<std::string>& a, const std::vector<std::string>& b,
                      std::vector<std::string>* unmatched_a = nullptr, std::vector<std::string>* unmatched_b = nullptr);

// The `numbers` rule's second look at sides whose digit runs disagree: whether their numbers,
// read as quantities (filter/quantities.h), agree. Each side's numbers that the other has no
// equal of are paired one to one, as in numbers_disagree, with one of the other side's that is
// the same quantity written another way, and the sides agree unless both still have one left.
// Equal: the same value, decimals included ("7,5" and "7.5"), each read with or without the
// scale word after it ("380,000" and "38만" or "380 هزار"; "£2.8bn" and "28억"; "5 लाख" and
// "500,000"; scale words of about 60 languages). The same quantity written another way: a year
// written short or the 12-hour clock (as numbers_disagree), or an imperial unit converted to
// metric, rounded as translators round ("10 inches" and "25 cm" or "250 mm", "85 mph" and
// "137 km/h", "550-pound" and "250 kg", "80 degrees" and "27 °C"; filter/quantities.h says how
// close). The units are required: a number without one is never taken as a conversion.
bool quantities_agree(std::string_view a, std::string_view b);

// What the `numbers` rule compared on two sides, for `bitmill-filter --annotate-numbers`, into
// `out` (replaced): "-" when both sides have the same digit runs; otherwise the runs each side
// lacks on the other, "A / B" (comma-separated, "-" for none: "1973 / 6973"), and when both have
// some, " => " and the second look: each side's quantities with no equal on the other (value,
// "=" the value with its scale word, the imperial unit), then in parentheses the pairs it took
// for the same quantity written another way: "10 / 25 => 10 inch / 25 (10 inch~25)",
// "380000 / 38 => - / -" ("38만" is 380000).
void describe_numbers(std::string_view a, std::string_view b, std::string& out);

}  // namespace bitmill::filter
