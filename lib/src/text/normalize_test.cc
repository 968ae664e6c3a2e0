#include "bitmill/text/normalize.h"

#include <doctest/doctest.h>

namespace bitmill {
namespace {

TEST_CASE("normal forms (expected values from the Unicode data files)") {
  struct Row {
    NormalForm form;
    bool fold;
    std::string in, out;
  };
  const Row rows[] = {
      {NormalForm::kNone, false, "Aa  B", "Aa  B"},
      {NormalForm::kNfkc, false, "\xEF\xAC\x81", "fi"},              // U+FB01 ligature
      {NormalForm::kNfkc, false, "\xEF\xBC\xA1\xEF\xBC\xA2", "AB"},  // full-width A B
      {NormalForm::kNfkc, false, "e\xCC\x81", "\xC3\xA9"},           // e + combining acute -> é
      {NormalForm::kNfkc, false, "ABC", "ABC"},                      // NFKC keeps case
      {NormalForm::kCasefold, false,
       "Stra\xC3\x9F"
       "e",
       "strasse"},                                                                             // ß folds to ss
      {NormalForm::kCasefold, false, "\xCE\xA3\xCE\x9F\xCE\xA6", "\xCF\x83\xCE\xBF\xCF\x86"},  // ΣΟΦ -> σοφ
      {NormalForm::kCasefold, false, "HeLLo", "hello"},                                        // ASCII fast path
      {NormalForm::kNfkcCasefold, false, "\xEF\xBC\xA8\xEF\xBD\x85", "he"},                    // full-width Ｈｅ
      {NormalForm::kNfkcCasefold, false,
       "co\xC2\xAD"
       "op",
       "coop"},  // soft hyphen is ignorable
      {NormalForm::kNfkcCasefold, false,
       "a\xE2\x80\x8B"
       "b",
       "ab"},  // zero-width space too
      {NormalForm::kNone, true,
       "  a \t b\xC2\xA0\xC2\xA0"
       "c\xE3\x80\x80 ",
       "a b c"},  // NBSP, ideographic space
      {NormalForm::kNone, true, "\r\n", ""},
      {NormalForm::kNfkcCasefold, true, " \xEF\xAC\x81NE  Day ", "fine day"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.in);
    Normalizer n(NormalizeOptions{r.form, r.fold});
    std::string buf;
    CHECK(std::string(n.normalize(r.in, buf)) == r.out);
  }
}

TEST_CASE("parse_normal_form") {
  CHECK(*parse_normal_form("nfkc-casefold") == NormalForm::kNfkcCasefold);
  CHECK(*parse_normal_form("none") == NormalForm::kNone);
  CHECK(parse_normal_form("NFKC").status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("identity normaliser returns the input without copying") {
  Normalizer n(NormalizeOptions{});
  std::string buf;
  const std::string in = "x y";
  CHECK(n.normalize(in, buf).data() == in.data());
}

}  // namespace
}  // namespace bitmill
