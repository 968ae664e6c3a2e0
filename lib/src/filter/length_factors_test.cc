#include "filter/length_factors.h"

#include <doctest/doctest.h>

#include <string>

#include "bitmill/filter/language.h"

namespace bitmill::filter {
namespace {

TEST_CASE("length factors: one per language, sorted, each a language of the table or a plain code") {
  REQUIRE(kLengthFactorCount > 100);
  for (size_t i = 0; i < kLengthFactorCount; ++i) {
    const LengthFactor& f = kLengthFactors[i];
    CAPTURE(std::string(f.iso639_3));
    if (i > 0) CHECK(kLengthFactors[i - 1].iso639_3 < f.iso639_3);
    CHECK(f.iso639_3.size() == 3);
    // Between a third and three English characters per English character: anything else is a
    // measurement gone wrong (misaligned data, a wrong column).
    CHECK(f.factor > 0.33);
    CHECK(f.factor < 3.0);
    CHECK((f.pairs >= 30 || f.iso639_3 == "eng"));
    CHECK(length_factor(f.iso639_3) == f.factor);
  }
}

TEST_CASE("length factors: what the scripts predict, and no factor for what was not measured") {
  CHECK(length_factor("eng") == 1.0);
  // Ideographic and syllabic scripts are dense, alphabets are not.
  CHECK(*length_factor("zho") < 0.5);
  CHECK(*length_factor("jpn") < 0.7);
  CHECK(*length_factor("kor") < 0.7);
  CHECK(*length_factor("mya") > 1.2);
  CHECK(*length_factor("deu") > 1.05);
  // The language table's codes find them (macrolanguages by their macrolanguage code).
  CHECK(length_factor((*find_language("nb"))->iso639_3).has_value());
  CHECK(length_factor((*find_language("fa"))->iso639_3).has_value());
  CHECK(!length_factor("xyz").has_value());
  CHECK(!length_factor("").has_value());
  CHECK(!length_factor("lao").has_value());  // no Lao pairs in the data: the script weight applies
}

}  // namespace
}  // namespace bitmill::filter
