// How often fastText's lid.176 misses a language on short text, measured on the project's
// parallel data by scripts/filter/lid_reliability.py (generated table: lid_reliability_table.cc).
// The bitext lang-id rule judges the sides of languages it rarely misses with lower confidence
// thresholds (lang-id.confident-reliable, confident-short-reliable): there, a confident guess of
// another language is almost always right. Private to lib/src/filter.
//
// Thread safety: constant tables, pure functions.
#pragma once

#include <cstddef>
#include <string_view>

namespace bitmill::filter::detail {

struct LidMissRate {
  std::string_view iso639_3;
  double miss_rate;  // share of the language's short sentences the lower thresholds would reject
  int sentences;     // how many were measured
};

extern const LidMissRate kLidMissRates[];
extern const size_t kLidMissRateCount;

// The measured miss rate of a language (ISO 639-3, as the language table names it), or -1 when
// it was not measured (too few sentences, or no lid.176 label).
double lid_miss_rate(std::string_view iso639_3);

}  // namespace bitmill::filter::detail
