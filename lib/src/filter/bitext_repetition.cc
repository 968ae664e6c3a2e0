// Bitext repetition and identity rules: a side repeating one word, and a target that is a copy of
// its source.
#include "bitmill/filter/similarity.h"
#include "bitmill/filter/words.h"
#include "filter/bitext_family.h"
#include "filter/rule_params.h"

namespace bitmill::filter::bitext {
namespace {

enum Rule : size_t { kRepeated, kIdentical, kNumRules };

const std::vector<RuleSpec>& rules() {
  using P = ParamType;
  constexpr FilterMode B = FilterMode::kBitext;
  static const std::vector<RuleSpec> specs = {
      {"repeated-words",
       B,
       true,
       "a side repeats the same word many times in a row",
       {{"max-run", P::kInt, "3", "longest allowed run of one word"}}},
      {"identical",
       B,
       true,
       "source and target are the same text, or nearly (an untranslated copy)",
       {{"max-similarity", P::kDouble, "0.9",
         "highest allowed similarity (1 - edit distance / length, over letters and digits, case folded)"}}},
  };
  return specs;
}

class Repetition final : public Family {
 public:
  static Expected<std::unique_ptr<const Family>> create(const Setup& setup, size_t first_bit) {
    auto f = std::make_unique<Repetition>(setup.config, first_bit);
    f->max_word_run_ = setup.config.get_int("repeated-words", "max-run");
    f->max_similarity_ = setup.config.get_double("identical", "max-similarity");
    BITMILL_RETURN_IF_ERROR(check_range("identical", "max-similarity", f->max_similarity_, 0, 1));
    BITMILL_RETURN_IF_ERROR(check_range("repeated-words", "max-run", static_cast<double>(f->max_word_run_), 1, 1e18));
    return std::unique_ptr<const Family>(std::move(f));
  }
  Repetition(const RuleConfig& config, size_t first_bit) : on_(config, rules(), first_bit) {}

  void check(Row& row, Verdict& v) const override {
    if (on_.on(kRepeated)) {
      for (int s = 0; s < 2; ++s) {
        if (static_cast<long long>(longest_word_run(row.side(s))) > max_word_run_) {
          if (on_.fail(v, kRepeated)) return;
          break;
        }
      }
    }
    if (on_.on(kIdentical) && similarity(row.side(0), row.side(1), max_similarity_) > max_similarity_) {
      on_.fail(v, kIdentical);
    }
  }

 private:
  FamilyRules on_;
  long long max_word_run_ = 0;
  double max_similarity_ = 1;
};

}  // namespace

const FamilyDef kRepetitionFamily = {&rules, &Repetition::create};

}  // namespace bitmill::filter::bitext
