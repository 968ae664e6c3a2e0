// Bitext encoding rules: the row has its columns, both sides are valid UTF-8, not blank, without
// mojibake and without non-printing characters. `columns` is judged by run_filter(), which splits
// the columns; the others here.
#include <string_view>

#include "bitmill/filter/mojibake.h"
#include "filter/bitext_family.h"
#include "filter/rule_params.h"

namespace bitmill::filter::bitext {
namespace {

enum Rule : size_t { kColumns, kUtf8, kEmpty, kMojibake, kControl, kNumRules };

const std::vector<RuleSpec>& rules() {
  using P = ParamType;
  constexpr FilterMode B = FilterMode::kBitext;
  static const std::vector<RuleSpec> specs = {
      {"columns",
       B,
       true,
       "the row has fewer TSV columns than --src-col/--tgt-col need (off: missing sides are empty)",
       {}},
      {"utf8", B, true, "a side is not valid UTF-8", {}},
      {"empty", B, true, "a side is empty or only white space", {}},
      {"mojibake",
       B,
       true,
       "a side has double-encoded UTF-8 (\"Ã©\" for \"é\", \"â€™\" for \"’\")",
       {{"max", P::kInt, "0", "most mojibake sequences allowed in a side"}}},
      {"control-chars",
       B,
       true,
       "a side has non-printing characters: C0/C1 controls, line and page breaks, U+FFFD, unassigned or "
       "private-use code points",
       {{"max", P::kInt, "0", "most such characters allowed in a side"},
        {"format", P::kBool, "true",
         "also count invisible format characters (zero-width space and joiners, bidi controls, word joiner) in "
         "languages whose scripts do not use them (all but Arabic, Hebrew, Indic, Southeast Asian...)"}}},
  };
  return specs;
}

bool is_blank(std::string_view s) {
  for (char c : s) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '\f' && c != '\v') return false;
  }
  return true;
}

// Line and page breaks inside a sentence: VT, FF, CR, LF, NEL, LINE and PARAGRAPH SEPARATOR.
// They are white space to Unicode (count_chars counts them as spaces), but in a one-line side they
// are debris of the extraction.
size_t count_breaks(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x0A && c <= 0x0D) {
      ++n;
    } else if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x85) {
      ++n;
    } else if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
               (static_cast<unsigned char>(s[i + 2]) == 0xA8 || static_cast<unsigned char>(s[i + 2]) == 0xA9)) {
      ++n;
    }
  }
  return n;
}

// Scripts whose languages use zero-width joiners, bidi marks and the like in normal text.
bool uses_format_characters(std::string_view scripts) {
  static constexpr std::string_view kUsers[] = {"Arab", "Hebr", "Syrc", "Thaa", "Nkoo", "Deva", "Beng", "Guru",
                                                "Gujr", "Orya", "Taml", "Telu", "Knda", "Mlym", "Sinh", "Khmr",
                                                "Mymr", "Mong", "Tibt", "Laoo", "Thai", "Java", "Bali"};
  for (std::string_view u : kUsers) {
    if (scripts.find(u) != std::string_view::npos) return true;
  }
  return false;
}

class Encoding final : public Family {
 public:
  static Expected<std::unique_ptr<const Family>> create(const Setup& setup, size_t first_bit) {
    auto f = std::make_unique<Encoding>(setup.config, first_bit);
    f->max_controls_ = setup.config.get_int("control-chars", "max");
    f->max_mojibake_ = setup.config.get_int("mojibake", "max");
    const bool count_format = setup.config.get_bool("control-chars", "format");
    for (int s = 0; s < 2; ++s) f->format_junk_[s] = count_format && !uses_format_characters(setup.lang[s]->scripts);
    BITMILL_RETURN_IF_ERROR(check_range("control-chars", "max", static_cast<double>(f->max_controls_), 0, 1e18));
    BITMILL_RETURN_IF_ERROR(check_range("mojibake", "max", static_cast<double>(f->max_mojibake_), 0, 1e18));
    return std::unique_ptr<const Family>(std::move(f));
  }
  Encoding(const RuleConfig& config, size_t first_bit) : on_(config, rules(), first_bit) {}

  void check(Row& row, Verdict& v) const override {
    if (!row.valid() && on_.on(kUtf8) && on_.fail(v, kUtf8)) return;
    if (on_.on(kEmpty) && (is_blank(row.side(0)) || is_blank(row.side(1))) && on_.fail(v, kEmpty)) return;
    if (on_.on(kMojibake)) {
      for (int s = 0; s < 2; ++s) {
        if (static_cast<long long>(count_mojibake(row.side(s))) > max_mojibake_) {
          if (on_.fail(v, kMojibake)) return;
          break;
        }
      }
    }
    if (on_.on(kControl)) {
      for (int s = 0; s < 2; ++s) {
        const CharCounts& cc = row.counts(s);
        const size_t junk = cc.controls + (format_junk_[s] ? cc.format : 0) + count_breaks(row.side(s));
        if (static_cast<long long>(junk) > max_controls_) {
          on_.fail(v, kControl);
          break;
        }
      }
    }
  }

 private:
  FamilyRules on_;
  long long max_controls_ = 0, max_mojibake_ = 0;
  bool format_junk_[2] = {false, false};  // count format characters as controls on this side
};

}  // namespace

const FamilyDef kEncodingFamily = {&rules, &Encoding::create};

}  // namespace bitmill::filter::bitext
