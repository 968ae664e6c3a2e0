// FineWeb quality (datatrove's FineWebQualityFilter, fineweb_quality_filter.py; Penedo et al. 2024,
// "The FineWeb Datasets", section 3.3), on the text after C4's rewrite: lines = text.split("\n")
// without white-space-only lines; an empty document is rejected; at least 12% of lines end with a
// stop character (no rstrip; line_punct_exclude_zero false); at most 67% of lines are at most 30
// characters long; the characters of lines equal to an earlier line over len(text without "\n") at
// most 0.01; text.count("\n") / words at most 0.3.
// Where this differs from datatrove: fineweb's "empty" rejection is charged to the first enabled
// fineweb rule; empty denominators pass. The stop characters: FineWeb's were . ' " ! ? (the
// default here); later datatrove versions use a set of terminal punctuation of many scripts,
// approximated here by `unicode-terminals` (Unicode's Sentence_Terminal property).
#include <unicode/uchar.h>

#include <algorithm>
#include <string>
#include <string_view>

#include "filter/rule_params.h"
#include "filter/web_family.h"
#include "filter/web_text.h"

namespace bitmill::filter::web {
namespace {

enum Rule : size_t { kLinePunct, kShortLines, kCharDup, kNewlines, kNumRules };

struct Params {
  double min_line_punct = 0;
  bool line_punct_exclude_zero = false;
  std::u32string stop_chars;
  bool unicode_terminals = true;
  double max_short_lines = 0;
  long long short_line_length = 0;
  double max_char_dup = 0;
  double max_newline_ratio = 0;
};

// What one pass over the non-blank lines finds.
struct LineStats {
  size_t lines = 0, punct = 0, short_lines = 0, dup_chars = 0;
};

class FineWeb final : public FamilyBase<FineWeb> {
 public:
  Status read(const Setup& setup) {
    const RuleConfig& config = setup.config;
    BITMILL_RETURN_IF_ERROR(read_nonnegative(config, name(kLinePunct), "min", &p_.min_line_punct));
    p_.line_punct_exclude_zero = config.get_bool(name(kLinePunct), "exclude-zero");
    BITMILL_ASSIGN_OR_RETURN(p_.stop_chars, read_chars(config, name(kLinePunct), "stop-chars"));
    p_.unicode_terminals = config.get_bool(name(kLinePunct), "unicode-terminals");
    BITMILL_RETURN_IF_ERROR(read_nonnegative(config, name(kShortLines), "max", &p_.max_short_lines));
    BITMILL_RETURN_IF_ERROR(read_nonnegative(config, name(kShortLines), "length", &p_.short_line_length));
    BITMILL_RETURN_IF_ERROR(read_nonnegative(config, name(kCharDup), "max", &p_.max_char_dup));
    return read_nonnegative(config, name(kNewlines), "max", &p_.max_newline_ratio);
  }

  // The newline rule counts the words of C4's cleaned text, which C4 finds from the token starts.
  uint32_t token_needs(bool) const override { return on_.on(kNewlines) ? uint32_t{kTokenStarts} : 0; }

  void check(WebDoc& doc, Verdict& v) const override {
    if (!on_.any_on()) return;
    const std::string_view cur = doc.current();
    const size_t newlines =
        doc.current_is_text() ? doc.newlines() : static_cast<size_t>(std::count(cur.begin(), cur.end(), '\n'));
    const LineStats st = scan_lines(doc, cur, newlines);
    if (st.lines == 0) {
      // datatrove rejects an empty document ("empty") before its first ratio.
      for (size_t r = 0; r < kNumRules; ++r) {
        if (on_.on(r)) {
          on_.fail(v, r);
          break;
        }
      }
      return;
    }
    if (on_.judge(v, kLinePunct, [&] {
          const double ratio = static_cast<double>(st.punct) / static_cast<double>(st.lines);
          return ratio < p_.min_line_punct && !(ratio == 0 && p_.line_punct_exclude_zero);
        })) {
      return;
    }
    if (on_.judge(v, kShortLines, [&] { return ratio_above(st.short_lines, st.lines, p_.max_short_lines); })) return;
    if (on_.judge(v, kCharDup,
                  [&] { return ratio_above(st.dup_chars, utf8_length(cur) - newlines, p_.max_char_dup); })) {
      return;
    }
    on_.judge(v, kNewlines, [&] { return ratio_above(newlines, doc.current_tokens(), p_.max_newline_ratio); });
  }

  // The family's rules, in the order of enum Rule.
  static std::vector<RuleSpec> specs() {
    return {
        mono_rule(
            "fineweb-line-punct", "too few lines end with terminal punctuation",
            {double_param("min", "0.12", "least share of non-blank lines ending with a stop character"),
             bool_param("exclude-zero", "false", "keep documents where no line ends with a stop character"),
             string_param("stop-chars", ".'\"!?", "stop characters"),
             bool_param("unicode-terminals", "true",
                        "also count Unicode Sentence_Terminal characters (\xE3\x80\x82 \xD8\x9F \xE0\xA5\xA4 ...)")}),
        mono_rule("fineweb-short-lines", "too many short lines",
                  {double_param("max", "0.67", "largest allowed share of short non-blank lines"),
                   int_param("length", "30", "a line of at most this many characters is short")}),
        mono_rule(
            "fineweb-char-dup", "too many characters in lines that repeat an earlier line",
            {double_param("max", "0.01", "largest allowed share of characters (newlines excluded) in repeated lines")}),
        mono_rule("fineweb-newlines", "too many line breaks per word (lists, menus)",
                  {double_param("max", "0.3", "largest allowed number of newlines per token")}),
    };
  }

 private:
  LineStats scan_lines(WebDoc& doc, std::string_view cur, size_t newlines) const {
    if (on_.on(kCharDup)) doc.table.reset(newlines + 1);
    LineStats st;
    const auto short_len = static_cast<size_t>(p_.short_line_length);
    auto visit = [&](std::string_view line) {
      if (is_blank(line)) return;
      ++st.lines;
      const char32_t last = last_cp(line);
      if (p_.stop_chars.find(last) != std::u32string::npos ||
          (p_.unicode_terminals && last >= 0x21 && u_hasBinaryProperty(static_cast<UChar32>(last), UCHAR_S_TERM))) {
        ++st.punct;
      }
      const size_t cps = utf8_length(line);
      st.short_lines += cps <= short_len;
      if (on_.on(kCharDup) && !doc.table.insert(hash64(line))) st.dup_chars += cps;
    };
    size_t start = 0;
    for (size_t i = cur.find('\n'); i != std::string_view::npos; i = cur.find('\n', start)) {
      visit(cur.substr(start, i - start));
      start = i + 1;
    }
    visit(cur.substr(start));
    return st;
  }

  Params p_;
};

}  // namespace

const FamilyDef kFineWebFamily = FineWeb::def();

}  // namespace bitmill::filter::web
