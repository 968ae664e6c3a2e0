// Bitext rules on what must carry over unchanged in a translation: numbers, URLs and e-mail
// addresses.
#include "bitmill/filter/numbers.h"
#include "bitmill/filter/urls.h"
#include "filter/bitext_family.h"

namespace bitmill::filter::bitext {
namespace {

enum Rule : size_t { kNumbers, kUrls, kNumRules };

const std::vector<RuleSpec>& rules() {
  using P = ParamType;
  constexpr FilterMode B = FilterMode::kBitext;
  static const std::vector<RuleSpec> specs = {
      {"numbers",
       B,
       true,
       "the sides do not contain the same numbers (digit runs, any script)",
       {{"one-sided", P::kBool, "false",
         "also reject numbers on one side only (\"20\" against \"twenty\"); by default only sides that both "
         "have numbers are compared"}}},
      {"urls", B, true, "the sides do not contain the same URLs and e-mail addresses", {}},
  };
  return specs;
}

class NumbersUrls final : public Family {
 public:
  static Expected<std::unique_ptr<const Family>> create(const Setup& setup, size_t first_bit) {
    auto f = std::make_unique<NumbersUrls>(setup.config, first_bit);
    f->one_sided_ = setup.config.get_bool("numbers", "one-sided");
    return std::unique_ptr<const Family>(std::move(f));
  }
  NumbersUrls(const RuleConfig& config, size_t first_bit) : on_(config, rules(), first_bit) {}

  void check(Row& row, Verdict& v) const override {
    BitextScratch& s = row.scratch();
    if (on_.on(kNumbers)) {
      extract_numbers(row.side(0), s.numbers[0]);
      extract_numbers(row.side(1), s.numbers[1]);
      const bool compared = one_sided_ || (!s.numbers[0].empty() && !s.numbers[1].empty());
      if (compared && s.numbers[0] != s.numbers[1] && on_.fail(v, kNumbers)) return;
    }
    if (on_.on(kUrls)) {
      extract_urls(row.side(0), s.urls[0]);
      extract_urls(row.side(1), s.urls[1]);
      if (s.urls[0] != s.urls[1]) on_.fail(v, kUrls);
    }
  }

 private:
  FamilyRules on_;
  bool one_sided_ = false;
};

}  // namespace

const FamilyDef kNumbersUrlsFamily = {&rules, &NumbersUrls::create};

}  // namespace bitmill::filter::bitext
