// Bitext length rules: each side within word and character bounds, and mostly letters.
#include "bitmill/filter/words.h"
#include "filter/bitext_family.h"
#include "filter/rule_params.h"

namespace bitmill::filter::bitext {
namespace {

class Length final : public FamilyBase<Length> {
 public:
  Status read(const Setup& setup) {
    const RuleConfig& c = setup.config;
    BITMILL_RETURN_IF_ERROR(read_in_range(c, "length", "min-words", 0, 1e18, &min_words_));
    max_words_ = c.get_int("length", "max-words");
    if (max_words_ < min_words_) return invalid_argument("length.max-words is below length.min-words");
    BITMILL_RETURN_IF_ERROR(read_in_range(c, "length", "min-chars", 0, 1e18, &min_chars_));
    max_chars_ = c.get_int("length", "max-chars");
    if (max_chars_ < min_chars_) return invalid_argument("length.max-chars is below length.min-chars");
    return read_in_range(c, "letters", "min-ratio", 0, 1, &min_letters_);
  }

  void check(Row& row, Verdict& v) const override {
    auto out_of_bounds = [&](int s) {
      const auto words = static_cast<long long>(count_words(row.side(s)));
      const auto chars = static_cast<long long>(row.counts(s).chars);
      return words < min_words_ || words > max_words_ || chars < min_chars_ || chars > max_chars_;
    };
    if (judge_sides(on_, v, kLength, out_of_bounds)) return;
    judge_sides(on_, v, kLetters, [&](int s) {
      const CharCounts& cc = row.counts(s);
      return share_below(cc.letters + cc.marks, cc.chars - cc.spaces, min_letters_);
    });
  }

  // The family's rules, in the order of enum Rule.
  static std::vector<RuleSpec> specs() {
    return {
        bitext_rule("length", "a side is too short or too long (words are characters in Chinese, Japanese, Thai...)",
                    {int_param("min-words", "1", "fewest words in a side"),
                     int_param("max-words", "250", "most words in a side"),
                     int_param("min-chars", "1", "fewest characters in a side"),
                     int_param("max-chars", "1024", "most characters in a side (Bicleaner's not_too_long)")}),
        bitext_rule("letters", "too few letters among a side's characters (numbers, symbols or punctuation only)",
                    {double_param("min-ratio", "0.5", "least share of letters among non-space characters")}),
    };
  }

 private:
  enum Rule : size_t { kLength, kLetters };

  long long min_words_ = 1, max_words_ = 0, min_chars_ = 1, max_chars_ = 0;
  double min_letters_ = 0;
};

}  // namespace

const FamilyDef kLengthFamily = Length::def();

}  // namespace bitmill::filter::bitext
