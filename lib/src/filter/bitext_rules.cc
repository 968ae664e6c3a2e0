#include "bitmill/filter/bitext_rules.h"

#include <algorithm>
#include <cassert>

#include <fmt/format.h>

#include "bitmill/filter/char_counts.h"
#include "bitmill/filter/mojibake.h"
#include "bitmill/filter/numbers.h"
#include "bitmill/filter/similarity.h"
#include "bitmill/filter/terminal_punct.h"
#include "bitmill/filter/urls.h"
#include "bitmill/filter/words.h"
#include "bitmill/text/utf8.h"

namespace bitmill::filter {

// Defaults follow Bicleaner's hard rules and OpusFilter's filters where they define one; the
// values were checked on the clean pairs of scripts/bench/filter_noise.sh (the share of clean
// pairs each rule rejects is in the man page).
const std::vector<RuleSpec>& bitext_rule_specs() {
  using P = ParamType;
  static const std::vector<RuleSpec> specs = {
      {"columns",
       FilterMode::kBitext,
       true,
       "the row has fewer TSV columns than --src-col/--tgt-col need (off: missing sides are empty)",
       {}},
      {"utf8", FilterMode::kBitext, true, "a side is not valid UTF-8", {}},
      {"empty", FilterMode::kBitext, true, "a side is empty or only white space", {}},
      {"mojibake",
       FilterMode::kBitext,
       true,
       "a side has double-encoded UTF-8 (\"Ã©\" for \"é\", \"â€™\" for \"’\")",
       {{"max", P::kInt, "0", "most mojibake sequences allowed in a side"}}},
      {"control-chars",
       FilterMode::kBitext,
       true,
       "a side has non-printing characters: C0/C1 controls, line and page breaks, U+FFFD, unassigned or "
       "private-use code points",
       {{"max", P::kInt, "0", "most such characters allowed in a side"},
        {"format", P::kBool, "true",
         "also count invisible format characters (zero-width space and joiners, bidi controls, word joiner) in "
         "languages whose scripts do not use them (all but Arabic, Hebrew, Indic, Southeast Asian...)"}}},
      {"length",
       FilterMode::kBitext,
       true,
       "a side is too short or too long (words are characters in Chinese, Japanese, Thai...)",
       {{"min-words", P::kInt, "1", "fewest words in a side"},
        {"max-words", P::kInt, "250", "most words in a side"},
        {"min-chars", P::kInt, "1", "fewest characters in a side"},
        {"max-chars", P::kInt, "1024", "most characters in a side (Bicleaner's not_too_long)"}}},
      {"letters",
       FilterMode::kBitext,
       true,
       "too few letters among a side's characters (numbers, symbols or punctuation only)",
       {{"min-ratio", P::kDouble, "0.5", "least share of letters among non-space characters"}}},
      {"repeated-words",
       FilterMode::kBitext,
       true,
       "a side repeats the same word many times in a row",
       {{"max-run", P::kInt, "3", "longest allowed run of one word"}}},
      {"identical",
       FilterMode::kBitext,
       true,
       "source and target are the same text, or nearly (an untranslated copy)",
       {{"max-similarity", P::kDouble, "0.9",
         "highest allowed similarity (1 - edit distance / length, over letters and digits, case folded)"}}},
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
      {"numbers",
       FilterMode::kBitext,
       true,
       "the sides do not contain the same numbers (digit runs, any script)",
       {{"one-sided", P::kBool, "false",
         "also reject numbers on one side only (\"20\" against \"twenty\"); by default only sides that both "
         "have numbers are compared"}}},
      {"urls", FilterMode::kBitext, true, "the sides do not contain the same URLs and e-mail addresses", {}},
      {"terminal-punct",
       FilterMode::kBitext,
       true,
       "the sides end differently: a question against a statement",
       {{"exclamation", P::kBool, "false", "also tell exclamations (!) from statements and questions"},
        {"strict", P::kBool, "false", "also reject a sentence end (. ? !) against no final punctuation"}}},
      {"script",
       FilterMode::kBitext,
       true,
       "too few of a side's letters are in the scripts of its language",
       {{"min-ratio", P::kDouble, "0.8", "least share of letters in the language's scripts"}}},
      {"lang-id",
       FilterMode::kBitext,
       true,
       "language ID: a side is not in its declared language, or not confidently",
       {{"min-prob", P::kDoubleMap, "0.1",
         "least probability of the declared language among the top guesses (per language: min-prob.LANG)"},
        {"top", P::kInt, "3", "guesses considered"},
        {"min-chars", P::kInt, "0", "sides shorter than this many characters skip language ID"}}},
      {"semantic",
       FilterMode::kBitext,
       false,
       "the sides do not mean the same: sentence-embedding score below the threshold (needs --model)",
       {{"min-score", P::kDouble, "0.2", "least cosine similarity (or margin score with --margin: try about 0.9)"},
        {"margin", P::kBool, "false", "score with the ratio margin against the batch's k nearest neighbours"},
        {"k", P::kInt, "4", "neighbours for the margin"}}},
  };
  return specs;
}

size_t BitextFilter::rule_index(std::string_view name) {
  const auto& specs = bitext_rule_specs();
  for (size_t i = 0; i < specs.size(); ++i) {
    if (specs[i].name == name) return i;
  }
  assert(false && "unknown bitext rule");
  return 0;
}

namespace {

enum Rule : size_t {
  kColumns,  // judged by the caller, which splits the columns
  kUtf8,
  kEmpty,
  kMojibake,
  kControl,
  kLength,
  kLetters,
  kRepeated,
  kIdentical,
  kRatio,
  kNumbers,
  kUrls,
  kTerminal,
  kScript,
  kLangId,
  kSemantic,
  kRuleCount,
};

bool is_blank(std::string_view s) {
  for (char c : s) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '\f' && c != '\v') return false;
  }
  return true;
}

Status check_range(std::string_view rule, std::string_view param, double v, double lo, double hi) {
  if (v < lo || v > hi) {
    return invalid_argument(fmt::format("{}.{} must be between {} and {}, got {}", rule, param, lo, hi, v));
  }
  return Status::ok();
}

// Length in "characters" for the ratio: non-space code points, those of scripts written without
// spaces weighted (one Chinese character carries about as much as a few Latin letters).
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

double weighted_length(const CharCounts& c, double cjk_weight) {
  const double plain = static_cast<double>(c.chars - c.spaces - c.cjk);
  return plain + cjk_weight * static_cast<double>(c.cjk);
}

}  // namespace

Expected<BitextFilter> BitextFilter::create(const RuleConfig& config, const Language& src, const Language& tgt,
                                            const LanguageIdentifier* lid) {
  if (config.mode() != FilterMode::kBitext) return invalid_argument("bitext rules need a bitext configuration");
  static_assert(kRuleCount <= 64, "a RuleMask has 64 bits");
  assert(bitext_rule_specs().size() == kRuleCount);
  BitextFilter f;
  f.lang_[0] = &src;
  f.lang_[1] = &tgt;
  f.lid_ = lid;
  Params& p = f.p_;
  const auto& specs = bitext_rule_specs();
  for (size_t i = 0; i < specs.size(); ++i) p.on[i] = config.enabled(specs[i].name);
  if (p.on[kLangId] && lid == nullptr) return invalid_argument("the lang-id rule needs a language identifier");

  p.max_controls = config.get_int("control-chars", "max");
  p.max_mojibake = config.get_int("mojibake", "max");
  p.min_words = config.get_int("length", "min-words");
  p.max_words = config.get_int("length", "max-words");
  p.min_chars = config.get_int("length", "min-chars");
  p.max_chars = config.get_int("length", "max-chars");
  p.min_letters = config.get_double("letters", "min-ratio");
  p.max_word_run = config.get_int("repeated-words", "max-run");
  p.max_similarity = config.get_double("identical", "max-similarity");
  p.max_ratio = config.get_double("length-ratio", "max");
  p.ratio_min_chars = config.get_int("length-ratio", "min-chars");
  p.cjk_weight = config.get_double("length-ratio", "cjk-weight");
  p.terminal_strict = config.get_bool("terminal-punct", "strict");
  p.terminal_exclamation = config.get_bool("terminal-punct", "exclamation");
  p.numbers_one_sided = config.get_bool("numbers", "one-sided");
  p.max_cut = config.get_double("length-ratio", "max-cut");
  p.lid_top = config.get_int("lang-id", "top");
  const bool count_format = config.get_bool("control-chars", "format");
  p.min_script[0] = p.min_script[1] = config.get_double("script", "min-ratio");
  for (int s = 0; s < 2; ++s) {
    const Language& l = *f.lang_[s];
    // Per-language thresholds may be keyed by either code.
    const auto& per = config.get_map("lang-id", "min-prob");
    double v = config.get_double("lang-id", "min-prob");
    if (auto it = per.find(std::string(l.iso639_3)); it != per.end()) v = it->second;
    if (!l.iso639_1.empty()) {
      if (auto it = per.find(std::string(l.iso639_1)); it != per.end()) v = it->second;
    }
    p.min_prob[s] = v;
    BITMILL_RETURN_IF_ERROR(check_range("lang-id", "min-prob", v, 0, 1));
    BITMILL_ASSIGN_OR_RETURN(f.scripts_[s], parse_scripts(l.scripts));
    // A language outside the table (see the tool's lookup) has no scripts and no LID label.
    // Nor does a language the identifier cannot name (lid.176 has no Klingon or Zulu label).
    p.lid_side[s] = find_language(l.iso639_3).has_value() && (lid == nullptr || lid->can_name(l));
    p.format_junk[s] = count_format && !uses_format_characters(l.scripts);
  }
  p.lid_min_chars = config.get_int("lang-id", "min-chars");

  BITMILL_RETURN_IF_ERROR(check_range("letters", "min-ratio", p.min_letters, 0, 1));
  BITMILL_RETURN_IF_ERROR(check_range("identical", "max-similarity", p.max_similarity, 0, 1));
  BITMILL_RETURN_IF_ERROR(check_range("length-ratio", "max", p.max_ratio, 1, 1e9));
  BITMILL_RETURN_IF_ERROR(check_range("length-ratio", "cjk-weight", p.cjk_weight, 0, 1e3));
  BITMILL_RETURN_IF_ERROR(check_range("length-ratio", "max-cut", p.max_cut, 1, 1e9));
  BITMILL_RETURN_IF_ERROR(check_range("lang-id", "top", static_cast<double>(p.lid_top), 1, 176));
  BITMILL_RETURN_IF_ERROR(check_range("script", "min-ratio", p.min_script[0], 0, 1));
  BITMILL_RETURN_IF_ERROR(check_range("control-chars", "max", static_cast<double>(p.max_controls), 0, 1e18));
  BITMILL_RETURN_IF_ERROR(check_range("mojibake", "max", static_cast<double>(p.max_mojibake), 0, 1e18));
  BITMILL_RETURN_IF_ERROR(check_range("length", "min-words", static_cast<double>(p.min_words), 0, 1e18));
  BITMILL_RETURN_IF_ERROR(check_range("length", "min-chars", static_cast<double>(p.min_chars), 0, 1e18));
  BITMILL_RETURN_IF_ERROR(check_range("repeated-words", "max-run", static_cast<double>(p.max_word_run), 1, 1e18));
  if (p.max_words < p.min_words) return invalid_argument("length.max-words is below length.min-words");
  if (p.max_chars < p.min_chars) return invalid_argument("length.max-chars is below length.min-chars");
  return f;
}

RuleMask BitextFilter::check(std::string_view src, std::string_view tgt, bool first_only,
                             BitextScratch& scratch) const {
  RuleMask failed = 0;
  const Params& p = p_;
  // Records a failure; true when the caller should stop.
  auto fail = [&](size_t rule) {
    failed |= RuleMask{1} << rule;
    return first_only;
  };
  std::string_view side[2] = {src, tgt};

  const bool valid = is_valid_utf8(src) && is_valid_utf8(tgt);
  if (!valid) {
    if (p.on[kUtf8] && fail(kUtf8)) return failed;
    // Later rules need valid UTF-8: they see a repaired copy.
    for (int s = 0; s < 2; ++s) {
      if (is_valid_utf8(side[s])) continue;
      scratch.repaired[s].clear();
      append_replacing_invalid_utf8(side[s], scratch.repaired[s]);
      side[s] = scratch.repaired[s];
    }
  }
  if (p.on[kEmpty] && (is_blank(side[0]) || is_blank(side[1])) && fail(kEmpty)) return failed;

  CharCounts cc[2] = {count_chars(side[0]), count_chars(side[1])};
  if (p.on[kMojibake]) {
    for (int s = 0; s < 2; ++s) {
      if (static_cast<long long>(count_mojibake(side[s])) > p.max_mojibake) {
        if (fail(kMojibake)) return failed;
        break;
      }
    }
  }
  if (p.on[kControl]) {
    for (int s = 0; s < 2; ++s) {
      const size_t junk = cc[s].controls + (p.format_junk[s] ? cc[s].format : 0) + count_breaks(side[s]);
      if (static_cast<long long>(junk) > p.max_controls) {
        if (fail(kControl)) return failed;
        break;
      }
    }
  }
  if (p.on[kLength]) {
    for (int s = 0; s < 2; ++s) {
      const auto words = static_cast<long long>(count_words(side[s]));
      const auto chars = static_cast<long long>(cc[s].chars);
      if (words < p.min_words || words > p.max_words || chars < p.min_chars || chars > p.max_chars) {
        if (fail(kLength)) return failed;
        break;
      }
    }
  }
  if (p.on[kLetters]) {
    for (int s = 0; s < 2; ++s) {
      const size_t visible = cc[s].chars - cc[s].spaces;
      const size_t letters = cc[s].letters + cc[s].marks;
      if (visible > 0 && static_cast<double>(letters) < p.min_letters * static_cast<double>(visible)) {
        if (fail(kLetters)) return failed;
        break;
      }
    }
  }
  if (p.on[kRepeated]) {
    for (int s = 0; s < 2; ++s) {
      if (static_cast<long long>(longest_word_run(side[s])) > p.max_word_run) {
        if (fail(kRepeated)) return failed;
        break;
      }
    }
  }
  if (p.on[kIdentical] && similarity(side[0], side[1], p.max_similarity) > p.max_similarity && fail(kIdentical)) {
    return failed;
  }
  if (p.on[kRatio]) {
    const double len[2] = {weighted_length(cc[0], p.cjk_weight), weighted_length(cc[1], p.cjk_weight)};
    const int longer = len[0] >= len[1] ? 0 : 1;
    const double ratio = len[longer] / std::max(len[1 - longer], 1.0);
    if (static_cast<long long>(cc[longer].chars) >= p.ratio_min_chars) {
      bool bad = ratio > p.max_ratio;
      if (!bad && ratio > p.max_cut) {
        // A cut-off side: the longer one ends a sentence, the shorter one stops mid-sentence.
        const Terminal t_long = terminal_punctuation(side[longer]);
        const Terminal t_short = terminal_punctuation(side[1 - longer]);
        bad = t_long != Terminal::kNone && t_long != Terminal::kOther && t_short == Terminal::kNone;
      }
      if (bad && fail(kRatio)) return failed;
    }
  }
  if (p.on[kNumbers]) {
    extract_numbers(side[0], scratch.numbers[0]);
    extract_numbers(side[1], scratch.numbers[1]);
    const bool compared = p.numbers_one_sided || (!scratch.numbers[0].empty() && !scratch.numbers[1].empty());
    if (compared && scratch.numbers[0] != scratch.numbers[1] && fail(kNumbers)) return failed;
  }
  if (p.on[kUrls]) {
    extract_urls(side[0], scratch.urls[0]);
    extract_urls(side[1], scratch.urls[1]);
    if (scratch.urls[0] != scratch.urls[1] && fail(kUrls)) return failed;
  }
  if (p.on[kTerminal]) {
    const Terminal a = terminal_punctuation(side[0]);
    const Terminal b = terminal_punctuation(side[1]);
    auto is_end = [](Terminal t) {
      return t == Terminal::kStop || t == Terminal::kQuestion || t == Terminal::kExclamation;
    };
    // Classes told apart: statement (.), question (?), and exclamation (!) only on request (it
    // often stands for a statement in translation).
    auto cls = [&](Terminal t) {
      if (t == Terminal::kExclamation && !p.terminal_exclamation) return Terminal::kStop;
      return t;
    };
    const Terminal ca = cls(a), cb = cls(b);
    bool bad = false;
    if (ca != cb) {
      if (is_end(ca) && is_end(cb)) {
        bad = ca == Terminal::kQuestion || cb == Terminal::kQuestion || p.terminal_exclamation;
      } else if (p.terminal_strict && (is_end(ca) || is_end(cb)) && (ca == Terminal::kNone || cb == Terminal::kNone)) {
        bad = true;
      }
    }
    if (bad && fail(kTerminal)) return failed;
  }
  if (p.on[kScript]) {
    for (int s = 0; s < 2; ++s) {
      if (scripts_[s].empty()) continue;
      count_scripts(side[s], scratch.scripts);
      size_t total = 0, in_lang = 0;
      for (const auto& [script, n] : scratch.scripts) {
        total += n;
        if (std::find(scripts_[s].begin(), scripts_[s].end(), script) != scripts_[s].end()) in_lang += n;
      }
      if (total > 0 && static_cast<double>(in_lang) < p.min_script[s] * static_cast<double>(total)) {
        if (fail(kScript)) return failed;
        break;
      }
    }
  }
  if (p.on[kLangId]) {
    for (int s = 0; s < 2; ++s) {
      if (!p.lid_side[s] || static_cast<long long>(cc[s].chars) < p.lid_min_chars) continue;
      // The declared language's probability among the top guesses: short sentences often get a
      // close relative as the top guess with the right language second.
      lid_->identify(side[s], static_cast<size_t>(p.lid_top), scratch.guesses);
      double prob = 0;
      for (const LangGuess& g : scratch.guesses) {
        if (g.language != nullptr && same_language(*lang_[s], *g.language)) prob += static_cast<double>(g.prob);
      }
      const bool ok = prob >= p.min_prob[s];
      if (!ok) {
        if (fail(kLangId)) return failed;
        break;
      }
    }
  }
  return failed;
}

}  // namespace bitmill::filter
