// Gopher quality (datatrove's GopherQualityFilter, gopher_quality_filter.py; Gopher appendix A), on
// the document as given: non-symbol words (tokens with a character outside the punctuation set)
// between 50 and 100000, their mean length in 3..10; text.count("#") / tokens and
// (text.count("...") + text.count("…")) / tokens each at most 0.1 (tokens counts punctuation
// tokens too); of text.splitlines(), at most 90% start (after lstrip) with a bullet ("•" or "-" in
// datatrove; the `chars` parameter) and at most 30% end (after rstrip) with "..." or "…"; at least
// 80% of tokens contain a letter (str.isalpha); at least 2 tokens equal (case-sensitively) to one
// of the, be, to, of, and, that, have, with. Empty denominators pass instead of dividing by zero.
#include <algorithm>
#include <string>
#include <string_view>

#include "filter/rule_params.h"
#include "filter/web_family.h"
#include "filter/web_text.h"

namespace bitmill::filter::web {
namespace {

enum Rule : size_t { kWords, kMeanWordLength, kSymbols, kBullets, kEllipsis, kAlpha, kStopWords, kNumRules };

struct Params {
  long long min_words = 0, max_words = 0;
  double min_mean_word_len = 0, max_mean_word_len = 0;
  double max_symbol_ratio = 0;
  double max_bullet_ratio = 0;
  std::u32string bullets;
  double max_ellipsis_ratio = 0;
  double min_alpha_ratio = 0;
  long long min_stop_words = 0;
  std::vector<std::string> stop_words;
  size_t max_stop_len = 0;
};

// The comma-separated list of RULE.words, blanks trimmed, empty entries dropped.
Status read_stop_words(const RuleConfig& config, std::string_view rule, Params& p) {
  const std::string& list = config.get_string(rule, "words");
  if (!is_valid_utf8(list)) return bad_value(rule, "words", "not valid UTF-8");
  std::string_view rest = list;
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    std::string_view w = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    while (!w.empty() && w.front() == ' ') w.remove_prefix(1);
    while (!w.empty() && w.back() == ' ') w.remove_suffix(1);
    if (!w.empty()) p.stop_words.emplace_back(w);
  }
  for (const auto& w : p.stop_words) p.max_stop_len = std::max(p.max_stop_len, w.size());
  return Status::ok();
}

// x < lo, or x > hi when hi is not 0 (no upper limit).
template <class T>
bool outside(T x, T lo, T hi) {
  return x < lo || (hi != 0 && x > hi);
}

// text.count("#"), and text.count("...") + text.count("…").
void count_symbols(std::string_view text, size_t* hashes, size_t* ellipses) {
  *hashes = static_cast<size_t>(std::count(text.begin(), text.end(), '#'));
  // text.count("...") counts non-overlapping matches: floor(run / 3) per run of periods.
  size_t n = 0;
  for (size_t i = text.find('.'); i != std::string_view::npos; i = text.find('.', i)) {
    size_t j = i;
    while (j < text.size() && text[j] == '.') ++j;
    n += (j - i) / 3;
    i = j;
  }
  for (size_t i = text.find("\xE2\x80\xA6"); i != std::string_view::npos; i = text.find("\xE2\x80\xA6", i + 3)) {
    ++n;
  }
  *ellipses = n;
}

class GopherQuality final : public FamilyBase<GopherQuality> {
 public:
  Status read(const Setup& setup) {
    const RuleConfig& config = setup.config;
    BITMILL_RETURN_IF_ERROR(read_nonnegative(config, name(kWords), "min", &p_.min_words));
    BITMILL_RETURN_IF_ERROR(read_nonnegative(config, name(kWords), "max", &p_.max_words));
    if (p_.max_words != 0 && p_.max_words < p_.min_words) return bad_value(name(kWords), "max", "below min");
    BITMILL_RETURN_IF_ERROR(read_nonnegative(config, name(kMeanWordLength), "min", &p_.min_mean_word_len));
    BITMILL_RETURN_IF_ERROR(read_nonnegative(config, name(kMeanWordLength), "max", &p_.max_mean_word_len));
    if (p_.max_mean_word_len != 0 && p_.max_mean_word_len < p_.min_mean_word_len) {
      return bad_value(name(kMeanWordLength), "max", "below min");
    }
    BITMILL_RETURN_IF_ERROR(read_nonnegative(config, name(kSymbols), "max", &p_.max_symbol_ratio));
    BITMILL_RETURN_IF_ERROR(read_nonnegative(config, name(kBullets), "max", &p_.max_bullet_ratio));
    BITMILL_ASSIGN_OR_RETURN(p_.bullets, read_chars(config, name(kBullets), "chars"));
    BITMILL_RETURN_IF_ERROR(read_nonnegative(config, name(kEllipsis), "max", &p_.max_ellipsis_ratio));
    BITMILL_RETURN_IF_ERROR(read_nonnegative(config, name(kAlpha), "min", &p_.min_alpha_ratio));
    BITMILL_RETURN_IF_ERROR(read_nonnegative(config, name(kStopWords), "min", &p_.min_stop_words));
    return read_stop_words(config, name(kStopWords), p_);
  }

  uint32_t token_needs(bool english) const override {
    return english && on_.on(kStopWords) ? uint32_t{kTokenSpans} : 0;
  }

  void check(WebDoc& doc, Verdict& v) const override {
    if (on_.any_on(kWords, kSymbols) && check_words(doc, v)) return;
    if (on_.any_on(kBullets, kEllipsis) && check_lines(doc, v)) return;
    if (on_.judge(v, kAlpha, [&] { return ratio_below(doc.tokens().alpha, doc.tokens().count, p_.min_alpha_ratio); })) {
      return;
    }
    on_.judge(v, kStopWords, [&] { return doc.lang() == "en" && count_stop_words(doc) < p_.min_stop_words; });
  }

  // The family's rules, in the order of enum Rule.
  static std::vector<RuleSpec> specs() {
    return {
        mono_rule("gopher-words", "too few or too many words (punctuation-only tokens not counted)",
                  {int_param("min", "50", "fewest words"), int_param("max", "100000", "most words (0: no limit)")}),
        mono_rule("gopher-mean-word-length",
                  "mean word length (characters, punctuation-only tokens not counted) out of range",
                  {double_param("min", "3", "shortest allowed mean"),
                   double_param("max", "10", "longest allowed mean (0: no limit)")}),
        mono_rule("gopher-symbols", "too many '#', or too many ellipses ('...', '\xE2\x80\xA6'), per token",
                  {double_param("max", "0.1", "largest allowed count per token, for '#' and for ellipses separately")}),
        mono_rule("gopher-bullets", "too many lines start with a bullet",
                  {double_param("max", "0.9", "largest allowed share of lines starting with a bullet"),
                   string_param("chars", "\xE2\x80\xA2-",
                                "characters that make a bullet at a line's start, after white space (datatrove: "
                                "\xE2\x80\xA2 and -)")}),
        mono_rule("gopher-ellipsis", "too many lines end with an ellipsis ('...' or '\xE2\x80\xA6')",
                  {double_param("max", "0.3", "largest allowed share of lines ending with an ellipsis")}),
        mono_rule("gopher-alpha", "too few tokens contain a letter",
                  {double_param("min", "0.8", "least share of tokens (punctuation tokens included) with a letter")}),
        mono_rule(
            "gopher-stop-words", "too few English stop words (only runs on documents identified as English)",
            {int_param("min", "2", "fewest occurrences of stop words"),
             string_param("words", "the,be,to,of,and,that,have,with", "comma-separated stop words, case-sensitive")}),
    };
  }

 private:
  // gopher-words, gopher-mean-word-length, gopher-symbols; true when check() should return.
  bool check_words(WebDoc& doc, Verdict& v) const {
    const Tokens& tok = doc.tokens();
    if (on_.judge(v, kWords, [&] { return outside(static_cast<long long>(tok.words), p_.min_words, p_.max_words); })) {
      return true;
    }
    if (on_.judge(v, kMeanWordLength, [&] {
          if (tok.words == 0) return false;
          const double mean = static_cast<double>(tok.word_chars) / static_cast<double>(tok.words);
          return outside(mean, p_.min_mean_word_len, p_.max_mean_word_len);
        })) {
      return true;
    }
    return on_.judge(v, kSymbols, [&] {
      if (tok.count == 0) return false;
      size_t hashes = 0, ellipses = 0;
      count_symbols(doc.text(), &hashes, &ellipses);
      return ratio_above(hashes, tok.count, p_.max_symbol_ratio) ||
             ratio_above(ellipses, tok.count, p_.max_symbol_ratio);
    });
  }

  // gopher-bullets, gopher-ellipsis, over text.splitlines(); true when check() should return.
  bool check_lines(WebDoc& doc, Verdict& v) const {
    size_t lines = 0, bullets = 0, ellipsis = 0;
    for_each_pyline(doc.text(), [&](std::string_view line) {
      ++lines;
      const std::string_view l = lstrip(line);
      if (!l.empty() && !p_.bullets.empty()) {
        const char32_t c = decode_at(l.data(), l.data() + l.size()).cp;
        bullets += p_.bullets.find(c) != std::u32string::npos;
      }
      const std::string_view r = rstrip(line);
      ellipsis += r.ends_with("...") || r.ends_with("\xE2\x80\xA6");
    });
    if (on_.judge(v, kBullets, [&] { return ratio_above(bullets, lines, p_.max_bullet_ratio); })) return true;
    return on_.judge(v, kEllipsis, [&] { return ratio_above(ellipsis, lines, p_.max_ellipsis_ratio); });
  }

  // Tokens equal to a stop word.
  long long count_stop_words(WebDoc& doc) const {
    const Tokens& tok = doc.tokens();
    const std::string_view text = doc.text();
    long long n = 0;
    for (size_t i = 0; i < tok.count; ++i) {
      const std::string_view t = text.substr(tok.starts[i], tok.ends[i] - tok.starts[i]);
      if (t.size() > p_.max_stop_len) continue;
      for (const auto& w : p_.stop_words) {
        if (t.size() == w.size() && t[0] == w[0] && t == w) {
          ++n;
          break;
        }
      }
    }
    return n;
  }

  Params p_;
};

}  // namespace

const FamilyDef kGopherQualityFamily = GopherQuality::def();

}  // namespace bitmill::filter::web
