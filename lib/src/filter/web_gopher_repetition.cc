// Gopher repetition (datatrove's GopherRepetitionFilter, gopher_repetition_filter.py; Rae et al.
// 2021, "Scaling Language Models: Methods, Analysis & Insights from Training Gopher", table A1),
// on the document as given (paragraphs need its blank lines, which C4's rewrite drops).
//
// Paragraphs = re.split(r"\n{2,}", text.strip()), lines = re.split("\n+", text) (empty first/last
// elements included); a duplicate is an element equal to an earlier one, its characters are
// len(element). Top n-gram: the most common " ".join(n words) (first seen wins a tie, as
// Counter.most_common), scored len(n-gram) * count, even when the count is 1. Duplicated n-grams:
// a left-to-right scan; an n-gram already seen adds its characters ("".join) and the scan jumps n
// words ahead, so overlapping repeats are not counted twice; otherwise it is remembered and the
// scan moves one word. Every fraction is over len(text), the whole document in characters; a
// fraction above the threshold rejects. Unlike datatrove, duplicated n-grams compare word
// sequences (datatrove compares "".join(words), so "ab c" equals "a bc"), and an empty document
// passes instead of dividing by zero.
#include <algorithm>
#include <array>
#include <string_view>

#include "filter/rule_params.h"
#include "filter/web_family.h"
#include "filter/web_text.h"

namespace bitmill::filter::web {
namespace {

enum Rule : size_t {
  kDupParagraphs,
  kDupParagraphChars,
  kDupLines,
  kDupLineChars,
  kTop2,
  kTop3,
  kTop4,
  kDup5,
  kDup10 = kDup5 + 5,
  kNumRules
};

struct DupStats {
  size_t elements = 0;
  size_t duplicates = 0;
  size_t dup_chars = 0;
};

class GopherRepetition final : public FamilyBase<GopherRepetition> {
 public:
  Status read(const Setup& setup) {
    for (size_t r = 0; r < kNumRules; ++r) {
      BITMILL_RETURN_IF_ERROR(read_nonnegative(setup.config, name(r), "max", &max_[r]));
    }
    return Status::ok();
  }

  uint32_t token_needs(bool) const override { return on_.any_on(kTop2, kDup10) ? uint32_t{kTokenHashes} : 0; }

  void check(WebDoc& doc, Verdict& v) const override {
    if (doc.chars() == 0) return;
    if (on_.any_on(kDupParagraphs, kDupParagraphChars) && check_paragraphs(doc, v)) return;
    if (on_.any_on(kDupLines, kDupLineChars) && check_lines(doc, v)) return;
    if (on_.any_on(kTop2, kDup10)) check_ngrams(doc, v);
  }

  // The family's rules, in the order of enum Rule.
  static std::vector<RuleSpec> specs() {
    // Every rule has one parameter, its largest allowed fraction.
    auto rule = [](std::string_view name, std::string_view help, std::string_view max, std::string_view max_help) {
      return mono_rule(name, help, {double_param("max", max, max_help)});
    };
    return {
        rule("gopher-dup-paragraphs", "too many paragraphs (split on blank lines) repeat an earlier paragraph", "0.3",
             "largest allowed share of paragraphs equal to an earlier one"),
        rule("gopher-dup-paragraph-chars", "too many characters are in paragraphs that repeat an earlier one", "0.2",
             "largest allowed share of the document's characters in repeated paragraphs"),
        rule("gopher-dup-lines", "too many lines repeat an earlier line", "0.3",
             "largest allowed share of lines equal to an earlier one"),
        rule("gopher-dup-line-chars", "too many characters are in lines that repeat an earlier one", "0.2",
             "largest allowed share of the document's characters in repeated lines"),
        rule("gopher-top-2grams", "the most frequent word 2-gram covers too much of the document", "0.2",
             "largest allowed (length x count of the top 2-gram) / document characters"),
        rule("gopher-top-3grams", "the most frequent word 3-gram covers too much of the document", "0.18",
             "largest allowed (length x count of the top 3-gram) / document characters"),
        rule("gopher-top-4grams", "the most frequent word 4-gram covers too much of the document", "0.16",
             "largest allowed (length x count of the top 4-gram) / document characters"),
        rule("gopher-dup-5grams", "too many characters are in repeated word 5-grams", "0.15",
             "largest allowed share of characters in 5-grams seen before"),
        rule("gopher-dup-6grams", "too many characters are in repeated word 6-grams", "0.14",
             "largest allowed share of characters in 6-grams seen before"),
        rule("gopher-dup-7grams", "too many characters are in repeated word 7-grams", "0.13",
             "largest allowed share of characters in 7-grams seen before"),
        rule("gopher-dup-8grams", "too many characters are in repeated word 8-grams", "0.12",
             "largest allowed share of characters in 8-grams seen before"),
        rule("gopher-dup-9grams", "too many characters are in repeated word 9-grams", "0.11",
             "largest allowed share of characters in 9-grams seen before"),
        rule("gopher-dup-10grams", "too many characters are in repeated word 10-grams", "0.1",
             "largest allowed share of characters in 10-grams seen before"),
    };
  }

 private:
  // Counts `e` as an element, and as a duplicate when it equals an earlier one.
  static void dup(WebDoc& doc, std::string_view e, DupStats& st) {
    ++st.elements;
    if (!doc.table.insert(hash64(e))) {
      ++st.duplicates;
      st.dup_chars += utf8_length(e);
    }
  }

  // The two rules of one kind of element; true when check() should return.
  bool judge_dups(WebDoc& doc, Verdict& v, const DupStats& st, size_t count_rule, size_t chars_rule) const {
    if (on_.judge(v, count_rule, [&] { return ratio_above(st.duplicates, st.elements, max_[count_rule]); })) {
      return true;
    }
    return on_.judge(v, chars_rule, [&] { return ratio_above(st.dup_chars, doc.chars(), max_[chars_rule]); });
  }

  // re.split(r"\n{2,}", text.strip())
  bool check_paragraphs(WebDoc& doc, Verdict& v) const {
    DupStats st;
    doc.table.reset(doc.newlines() / 2 + 1);
    const std::string_view t = py_strip(doc.text());
    size_t start = 0;
    size_t i = 0;
    while ((i = t.find('\n', i)) != std::string_view::npos) {
      size_t j = i;
      while (j < t.size() && t[j] == '\n') ++j;
      if (j - i >= 2) {
        dup(doc, t.substr(start, i - start), st);
        start = j;
      }
      i = j;
    }
    dup(doc, t.substr(start), st);
    return judge_dups(doc, v, st, kDupParagraphs, kDupParagraphChars);
  }

  // re.split("\n+", text)
  bool check_lines(WebDoc& doc, Verdict& v) const {
    DupStats st;
    doc.table.reset(doc.newlines() + 1);
    const std::string_view text = doc.text();
    size_t start = 0;
    size_t i = 0;
    while ((i = text.find('\n', i)) != std::string_view::npos) {
      dup(doc, text.substr(start, i - start), st);
      while (i < text.size() && text[i] == '\n') ++i;
      start = i;
    }
    dup(doc, text.substr(start), st);
    return judge_dups(doc, v, st, kDupLines, kDupLineChars);
  }

  // Counting every n-gram for n = 2..10 would be most of the work, but an n-gram can only repeat
  // where its (n-1)-gram prefix repeats: each level counts only the positions whose prefix occurs
  // twice or more (rep[i]), which leaves every answer as datatrove's:
  //  - top n-gram: when no n-gram repeats, all counts are 1 and the first n-gram (at 0) is the top;
  //    otherwise the top has a count >= 2 and all its occurrences are counted;
  //  - duplicated n-grams (n >= 5, filtered by 4-gram repeats): an n-gram at any other position
  //    occurs once in the document; datatrove's scan would remember it and never meet it again.
  void check_ngrams(WebDoc& doc, Verdict& v) const {
    const Tokens& tok = doc.tokens();
    const size_t T = tok.count;
    doc.rep.assign(T, 1);
    doc.slot_of.resize(T);
    size_t candidates = T;
    for (size_t n = 2; n <= 4 && T >= n; ++n) {
      if (check_top(doc, v, n, candidates)) return;
    }
    for (size_t n = 5; n <= 10; ++n) {
      const size_t rule = kDup5 + (n - 5);
      if (!on_.on(rule) || T < n) continue;
      if (check_duplicated(doc, v, n, candidates)) return;
    }
  }

  // Top n-gram (n = 2..4); narrows rep to the n-grams that repeat. True when check() should return.
  bool check_top(WebDoc& doc, Verdict& v, size_t n, size_t& candidates) const {
    const Tokens& tok = doc.tokens();
    const size_t T = tok.count;
    const uint64_t* h = tok.hashes.data();
    const size_t starts = T - n + 1;
    doc.table.reset(std::min(candidates, starts));
    uint32_t best = 0;
    size_t best_first = 0;
    for (size_t i = 0; i < starts; ++i) {
      if (!doc.rep[i]) continue;
      CountTable::Slot& slot = doc.table.find(ngram_key(h + i, n));
      if (slot.count++ == 0) slot.first = i;
      if (slot.count > best || (slot.count == best && slot.first < best_first)) {
        best = slot.count;
        best_first = slot.first;
      }
      doc.slot_of[i] = doc.table.index_of(slot);
    }
    candidates = 0;
    for (size_t i = 0; i < T; ++i) {
      doc.rep[i] = i < starts && doc.rep[i] && doc.table.at(doc.slot_of[i]).count >= 2;
      candidates += doc.rep[i];
    }
    const size_t rule = kTop2 + (n - 2);
    if (!on_.on(rule)) return false;
    if (best < 2) {
      best = 1;
      best_first = 0;
    }
    // " ".join(n-gram): the words' characters plus n - 1 spaces.
    const size_t chars = tok.prefix[best_first + n] - tok.prefix[best_first] + n - 1;
    return ratio_above(chars * best, doc.chars(), max_[rule]) && on_.fail(v, rule);
  }

  // Duplicated n-grams (n = 5..10). True when check() should return.
  bool check_duplicated(WebDoc& doc, Verdict& v, size_t n, size_t candidates) const {
    const Tokens& tok = doc.tokens();
    const size_t T = tok.count;
    const uint64_t* h = tok.hashes.data();
    const size_t* pre = tok.prefix.data();
    doc.table.reset(candidates);
    size_t repeated = 0;
    size_t i = 0;
    while (i + n <= T) {
      if (doc.rep[i] && !doc.table.insert(ngram_key(h + i, n))) {
        repeated += pre[i + n] - pre[i];  // "".join(n-gram)
        i += n;
      } else {
        ++i;
      }
    }
    const size_t rule = kDup5 + (n - 5);
    return ratio_above(repeated, doc.chars(), max_[rule]) && on_.fail(v, rule);
  }

  std::array<double, kNumRules> max_{};
};

}  // namespace

const FamilyDef kGopherRepetitionFamily = GopherRepetition::def();

}  // namespace bitmill::filter::web
