// Bitext repetition and identity rules: a side repeating one word, and a target that is a copy of
// its source.
#include "bitmill/filter/similarity.h"
#include "bitmill/filter/words.h"
#include "filter/bitext_family.h"
#include "filter/rule_params.h"

namespace bitmill::filter::bitext {
namespace {

class Repetition final : public FamilyBase<Repetition> {
 public:
  Status read(const Setup& setup) {
    BITMILL_RETURN_IF_ERROR(read_in_range(setup.config, "repeated-words", "max-run", 1, 1e18, &max_word_run_));
    return read_in_range(setup.config, "identical", "max-similarity", 0, 1, &max_similarity_);
  }

  void check(Row& row, Verdict& v) const override {
    auto repeats = [&](int s) { return static_cast<long long>(longest_word_run(row.side(s))) > max_word_run_; };
    if (judge_sides(on_, v, kRepeated, repeats)) return;
    on_.judge(v, kIdentical, [&] { return similarity(row.side(0), row.side(1), max_similarity_) > max_similarity_; });
  }

  // The family's rules, in the order of enum Rule.
  static std::vector<RuleSpec> specs() {
    return {
        bitext_rule("repeated-words", "a side repeats the same word many times in a row",
                    {int_param("max-run", "3", "longest allowed run of one word")}),
        bitext_rule("identical", "source and target are the same text, or nearly (an untranslated copy)",
                    {double_param("max-similarity", "0.9",
                                  "highest allowed similarity (1 - edit distance / length, over letters and digits, "
                                  "case folded)")}),
    };
  }

 private:
  enum Rule : size_t { kRepeated, kIdentical };

  long long max_word_run_ = 0;
  double max_similarity_ = 1;
};

}  // namespace

const FamilyDef kRepetitionFamily = Repetition::def();

}  // namespace bitmill::filter::bitext
