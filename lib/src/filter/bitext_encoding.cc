// Bitext encoding rules: the row has its columns, both sides are valid UTF-8, not blank, without
// mojibake and without non-printing characters. `columns` is judged by run_filter(), which splits
// the columns; the others here.
#include <string_view>

#include "bitmill/filter/mojibake.h"
#include "filter/bitext_family.h"
#include "filter/rule_params.h"

namespace bitmill::filter::bitext {
namespace {

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

class Encoding final : public FamilyBase<Encoding> {
 public:
  Status read(const Setup& setup) {
    BITMILL_RETURN_IF_ERROR(read_in_range(setup.config, "mojibake", "max", 0, 1e18, &max_mojibake_));
    BITMILL_RETURN_IF_ERROR(read_in_range(setup.config, "control-chars", "max", 0, 1e18, &max_controls_));
    const bool count_format = setup.config.get_bool("control-chars", "format");
    for (int s = 0; s < 2; ++s) format_junk_[s] = count_format && !uses_format_characters(setup.lang[s]->scripts);
    return Status::ok();
  }

  void check(Row& row, Verdict& v) const override {
    if (on_.judge(v, kUtf8, [&] { return !row.valid(); })) return;
    if (judge_sides(on_, v, kEmpty, [&](int s) { return is_blank(row.side(s)); })) return;
    auto mojibake = [&](int s) { return static_cast<long long>(count_mojibake(row.side(s))) > max_mojibake_; };
    if (judge_sides(on_, v, kMojibake, mojibake)) return;
    judge_sides(on_, v, kControl, [&](int s) {
      const CharCounts& cc = row.counts(s);
      const size_t junk = cc.controls + (format_junk_[s] ? cc.format : 0) + count_breaks(row.side(s));
      return static_cast<long long>(junk) > max_controls_;
    });
  }

  // The family's rules, in the order of enum Rule.
  static std::vector<RuleSpec> specs() {
    return {
        bitext_rule("columns",
                    "the row has fewer TSV columns than --src-col/--tgt-col need (off: missing sides are empty)"),
        bitext_rule("utf8", "a side is not valid UTF-8"),
        bitext_rule("empty", "a side is empty or only white space"),
        bitext_rule("mojibake", "a side has double-encoded UTF-8 (\"Ã©\" for \"é\", \"â€™\" for \"’\")",
                    {int_param("max", "0", "most mojibake sequences allowed in a side")}),
        bitext_rule("control-chars",
                    "a side has non-printing characters: C0/C1 controls, line and page breaks, U+FFFD, unassigned or "
                    "private-use code points",
                    {int_param("max", "0", "most such characters allowed in a side"),
                     bool_param("format", "true",
                                "also count invisible format characters (zero-width space and joiners, bidi "
                                "controls, word joiner) in languages whose scripts do not use them (all but Arabic, "
                                "Hebrew, Indic, Southeast Asian...)")}),
    };
  }

 private:
  enum Rule : size_t { kColumns, kUtf8, kEmpty, kMojibake, kControl };

  long long max_controls_ = 0, max_mojibake_ = 0;
  bool format_junk_[2] = {false, false};  // count format characters as controls on this side
};

}  // namespace

const FamilyDef kEncodingFamily = Encoding::def();

}  // namespace bitmill::filter::bitext
