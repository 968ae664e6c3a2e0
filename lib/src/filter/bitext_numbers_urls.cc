// Bitext rules on what must carry over unchanged in a translation: numbers, URLs and e-mail
// addresses.
#include "bitmill/filter/numbers.h"
#include "bitmill/filter/urls.h"
#include "filter/bitext_family.h"

namespace bitmill::filter::bitext {
namespace {

class NumbersUrls final : public FamilyBase<NumbersUrls> {
 public:
  Status read(const Setup& setup) {
    one_sided_ = setup.config.get_bool("numbers", "one-sided");
    return Status::ok();
  }

  void check(Row& row, Verdict& v) const override {
    BitextScratch& s = row.scratch();
    if (on_.on(kNumbers)) {
      extract_numbers(row.side(0), s.numbers[0]);
      extract_numbers(row.side(1), s.numbers[1]);
      // The quantities' second look is rare (most rows have the same digit runs) and allocates.
      const bool disagree =
          one_sided_ ? s.numbers[0] != s.numbers[1]
                     : numbers_disagree(s.numbers[0], s.numbers[1]) && !quantities_agree(row.side(0), row.side(1));
      if (disagree && on_.fail(v, kNumbers)) return;
    }
    if (on_.on(kUrls)) {
      extract_urls(row.side(0), s.urls[0]);
      extract_urls(row.side(1), s.urls[1]);
      if (s.urls[0] != s.urls[1]) on_.fail(v, kUrls);
    }
  }

  // The family's rules, in the order of enum Rule.
  static std::vector<RuleSpec> specs() {
    return {
        bitext_rule("numbers",
                    "a number was changed: both sides have numbers the other lacks (digit runs, any script; a "
                    "repeated number, a year written short, a scale word (\"380,000\" / \"38만\"), an imperial "
                    "unit converted to metric or a number on one side only is not a change)",
                    {bool_param("one-sided", "false",
                                "strict: the sides must have exactly the same numbers, each as often (\"20\" against "
                                "\"twenty\" is rejected)")}),
        bitext_rule("urls", "the sides do not contain the same URLs and e-mail addresses"),
    };
  }

 private:
  enum Rule : size_t { kNumbers, kUrls };

  bool one_sided_ = false;
};

}  // namespace

const FamilyDef kNumbersUrlsFamily = NumbersUrls::def();

}  // namespace bitmill::filter::bitext
