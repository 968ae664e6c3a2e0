// The bitext length-ratio rule: one side much longer than the other, or cut off.
#include <algorithm>

#include "filter/bitext_family.h"
#include "filter/rule_params.h"

namespace bitmill::filter::bitext {
namespace {

// Length in "characters" for the ratio: non-space code points, those of scripts written without
// spaces weighted (one Chinese character carries about as much as a few Latin letters).
double weighted_length(const CharCounts& c, double cjk_weight) {
  const double plain = static_cast<double>(c.chars - c.spaces - c.cjk);
  return plain + cjk_weight * static_cast<double>(c.cjk);
}

class LengthRatio final : public FamilyBase<LengthRatio> {
 public:
  Status read(const Setup& setup) {
    BITMILL_RETURN_IF_ERROR(read_in_range(setup.config, "length-ratio", "max", 1, 1e9, &max_ratio_));
    min_chars_ = setup.config.get_int("length-ratio", "min-chars");
    BITMILL_RETURN_IF_ERROR(read_in_range(setup.config, "length-ratio", "max-cut", 1, 1e9, &max_cut_));
    return read_in_range(setup.config, "length-ratio", "cjk-weight", 0, 1e3, &cjk_weight_);
  }

  void check(Row& row, Verdict& v) const override {
    if (!on_.on(kRatio)) return;
    const double len[2] = {weighted_length(row.counts(0), cjk_weight_), weighted_length(row.counts(1), cjk_weight_)};
    const int longer = len[0] >= len[1] ? 0 : 1;
    const double ratio = len[longer] / std::max(len[1 - longer], 1.0);
    if (static_cast<long long>(row.counts(longer).chars) < min_chars_) return;
    bool bad = ratio > max_ratio_;
    if (!bad && ratio > max_cut_) {
      // A cut-off side: the longer one ends a sentence, the shorter one stops mid-sentence.
      const Terminal t_long = row.terminal(longer);
      const Terminal t_short = row.terminal(1 - longer);
      bad = t_long != Terminal::kNone && t_long != Terminal::kOther && t_short == Terminal::kNone;
    }
    if (bad) on_.fail(v, kRatio);
  }

  // The family's rules, in the order of enum Rule.
  static std::vector<RuleSpec> specs() {
    return {bitext_rule(
        "length-ratio", "one side is much longer than the other (truncated or misaligned)",
        {double_param("max", "2.5", "largest allowed ratio of the longer side's length to the shorter's"),
         int_param("min-chars", "15", "only applies when the longer side has at least this many characters"),
         double_param("max-cut", "1.8",
                      "largest allowed ratio when the shorter side looks cut off: no final punctuation where the "
                      "longer side ends a sentence"),
         double_param("cjk-weight", "3",
                      "weight of a character of a script written without spaces (Chinese, Japanese, Thai...)")})};
  }

 private:
  enum Rule : size_t { kRatio };

  double max_ratio_ = 0, cjk_weight_ = 1, max_cut_ = 0;
  long long min_chars_ = 0;
};

}  // namespace

const FamilyDef kLengthRatioFamily = LengthRatio::def();

}  // namespace bitmill::filter::bitext
