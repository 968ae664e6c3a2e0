#include "filter/spelling.h"

#include <doctest/doctest.h>

#include <string>

#include "testing/test_util.h"

namespace bitmill::filter::detail {
namespace {

using testing::TempDir;
using testing::write_file;

// A small Hunspell dictionary STEM in `dir`: the words, in `encoding` (UTF-8 or ISO8859-1, the
// .dic then written in that encoding by the caller).
void make_dictionary(const TempDir& dir, const std::string& stem, const std::string& encoding,
                     const std::string& words) {
  write_file(dir.file(stem + ".aff"), "SET " + encoding + "\n");
  size_t n = 0;
  for (char c : words) n += c == '\n';
  write_file(dir.file(stem + ".dic"), std::to_string(n) + "\n" + words);
}

const Language& lang(const char* code) { return **find_language(code); }

TEST_CASE("Speller: the share of words the dictionary does not know") {
  TempDir dir;
  make_dictionary(dir, "af_ZA", "UTF-8", "die\nhond\nis\nnie\nwit\n'n\nkat\n");
  auto sp = open_speller(dir.path(), lang("afr"));
  REQUIRE(sp.has_value());
  REQUIRE(*sp != nullptr);
  CHECK((*sp)->stem() == "af_ZA");
  size_t words = 0;
  CHECK((*sp)->unknown_share("Die hond is nie wit nie.", &words) == doctest::Approx(0.0));
  CHECK(words == 6);
  CHECK((*sp)->unknown_share("De hond is niet wit.", &words) == doctest::Approx(2.0 / 5));
  CHECK((*sp)->unknown_share("Dit is 'n kat.", &words) == doctest::Approx(1.0 / 3));  // "'n": one letter
  CHECK(words == 3);
  CHECK((*sp)->unknown_share("d'une l'hond", &words) == doctest::Approx(1.0));  // one word each
  // Digits, one-letter words and punctuation are not words.
  CHECK((*sp)->unknown_share("A 1 2 3 ... x9 !", &words) == -1);
  CHECK(words == 0);
}

TEST_CASE("Speller: a legacy-encoded dictionary gets its words converted") {
  TempDir dir;
  write_file(dir.file("da_DK.aff"), "SET ISO8859-1\n");
  write_file(dir.file("da_DK.dic"),
             "2\nb\xe6nke\nr\xf8"
             "d\n");  // "bænke", "rød" in Latin-1
  auto sp = open_speller(dir.path(), lang("dan"));
  REQUIRE(sp.has_value());
  REQUIRE(*sp != nullptr);
  CHECK((*sp)->unknown_share("bænke rød") == doctest::Approx(0.0));
  CHECK((*sp)->unknown_share("bänke röd") == doctest::Approx(1.0));
  CHECK((*sp)->unknown_share("Скамейки") == doctest::Approx(1.0));  // not writable in Latin-1
}

TEST_CASE("open_speller: the language's dictionaries in order, none when not installed") {
  TempDir dir;
  auto none = open_speller(dir.path(), lang("nld"));
  REQUIRE(none.has_value());
  CHECK(*none == nullptr);
  make_dictionary(dir, "nl", "UTF-8", "de\n");  // the second stem of Dutch
  auto nl = open_speller(dir.path(), lang("nld"));
  REQUIRE(nl.has_value());
  REQUIRE(*nl != nullptr);
  CHECK((*nl)->stem() == "nl");
  CHECK(dictionary_stems(lang("jpn")).empty());
  // An installed dictionary that cannot be read is an error, not a silent fallback.
  write_file(dir.file("sv_SE.dic"), "1\nord\n");
  CHECK_FALSE(open_speller(dir.path(), lang("swe")).has_value());
}

}  // namespace
}  // namespace bitmill::filter::detail
