// Bitext length rules: each side within word and character bounds, and mostly letters.
#include "bitmill/filter/words.h"
#include "filter/bitext_family.h"
#include "filter/rule_params.h"

namespace bitmill::filter::bitext {
namespace {

enum Rule : size_t { kLength, kLetters, kNumRules };

const std::vector<RuleSpec>& rules() {
  using P = ParamType;
  constexpr FilterMode B = FilterMode::kBitext;
  static const std::vector<RuleSpec> specs = {
      {"length",
       B,
       true,
       "a side is too short or too long (words are characters in Chinese, Japanese, Thai...)",
       {{"min-words", P::kInt, "1", "fewest words in a side"},
        {"max-words", P::kInt, "250", "most words in a side"},
        {"min-chars", P::kInt, "1", "fewest characters in a side"},
        {"max-chars", P::kInt, "1024", "most characters in a side (Bicleaner's not_too_long)"}}},
      {"letters",
       B,
       true,
       "too few letters among a side's characters (numbers, symbols or punctuation only)",
       {{"min-ratio", P::kDouble, "0.5", "least share of letters among non-space characters"}}},
  };
  return specs;
}

class Length final : public Family {
 public:
  static Expected<std::unique_ptr<const Family>> create(const Setup& setup, size_t first_bit) {
    const RuleConfig& c = setup.config;
    auto f = std::make_unique<Length>(c, first_bit);
    f->min_words_ = c.get_int("length", "min-words");
    f->max_words_ = c.get_int("length", "max-words");
    f->min_chars_ = c.get_int("length", "min-chars");
    f->max_chars_ = c.get_int("length", "max-chars");
    f->min_letters_ = c.get_double("letters", "min-ratio");
    BITMILL_RETURN_IF_ERROR(check_range("letters", "min-ratio", f->min_letters_, 0, 1));
    BITMILL_RETURN_IF_ERROR(check_range("length", "min-words", static_cast<double>(f->min_words_), 0, 1e18));
    BITMILL_RETURN_IF_ERROR(check_range("length", "min-chars", static_cast<double>(f->min_chars_), 0, 1e18));
    if (f->max_words_ < f->min_words_) return invalid_argument("length.max-words is below length.min-words");
    if (f->max_chars_ < f->min_chars_) return invalid_argument("length.max-chars is below length.min-chars");
    return std::unique_ptr<const Family>(std::move(f));
  }
  Length(const RuleConfig& config, size_t first_bit) : on_(config, rules(), first_bit) {}

  void check(Row& row, Verdict& v) const override {
    if (on_.on(kLength)) {
      for (int s = 0; s < 2; ++s) {
        const auto words = static_cast<long long>(count_words(row.side(s)));
        const auto chars = static_cast<long long>(row.counts(s).chars);
        if (words < min_words_ || words > max_words_ || chars < min_chars_ || chars > max_chars_) {
          if (on_.fail(v, kLength)) return;
          break;
        }
      }
    }
    if (on_.on(kLetters)) {
      for (int s = 0; s < 2; ++s) {
        const CharCounts& cc = row.counts(s);
        const size_t visible = cc.chars - cc.spaces;
        const size_t letters = cc.letters + cc.marks;
        if (visible > 0 && static_cast<double>(letters) < min_letters_ * static_cast<double>(visible)) {
          on_.fail(v, kLetters);
          break;
        }
      }
    }
  }

 private:
  FamilyRules on_;
  long long min_words_ = 1, max_words_ = 0, min_chars_ = 1, max_chars_ = 0;
  double min_letters_ = 0;
};

}  // namespace

const FamilyDef kLengthFamily = {&rules, &Length::create};

}  // namespace bitmill::filter::bitext
