#include "bitmill/filter/filter_run.h"

#include <simdjson.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/task_arena.h>

#include <limits>

#include <fmt/format.h>

#include "bitmill/filter/numbers.h"
#include "bitmill/text/json_string.h"
#include "bitmill/text/utf8.h"
#include "bitmill/util/ordered_pipeline.h"

namespace bitmill::filter {

namespace {

// The rule names of a verdict: the first, or all of them comma-separated.
void append_reasons(uint64_t mask, const std::vector<std::string>& names, bool all, std::string& out) {
  bool first = true;
  for (size_t i = 0; i < names.size(); ++i) {
    if (!(mask >> i & 1)) continue;
    if (!first) out.push_back(',');
    out += names[i];
    first = false;
    if (!all) break;
  }
}

// One block of rows and what the workers made of it.
struct Work {
  LineBlock block;
  uint64_t raw_bytes = 0;
  std::string kept, rejected;  // output bytes, in row order
  std::vector<uint64_t> first, any;
  uint64_t rows = 0, kept_rows = 0, bytes = 0;
};

// Per-thread scratch, reused across blocks.
struct Scratch {
  BitextScratch bitext;
  WebScratch web;
  std::vector<std::string_view> src, tgt;
  std::vector<float> scores;
  std::vector<uint64_t> masks;
  std::vector<LangGuess> guesses;
  std::string line, cleaned, doc, numbers_note;
  simdjson::dom::parser parser;
};

class Engine {
 public:
  Engine(const FilterOptions& opts, std::vector<std::string> rules, const std::vector<std::string>& input_names)
      : opts_(opts), rules_(std::move(rules)), names_(input_names) {}

  Status process(Work& w, Scratch& s) {
    w.kept.clear();
    w.rejected.clear();
    w.first.assign(rules_.size(), 0);
    w.any.assign(rules_.size(), 0);
    w.rows = w.block.size();
    w.kept_rows = 0;
    w.bytes = w.block.data.size();
    return opts_.mode == FilterMode::kBitext ? process_bitext(w, s) : process_mono(w, s);
  }

  const std::vector<std::string>& rules() const { return rules_; }

 private:
  static std::string_view strip_cr(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
  }

  void count(Work& w, uint64_t mask) {
    if (mask == 0) {
      ++w.kept_rows;
      return;
    }
    for (size_t i = 0; i < rules_.size(); ++i) {
      if (mask >> i & 1) ++w.any[i];
    }
    ++w.first[static_cast<size_t>(__builtin_ctzll(mask))];
  }

  // Writes a plain (TSV or text) row with its verdict (and with annotate_numbers, `numbers`: what
  // the numbers rule compared).
  void emit_line(Work& w, std::string_view line, uint64_t mask, const float* score,
                 const std::string* numbers = nullptr) {
    if (opts_.annotate) {
      w.kept += line;
      w.kept.push_back('\t');
      if (mask == 0) {
        w.kept += "keep";
      } else {
        append_reasons(mask, rules_, opts_.all_reasons, w.kept);
      }
      if (score) w.kept += fmt::format("\t{:.4f}", *score);
      if (numbers) {
        w.kept.push_back('\t');
        w.kept += *numbers;
      }
      w.kept.push_back('\n');
      return;
    }
    if (mask == 0) {
      w.kept += line;
      w.kept.push_back('\n');
      return;
    }
    w.rejected += line;
    w.rejected.push_back('\t');
    append_reasons(mask, rules_, opts_.all_reasons, w.rejected);
    w.rejected.push_back('\n');
  }

  Status process_bitext(Work& w, Scratch& s) {
    const LineBlock& b = w.block;
    const size_t n = b.size();
    const size_t need = std::max(opts_.src_col, opts_.tgt_col);
    const bool first_only = !opts_.all_reasons && !opts_.annotate;
    const size_t semantic_bit = BitextFilter::rule_index("semantic");
    const size_t columns_bit = BitextFilter::rule_index("columns");
    const bool columns_on = opts_.columns_rule;
    s.src.assign(n, {});
    s.tgt.assign(n, {});
    s.masks.assign(n, 0);
    for (size_t i = 0; i < n; ++i) {
      const std::string_view line = strip_cr(b.line(i));
      // Split just the columns we need.
      size_t col = 1, start = 0;
      std::string_view cols[2];
      for (size_t pos = 0;; ++pos) {
        if (pos == line.size() || line[pos] == '\t') {
          if (col == opts_.src_col) cols[0] = line.substr(start, pos - start);
          if (col == opts_.tgt_col) cols[1] = line.substr(start, pos - start);
          if (pos == line.size() || col == need) break;
          ++col;
          start = pos + 1;
        }
      }
      if (col < need && columns_on) {
        s.masks[i] = uint64_t{1} << columns_bit;
        continue;
      }
      s.src[i] = cols[0];
      s.tgt[i] = cols[1];
      s.masks[i] = opts_.bitext->check(cols[0], cols[1], first_only, s.bitext);
    }
    const float* scores = nullptr;
    if (opts_.semantic) {
      // Score the rows that passed so far (every row when all reasons are wanted), as one batch.
      std::vector<std::string_view> src, tgt;
      std::vector<size_t> rows;
      for (size_t i = 0; i < n; ++i) {
        if (s.masks[i] != 0 && first_only) continue;
        if (s.masks[i] >> columns_bit & 1) continue;
        rows.push_back(i);
        src.push_back(s.src[i]);
        tgt.push_back(s.tgt[i]);
      }
      std::vector<float> got;
      BITMILL_RETURN_IF_ERROR(opts_.semantic->score(src, tgt, got));
      s.scores.assign(n, std::numeric_limits<float>::quiet_NaN());
      for (size_t r = 0; r < rows.size(); ++r) {
        s.scores[rows[r]] = got[r];
        if (static_cast<double>(got[r]) < opts_.min_score) s.masks[rows[r]] |= uint64_t{1} << semantic_bit;
      }
      scores = s.scores.data();
    }
    for (size_t i = 0; i < n; ++i) {
      count(w, s.masks[i]);
      if (opts_.annotate_numbers) describe_numbers(s.src[i], s.tgt[i], s.numbers_note);
      emit_line(w, strip_cr(b.line(i)), s.masks[i], scores ? &scores[i] : nullptr,
                opts_.annotate_numbers ? &s.numbers_note : nullptr);
    }
    return Status::ok();
  }

  // The language of a document, from language ID (or --lang when language ID is off).
  struct DocLanguage {
    std::string_view code;  // ISO 639-1, else 639-3, else the engine's label; "" unknown
    float prob = 0;
    bool rejected = false;  // the mono lang-id rule failed
  };

  DocLanguage identify_language(std::string_view text, Scratch& s) const {
    DocLanguage d;
    if (!opts_.lid) {
      if (opts_.mono_lang) {
        d.code = opts_.mono_lang->iso639_1.empty() ? opts_.mono_lang->iso639_3 : opts_.mono_lang->iso639_1;
      }
      return d;
    }
    const Language* guessed = nullptr;
    opts_.lid->identify(text, 1, s.guesses);
    if (!s.guesses.empty()) {
      guessed = s.guesses[0].language;
      d.prob = s.guesses[0].prob;
      d.code = guessed ? (guessed->iso639_1.empty() ? guessed->iso639_3 : guessed->iso639_1)
                       : std::string_view(s.guesses[0].label);
    }
    if (opts_.mono_lang_rule) {
      const bool lang_ok = opts_.mono_lang == nullptr || (guessed && same_language(*opts_.mono_lang, *guessed));
      d.rejected = !lang_ok || static_cast<double>(d.prob) < opts_.mono_min_prob;
    }
    return d;
  }

  Status process_mono(Work& w, Scratch& s) {
    const LineBlock& b = w.block;
    const bool first_only = !opts_.all_reasons && !opts_.annotate;
    const bool jsonl = format_ == DocFormat::kJsonl;
    for (size_t i = 0; i < b.size(); ++i) {
      const std::string_view line = strip_cr(b.line(i));
      std::string_view text = line;
      simdjson::dom::object obj;
      if (jsonl) {
        auto doc = s.parser.parse(line.data(), line.size(), true);
        if (doc.error() || doc.value().get(obj) != simdjson::SUCCESS) {
          return data_error(fmt::format("{}:{}: not a JSON object{}", names_[b.input], b.numbers[i],
                                        doc.error() ? std::string(": ") + simdjson::error_message(doc.error()) : ""));
        }
        std::string_view t;
        if (obj[opts_.text_field].get(t) != simdjson::SUCCESS) {
          return data_error(fmt::format("{}:{}: no string field \"{}\" (set the field with --text-field)",
                                        names_[b.input], b.numbers[i], opts_.text_field));
        }
        text = t;
      }
      if (!is_valid_utf8(text)) {
        s.cleaned.clear();
        append_replacing_invalid_utf8(text, s.cleaned);
        s.doc = s.cleaned;
        text = s.doc;
      }
      // Language ID first: its result also feeds English-only rules and the added fields.
      const DocLanguage lang = identify_language(text, s);
      const size_t lang_bit = 0;  // lang-id is the first mono rule
      uint64_t mask = lang.rejected ? uint64_t{1} << lang_bit : 0;
      bool changed = false;
      if (!(mask && first_only)) {
        mask |= opts_.web->check(text, lang.code, first_only, s.web, s.cleaned, &changed);
      }
      count(w, mask);
      if (!jsonl) {
        // Kept documents come out cleaned; rejected ones as they came in.
        emit_line(w, changed && mask == 0 ? std::string_view(s.cleaned) : line, mask, nullptr);
        continue;
      }
      emit_jsonl(w, s, line, obj, mask, lang, changed);
    }
    return Status::ok();
  }

  // Writes a JSONL document with its added fields; rebuilds the object only when the text changed.
  void emit_jsonl(Work& w, Scratch& s, std::string_view line, simdjson::dom::object obj, uint64_t mask,
                  const DocLanguage& lang, bool changed) {
    std::string& out = (mask == 0 || opts_.annotate) ? w.kept : w.rejected;
    std::string extra;
    if (opts_.lid && !lang.code.empty()) {
      extra += fmt::format(",\"language\":\"{}\",\"language_score\":{:.4f}", lang.code, lang.prob);
    }
    if (mask != 0) {
      extra += ",\"filter_reason\":\"";
      append_reasons(mask, rules_, opts_.all_reasons, extra);
      extra += "\"";
    }
    if (!changed || mask != 0) {
      const size_t close = line.rfind('}');
      std::string_view head = line.substr(0, close);
      // An empty object has no field before ours.
      const bool empty_obj = obj.size() == 0;
      out += head;
      out += empty_obj && !extra.empty() ? std::string_view(extra).substr(1) : std::string_view(extra);
      out += "}\n";
      return;
    }
    out.push_back('{');
    bool first_field = true;
    for (auto field : obj) {
      if (field.key == "language" || field.key == "language_score" || field.key == "filter_reason") continue;
      if (!first_field) out.push_back(',');
      first_field = false;
      out.push_back('"');
      append_json_escaped(field.key, out);
      out += "\":";
      if (field.key == opts_.text_field) {
        out.push_back('"');
        append_json_escaped(s.cleaned, out);
        out.push_back('"');
      } else {
        out += simdjson::minify(field.value);
      }
    }
    out += first_field && !extra.empty() ? std::string_view(extra).substr(1) : std::string_view(extra);
    out += "}\n";
  }

 public:
  DocFormat format_ = DocFormat::kText;

 private:
  const FilterOptions& opts_;
  std::vector<std::string> rules_;
  const std::vector<std::string>& names_;
};

}  // namespace

std::string FilterStats::to_json() const {
  std::string out = fmt::format("{{\"rows_in\": {}, \"rows_kept\": {}, \"rows_rejected\": {}, \"bytes_in\": {}", rows,
                                kept, rows - kept, bytes);
  auto table = [&](const char* name, const std::vector<uint64_t>& v) {
    out += fmt::format(", \"{}\": {{", name);
    for (size_t i = 0; i < rules.size(); ++i) out += fmt::format("{}\"{}\": {}", i ? ", " : "", rules[i], v[i]);
    out += "}";
  };
  table("rejected", first);
  table("failed", any);
  out += "}\n";
  return out;
}

namespace {

// What --format auto makes of an input whose first row is `first`: JSONL when it is an object.
DocFormat detect_format(std::string_view first) {
  while (!first.empty() && (first.front() == ' ' || first.front() == '\t')) first.remove_prefix(1);
  return !first.empty() && first.front() == '{' ? DocFormat::kJsonl : DocFormat::kText;
}

// Adds a written block's counts to the run's.
void add_counts(const Work& w, FilterStats& stats) {
  stats.rows += w.rows;
  stats.kept += w.kept_rows;
  stats.bytes += w.bytes;
  for (size_t i = 0; i < stats.rules.size(); ++i) {
    stats.first[i] += w.first[i];
    stats.any[i] += w.any[i];
  }
}

}  // namespace

Expected<FilterStats> run_filter(InputSet& inputs, OutputStream& kept, OutputStream* rejected,
                                 const FilterOptions& opts, Progress* progress) {
  std::vector<std::string> names;
  const auto& specs = opts.mode == FilterMode::kBitext ? bitext_rule_specs() : web_rule_specs();
  for (const auto& spec : specs) names.emplace_back(spec.name);
  if (opts.mode == FilterMode::kBitext && !opts.bitext) return invalid_argument("bitext mode needs a BitextFilter");
  if (opts.mode == FilterMode::kMono && !opts.web) return invalid_argument("mono mode needs a WebFilter");

  Engine engine(opts, names, inputs.names());
  FilterStats stats;
  stats.rules = names;
  stats.first.assign(names.size(), 0);
  stats.any.assign(names.size(), 0);
  tbb::enumerable_thread_specific<Scratch> scratch;
  bool format_known = opts.mode == FilterMode::kBitext || opts.format != DocFormat::kAuto;
  engine.format_ = opts.format == DocFormat::kAuto ? DocFormat::kText : opts.format;

  const size_t threads = static_cast<size_t>(tbb::this_task_arena::max_concurrency());
  const Status run = run_ordered_pipeline<Work>(
      2 * threads + 2,
      [&](Work& w) -> Expected<bool> {
        BITMILL_ASSIGN_OR_RETURN(bool more, inputs.next_block(w.block));
        if (!more) return false;
        if (!format_known && w.block.size() > 0) {
          engine.format_ = detect_format(w.block.line(0));  // the first row decides
          format_known = true;
        }
        w.raw_bytes = inputs.raw_bytes_read();
        return true;
      },
      [&](Work& w) { return engine.process(w, scratch.local()); },
      [&](Work& w) -> Status {
        BITMILL_RETURN_IF_ERROR(kept.write(w.kept));
        if (rejected) BITMILL_RETURN_IF_ERROR(rejected->write(w.rejected));
        add_counts(w, stats);
        if (progress) progress->update(stats.rows, w.raw_bytes);
        return Status::ok();
      });
  if (!run.is_ok()) return run;
  return stats;
}

}  // namespace bitmill::filter
