// The bitext length-ratio rule: one side much longer than the other, or cut off.
#include <algorithm>

#include "filter/bitext_family.h"
#include "filter/rule_params.h"

namespace bitmill::filter::bitext {
namespace {

enum Rule : size_t { kRatio, kNumRules };

const std::vector<RuleSpec>& rules() {
  using P = ParamType;
  static const std::vector<RuleSpec> specs = {
      {"length-ratio",
       FilterMode::kBitext,
       true,
       "one side is much longer than the other (truncated or misaligned)",
       {{"max", P::kDouble, "2.5", "largest allowed ratio of the longer side's length to the shorter's"},
        {"min-chars", P::kInt, "15", "only applies when the longer side has at least this many characters"},
        {"max-cut", P::kDouble, "1.8",
         "largest allowed ratio when the shorter side looks cut off: no final punctuation where the longer "
         "side ends a sentence"},
        {"cjk-weight", P::kDouble, "3",
         "weight of a character of a script written without spaces (Chinese, Japanese, Thai...)"}}},
  };
  return specs;
}

// Length in "characters" for the ratio: non-space code points, those of scripts written without
// spaces weighted (one Chinese character carries about as much as a few Latin letters).
double weighted_length(const CharCounts& c, double cjk_weight) {
  const double plain = static_cast<double>(c.chars - c.spaces - c.cjk);
  return plain + cjk_weight * static_cast<double>(c.cjk);
}

class LengthRatio final : public Family {
 public:
  static Expected<std::unique_ptr<const Family>> create(const Setup& setup, size_t first_bit) {
    const RuleConfig& c = setup.config;
    auto f = std::make_unique<LengthRatio>(c, first_bit);
    f->max_ratio_ = c.get_double("length-ratio", "max");
    f->min_chars_ = c.get_int("length-ratio", "min-chars");
    f->cjk_weight_ = c.get_double("length-ratio", "cjk-weight");
    f->max_cut_ = c.get_double("length-ratio", "max-cut");
    BITMILL_RETURN_IF_ERROR(check_range("length-ratio", "max", f->max_ratio_, 1, 1e9));
    BITMILL_RETURN_IF_ERROR(check_range("length-ratio", "cjk-weight", f->cjk_weight_, 0, 1e3));
    BITMILL_RETURN_IF_ERROR(check_range("length-ratio", "max-cut", f->max_cut_, 1, 1e9));
    return std::unique_ptr<const Family>(std::move(f));
  }
  LengthRatio(const RuleConfig& config, size_t first_bit) : on_(config, rules(), first_bit) {}

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

 private:
  FamilyRules on_;
  double max_ratio_ = 0, cjk_weight_ = 1, max_cut_ = 0;
  long long min_chars_ = 0;
};

}  // namespace

const FamilyDef kLengthRatioFamily = {&rules, &LengthRatio::create};

}  // namespace bitmill::filter::bitext
