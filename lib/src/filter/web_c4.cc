// C4 (datatrove's C4QualityFilter, c4_filters.py; Raffel et al. 2020, "Exploring the Limits of
// Transfer Learning", section 2.2, and TensorFlow Datasets' c4_utils.py), with datatrove's
// defaults: for each line of text.splitlines(), stripped: drop it when a word (str.split) is longer
// than 1000 characters; remove citations r"\[\d*]|\[edit]|\[citation needed]"; drop it when it
// does not end in . ? ! " ' or ends in "..."; drop it when it has fewer than 3 words (counted
// before citation removal); reject the document when the lowercased line contains "lorem ipsum";
// drop it when it contains "javascript"; reject the document when it contains "{"; drop it when it
// contains a policy phrase; count its sentences (web_c4_text.h). Fewer than 5 sentences
// (min_num_sentences=5) rejects; the new text is "\n".join(kept lines).strip(). So "lorem ipsum"
// and "{" only count in lines that passed the filters before them, as in datatrove. The C4
// document rules also run when c4-lines is off: then every line is looked at.
// Note: FineWeb itself ran C4QualityFilter with filter_no_terminal_punct=False
// (c4-lines.terminal-punct=false here); datatrove's default, kept here, is True.
#include <algorithm>
#include <optional>
#include <string>
#include <string_view>

#include "filter/rule_params.h"
#include "filter/web_c4_text.h"
#include "filter/web_family.h"
#include "filter/web_text.h"

namespace bitmill::filter::web {
namespace {

enum Rule : size_t { kLines, kLoremIpsum, kCurlyBracket, kMinSentences, kNumRules };

struct Params {
  bool terminal_punct = true, javascript = true, policy = true, citations = true;
  long long min_words = 0, max_word_length = 0;
  long long min_sentences = 0;
};

// What one pass over the lines finds.
struct Pass {
  bool lorem = false, curly = false, first_line = true;
  size_t sentences = 0;
  size_t tok_cursor = 0;   // next token of the original text, by tokens().starts
  size_t kept_tokens = 0;  // tokens of the kept lines
};

class C4 final : public FamilyBase<C4> {
 public:
  Status read(const Setup& setup) {
    const RuleConfig& config = setup.config;
    const std::string_view lines = name(kLines);
    p_.terminal_punct = config.get_bool(lines, "terminal-punct");
    BITMILL_RETURN_IF_ERROR(read_nonnegative(config, lines, "min-words", &p_.min_words));
    BITMILL_RETURN_IF_ERROR(read_nonnegative(config, lines, "max-word-length", &p_.max_word_length));
    p_.javascript = config.get_bool(lines, "javascript");
    p_.policy = config.get_bool(lines, "policy");
    p_.citations = config.get_bool(lines, "citations");
    return read_nonnegative(config, name(kMinSentences), "min", &p_.min_sentences);
  }

  // C4 counts the kept lines' tokens from the original's token starts, which FineWeb asks for.
  uint32_t token_needs(bool) const override { return 0; }

  void check(WebDoc& doc, Verdict& v) const override {
    if (!on_.any_on()) return;
    const bool filter = on_.on(kLines);
    // FineWeb's word count of the cleaned text comes from the tokens of the kept lines when the
    // original was tokenised with their starts.
    const bool count_kept = filter && doc.tokenized() && !doc.tokens().starts.empty();
    Pass pass;
    doc.c4_out.clear();
    for_each_pyline(doc.text(), [&](std::string_view raw) { visit(doc, raw, count_kept, pass); });
    if (filter) {
      std::string& out = doc.c4_out;
      const std::string_view stripped = py_strip(out);
      if (stripped.size() != out.size()) {
        const size_t off = static_cast<size_t>(stripped.data() - out.data());
        const size_t len = stripped.size();
        out.erase(0, off);
        out.resize(len);
      }
      if (out != doc.text()) {
        doc.replace_text(out, count_kept ? std::optional<size_t>(pass.kept_tokens) : std::nullopt);
      }
      if (doc.current().empty() && on_.fail(v, kLines)) return;
    }
    if (on_.judge(v, kLoremIpsum, [&] { return pass.lorem; })) return;
    if (on_.judge(v, kCurlyBracket, [&] { return pass.curly; })) return;
    on_.judge(v, kMinSentences, [&] { return static_cast<long long>(pass.sentences) < p_.min_sentences; });
  }

  // The family's rules, in the order of enum Rule.
  static std::vector<RuleSpec> specs() {
    return {
        mono_rule("c4-lines",
                  "C4 line cleanup: drops lines (no end punctuation, few words, javascript, policy notices, a huge "
                  "word), removes [1]-style citations, rewrites the text; rejects the document when no line is left",
                  {bool_param("terminal-punct", "true", "drop lines not ending in . ? ! \" ' (or ending in ...)"),
                   int_param("min-words", "3", "drop lines with fewer words (0: keep all)"),
                   int_param("max-word-length", "1000", "drop lines with a longer word, in characters (0: no limit)"),
                   bool_param("javascript", "true", "drop lines mentioning javascript"),
                   bool_param("policy", "true",
                              "drop lines with 'terms of use', 'privacy policy', 'cookie policy', 'uses cookies', "
                              "'use of cookies', 'use cookies'"),
                   bool_param("citations", "true", "remove [1], [edit], [citation needed]")}),
        mono_rule("c4-lorem-ipsum", "a (kept) line contains 'lorem ipsum' (placeholder text)"),
        mono_rule("c4-curly-bracket", "a (kept) line contains a curly bracket '{' (code)"),
        mono_rule("c4-min-sentences", "too few sentences in the kept lines",
                  {int_param("min", "5", "fewest sentences (datatrove's min_num_sentences)")}),
    };
  }

 private:
  // One line of text.splitlines(): the C4 line filters (when c4-lines is on), then the document
  // rules' findings, then the line goes to the new text.
  void visit(WebDoc& doc, std::string_view raw, bool count_kept, Pass& pass) const {
    const bool filter = on_.on(kLines);
    std::string_view line = py_strip(raw);
    bool rewritten = false;
    if (filter && !keep_line(doc, line, rewritten)) return;
    const bool need_keywords = on_.on(kLoremIpsum) || (filter && (p_.javascript || p_.policy));
    Keywords kw;
    if (need_keywords) kw = scan_keywords(line, doc.lower_buf);
    if (kw.lorem) pass.lorem = true;
    if (filter && p_.javascript && kw.javascript) return;
    if (on_.on(kCurlyBracket) && line.find('{') != std::string_view::npos) pass.curly = true;
    if (filter && p_.policy && kw.policy) return;
    // Counting stops once there are enough: only "fewer than min" matters.
    if (on_.on(kMinSentences) && static_cast<long long>(pass.sentences) < p_.min_sentences) {
      pass.sentences += count_sentences(line);
    }
    if (!filter) return;
    if (!pass.first_line) doc.c4_out.push_back('\n');
    doc.c4_out.append(line);
    pass.first_line = false;
    if (count_kept) pass.kept_tokens += rewritten ? count_tokens(line) : kept_line_tokens(doc, line, pass);
  }

  // The word-length, citation, terminal-punctuation and word-count filters; `line` loses its
  // citations (then `rewritten`). False: drop the line.
  bool keep_line(WebDoc& doc, std::string_view& line, bool& rewritten) const {
    // Words (str.split): only as many as min-words asks for, unless the line is long enough to hold
    // a word over max-word-length.
    const bool check_long = p_.max_word_length > 0 && static_cast<long long>(line.size()) > p_.max_word_length;
    const auto want_words = static_cast<size_t>(p_.min_words);
    size_t words = 0, longest = 0, len = 0;
    const char* q = line.data();
    const char* const e = q + line.size();
    while (q < e && (check_long || words < want_words)) {
      const Cp c = decode_at(q, e);
      q += c.len;
      if (classify(c.cp) & kIsSpace) {
        len = 0;
      } else {
        words += len == 0;
        longest = std::max(longest, ++len);
      }
    }
    if (check_long && static_cast<long long>(longest) > p_.max_word_length) return false;
    if (p_.citations) {
      const std::string_view before = line;
      line = remove_citations(line, doc.cite_buf);
      rewritten = line.data() != before.data();
    }
    if (p_.terminal_punct && !c4_terminal(line)) return false;
    return words >= want_words;
  }

  // The tokens of the original text that start inside `line` (a view into it).
  static size_t kept_line_tokens(WebDoc& doc, std::string_view line, Pass& pass) {
    const std::vector<size_t>& starts = doc.tokens().starts;
    const auto lb = static_cast<size_t>(line.data() - doc.text().data());
    const size_t le = lb + line.size();
    const size_t nt = starts.size();
    while (pass.tok_cursor < nt && starts[pass.tok_cursor] < lb) ++pass.tok_cursor;
    const size_t first_tok = pass.tok_cursor;
    while (pass.tok_cursor < nt && starts[pass.tok_cursor] < le) ++pass.tok_cursor;
    return pass.tok_cursor - first_tok;
  }

  Params p_;
};

}  // namespace

const FamilyDef kC4Family = C4::def();

}  // namespace bitmill::filter::web
