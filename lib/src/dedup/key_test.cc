#include "bitmill/dedup/key.h"

#include <doctest/doctest.h>

namespace bitmill::dedup {
namespace {

TEST_CASE("keys of TSV lines") {
  struct Row {
    KeyField field;
    NormalizeOptions norm;
    std::string line;
    bool ok;
    std::string key;
  };
  const NormalizeOptions none{};
  const NormalizeOptions fold{NormalForm::kNfkcCasefold, true};
  const Row rows[] = {
      {KeyField::kLine, none, "a\tb\tc", true, "a\tb\tc"},
      {KeyField::kSrc, none, "a\tb\tc", true, "a"},
      {KeyField::kSrc, none, "only", true, "only"},
      {KeyField::kTgt, none, "a\tb\tc", true, "b"},
      {KeyField::kTgt, none, "a\tb", true, "b"},
      {KeyField::kTgt, none, "a\t", true, ""},
      {KeyField::kTgt, none, "only", false, ""},
      {KeyField::kPair, none, "a\tb\t0.93", true, "a\tb"},
      {KeyField::kPair, none, "a\tb", true, "a\tb"},
      {KeyField::kPair, none, "only", false, ""},
      {KeyField::kPair, fold, " Hello  World\tHALLO Welt \t0.5", true, "hello world\thallo welt"},
      {KeyField::kTgt, fold, "x\t  \xEF\xBC\xA1 b ", true, "a b"},
      {KeyField::kLine, fold, "A\tB", true, "a b"},  // a tab is whitespace for the whole-line key
  };
  for (const auto& r : rows) {
    CAPTURE(r.line);
    KeyExtractor k(r.field, r.norm);
    std::string buf;
    std::string_view key;
    const bool ok = k.extract(r.line, buf, key);
    CHECK(ok == r.ok);
    if (ok) CHECK(std::string(key) == r.key);
  }
}

TEST_CASE("parse_key_field") {
  CHECK(*parse_key_field("pair") == KeyField::kPair);
  CHECK_FALSE(parse_key_field("both").has_value());
}

}  // namespace
}  // namespace bitmill::dedup
