// The bitext length-ratio rule: one side much longer than the other, or cut off.
#include <algorithm>
#include <string_view>

#include "filter/bitext_family.h"
#include "filter/length_factors.h"
#include "filter/rule_params.h"

namespace bitmill::filter::bitext {
namespace {

// How a side's length is measured, chosen once per side from its language.
struct SideMeasure {
  // Non-space characters divided by the language's factor (length_factors.h): the length in
  // "English characters". 0: the language has no factor (or per-language is off).
  double factor = 0;
  // For a language not written in Latin letters, its text's A-Z a-z (names, acronyms, code) are
  // as long as in English: they count 1 each, outside the factor.
  bool latin_outside_factor = false;
  // Without a factor: whether the letters of scripts written without spaces weigh cjk-weight (for
  // Chinese and Japanese, whose characters carry several Latin letters' worth) or 1 (Thai, Lao,
  // Khmer, Burmese: alphabets, 1.06 to 1.41 characters per English one where measured).
  bool weigh_no_space = true;
};

SideMeasure measure_for(const Language* lang, bool per_language) {
  SideMeasure m;
  if (lang == nullptr) return m;
  if (per_language) m.factor = length_factor(lang->iso639_3).value_or(0.0);
  const std::string_view scripts = lang->scripts;
  m.latin_outside_factor = !scripts.empty() && scripts.find("Latn") == std::string_view::npos;
  if (!scripts.empty()) {
    m.weigh_no_space = scripts.find("Hani") != std::string_view::npos ||
                       scripts.find("Hira") != std::string_view::npos || scripts.find("Kana") != std::string_view::npos;
  }
  return m;
}

double side_length(const CharCounts& c, const SideMeasure& m, double cjk_weight) {
  const double non_space = static_cast<double>(c.chars - c.spaces);
  if (m.factor > 0) {
    if (!m.latin_outside_factor) return non_space / m.factor;
    const double latin = static_cast<double>(c.ascii_letters);
    return (non_space - latin) / m.factor + latin;
  }
  if (!m.weigh_no_space) return non_space;
  // Code points of scripts written without spaces weigh cjk_weight (one Chinese character carries
  // about as much as a few Latin letters).
  return non_space - static_cast<double>(c.cjk) + cjk_weight * static_cast<double>(c.cjk);
}

class LengthRatio final : public FamilyBase<LengthRatio> {
 public:
  Status read(const Setup& setup) {
    BITMILL_RETURN_IF_ERROR(read_in_range(setup.config, "length-ratio", "max", 1, 1e9, &max_ratio_));
    min_chars_ = setup.config.get_int("length-ratio", "min-chars");
    BITMILL_RETURN_IF_ERROR(read_in_range(setup.config, "length-ratio", "max-cut", 1, 1e9, &max_cut_));
    BITMILL_RETURN_IF_ERROR(read_in_range(setup.config, "length-ratio", "cjk-weight", 0, 1e3, &cjk_weight_));
    const bool per_language = setup.config.get_bool("length-ratio", "per-language");
    for (int s = 0; s < 2; ++s) measure_[s] = measure_for(setup.lang[s], per_language);
    return Status::ok();
  }

  void check(Row& row, Verdict& v) const override {
    if (!on_.on(kRatio)) return;
    const double len[2] = {side_length(row.counts(0), measure_[0], cjk_weight_),
                           side_length(row.counts(1), measure_[1], cjk_weight_)};
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
         bool_param("per-language", "true",
                    "measure each side in English characters: its non-space characters divided by its language's "
                    "length factor (measured on parallel text; Chinese 0.38, Japanese 0.56, German 1.16)"),
         double_param("cjk-weight", "3",
                      "without a length factor for the language: the weight of a Chinese or Japanese character "
                      "(other characters weigh 1)")})};
  }

 private:
  enum Rule : size_t { kRatio };

  double max_ratio_ = 0, cjk_weight_ = 1, max_cut_ = 0;
  SideMeasure measure_[2];
  long long min_chars_ = 0;
};

}  // namespace

const FamilyDef kLengthRatioFamily = LengthRatio::def();

}  // namespace bitmill::filter::bitext
