// The bitmill-filter job: rows in, kept rows out (and rejected rows with their reasons), in input
// order, in one streaming pass on every core.
//
// A oneTBB pipeline reads blocks of lines (serial), judges every row of a block (parallel) and
// writes both outputs in input order (serial). Blocks are cut by the reader alone, and a row's
// verdict depends only on the row (and, for the semantic margin, on its block), so the outputs
// are byte-identical for any thread count. Memory is bounded by the blocks in flight.
//
// Bitext rows are TSV: the source and target are columns src_col and tgt_col (1-based); every
// column passes through unchanged. A trailing '\r' (CRLF files) is dropped. A row with too few
// columns is rejected by the `columns` rule. Rejected rows get one added column: the first rule
// that failed, or all failed rules comma-separated with all_reasons. With `annotate`, every row
// goes to `kept` with an added column, "keep" or the reason(s), and with a semantic scorer a
// second added column with the score; with `annotate_numbers`, a last added column with what the
// numbers rule compared (describe_numbers in numbers.h).
//
// Web documents (mono mode) are JSONL objects whose `text_field` holds the text, or plain lines
// (one document per line). Kept JSONL documents get "language" and "language_score" fields (when
// language ID runs) and the cleaned text when C4's line cleanup changed it; other fields pass
// through. Rejected JSONL documents get a "filter_reason" field; rejected plain lines an added
// column. A line that is not a JSON object is a data error naming the file and line.
//
// Thread safety: run_filter() is re-entrant; the filters and the identifier are shared read-only.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bitmill/base/progress.h"
#include "bitmill/base/status.h"
#include "bitmill/filter/bitext_rules.h"
#include "bitmill/filter/lang_id.h"
#include "bitmill/filter/language.h"
#include "bitmill/filter/rule_config.h"
#include "bitmill/filter/semantic.h"
#include "bitmill/filter/web_rules.h"
#include "bitmill/io/input_set.h"
#include "bitmill/io/output_stream.h"

namespace bitmill::filter {

enum class DocFormat { kAuto, kJsonl, kText };  // kAuto: JSONL when the first row starts with '{'

struct FilterOptions {
  FilterMode mode = FilterMode::kBitext;
  bool all_reasons = false;
  bool annotate = false;
  bool annotate_numbers = false;  // bitext, with annotate: a last column, describe_numbers of the sides
  // Bitext.
  size_t src_col = 1, tgt_col = 2;
  const BitextFilter* bitext = nullptr;
  bool columns_rule = true;                  // the `columns` rule is on (off: missing sides are empty)
  const SemanticScorer* semantic = nullptr;  // the `semantic` rule's scorer, or null
  double min_score = 0;                      // semantic.min-score
  // Mono.
  const WebFilter* web = nullptr;
  const LanguageIdentifier* lid = nullptr;  // mono language ID (annotation and the lang-id rule), or null
  const Language* mono_lang = nullptr;      // the expected language (--lang), or null for any
  double mono_min_prob = 0;                 // lang-id.min-prob for the expected language
  bool mono_lang_rule = false;              // the mono lang-id rule is on
  DocFormat format = DocFormat::kAuto;
  std::string text_field = "text";
};

struct FilterStats {
  uint64_t rows = 0, kept = 0, bytes = 0;
  std::vector<std::string> rules;  // rule names, in evaluation order ("columns" first in bitext mode)
  std::vector<uint64_t> first;     // rows whose first failed rule is rules[i]
  std::vector<uint64_t> any;       // rows on which rules[i] failed (all reasons; equals `first` without all_reasons)
  // {"rows_in": N, "rows_kept": N, "rows_rejected": N, "rejected": {"RULE": first, ...}, "failed": {...}}
  std::string to_json() const;
};

Expected<FilterStats> run_filter(InputSet& inputs, OutputStream& kept, OutputStream* rejected,
                                 const FilterOptions& opts, Progress* progress);

}  // namespace bitmill::filter
