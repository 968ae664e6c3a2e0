#include "bitmill/filter/filter_job.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "bitmill/base/progress.h"
#include "bitmill/base/summary.h"
#include "bitmill/filter/bitext_rules.h"
#include "bitmill/filter/lang_id.h"
#include "bitmill/filter/language.h"
#include "bitmill/filter/semantic.h"
#include "bitmill/filter/web_rules.h"
#include "bitmill/util/data_dir.h"
#include "filter/bitext_family.h"
#include "filter/lang_id_rule.h"

namespace bitmill::filter {

namespace {

// --model, --min-score and --margin, after the rule flags.
Status apply_semantic_flags(const FilterJobOptions& o, RuleConfig& config) {
  if (o.mode == FilterMode::kBitext) {
    if (!o.model.empty()) {
      BITMILL_RETURN_IF_ERROR(config.set_enabled("semantic", true));
      if (o.min_score)
        BITMILL_RETURN_IF_ERROR(config.set_param("semantic", "min-score", fmt::format("{}", *o.min_score)));
      if (o.margin) BITMILL_RETURN_IF_ERROR(config.set_param("semantic", "margin", "true"));
    } else if (o.min_score || o.margin) {
      return invalid_argument("--min-score and --margin need --model DIR");
    }
  } else if (!o.model.empty() || o.min_score || o.margin) {
    return invalid_argument("--model, --min-score and --margin apply to bitext, not --mono");
  }
  return Status::ok();
}

// A language of the table, or for a well-formed ISO 639-3 code the table lacks, a bare entry in
// `storage` with a warning: the script and lang-id rules then skip that side.
Expected<const Language*> lookup_language(const std::string& code, Language& storage, Log& log) {
  auto found = find_language(code);
  if (found) return found;
  // Only ISO 639-3: every ISO 639-1 code is in the table, so an unknown two-letter code is a typo.
  const bool well_formed =
      code.size() == 3 && std::all_of(code.begin(), code.end(), [](char c) { return c >= 'a' && c <= 'z'; });
  if (!well_formed) return found.status();
  log.warn("language '{}' is not in bitmill's language table: the script and lang-id rules skip its side", code);
  storage = Language{code, "", "", ""};
  return &storage;
}

// The language identifier: fastText's lid.176 when its model is found, else CLD2.
Expected<std::unique_ptr<LanguageIdentifier>> open_lid(const FilterJobOptions& o, Log& log) {
  if (o.lid == "cld2") return make_cld2_lid();
  std::string path = o.lid_model;
  if (path.empty()) {
    if (auto p = default_lid_model_path()) path = *p;
  }
  if (path.empty()) {
    if (o.lid == "fasttext") {
      return not_found(
          "no fastText model: pass --lid-model FILE or set BITMILL_LID_MODEL (scripts/install-deps.sh installs "
          "lid.176.ftz)");
    }
    log.warn("fastText's lid.176.ftz not found (--lid-model, BITMILL_LID_MODEL): language ID falls back to CLD2");
    return make_cld2_lid();
  }
  return open_fasttext_lid(path);
}

// The semantic model directory: "default" names the model bundled beside the program, as
// bitmill-embed's default (unless a directory of that name exists).
Expected<std::string> semantic_model_dir(const std::string& model) {
  if (model != "default" || std::filesystem::exists(model)) return model;
  auto dir = find_shared_data("models/default");
  if (!dir) return not_found("--model default: no bundled model beside the program (share/bitmill/models/default)");
  return *dir;
}

}  // namespace

Expected<RuleConfig> build_filter_config(const FilterJobOptions& o) {
  RuleConfig config(o.mode);
  if (!o.config.empty()) BITMILL_RETURN_IF_ERROR(config.load_yaml(o.config));
  for (const auto& s : o.sets) BITMILL_RETURN_IF_ERROR(config.set(s).with_prefix("--set"));
  for (const auto& r : o.disable) BITMILL_RETURN_IF_ERROR(config.set_enabled(r, false).with_prefix("--disable"));
  for (const auto& r : o.enable) BITMILL_RETURN_IF_ERROR(config.set_enabled(r, true).with_prefix("--enable"));
  BITMILL_RETURN_IF_ERROR(apply_semantic_flags(o, config));
  return config;
}

struct FilterJob::Parts {
  std::unique_ptr<LanguageIdentifier> lid;
  std::optional<BitextFilter> bitext;
  std::optional<WebFilter> web;
  std::unique_ptr<SemanticScorer> semantic;
  Language unknown[2];  // languages missing from the table (see lookup_language)
};

FilterJob::FilterJob(RuleConfig config) : config_(std::move(config)), parts_(std::make_unique<Parts>()) {}
FilterJob::~FilterJob() = default;

Expected<std::unique_ptr<FilterJob>> FilterJob::create(const FilterJobOptions& o, RuleConfig config, Log& log) {
  std::unique_ptr<FilterJob> job(new FilterJob(std::move(config)));
  FilterOptions& fo = job->opts_;
  fo.mode = o.mode;
  fo.all_reasons = o.all_reasons;
  fo.annotate = o.annotate || o.annotate_numbers;
  fo.annotate_numbers = o.annotate_numbers;
  BITMILL_RETURN_IF_ERROR(o.mode == FilterMode::kBitext ? job->build_bitext(o, log) : job->build_mono(o, log));
  if (job->parts_->lid) log.debug("language ID: {}", job->parts_->lid->engine());
  return job;
}

Status FilterJob::build_bitext(const FilterJobOptions& o, Log& log) {
  Parts& p = *parts_;
  if (o.src_lang.empty() || o.tgt_lang.empty()) return invalid_argument("bitext mode needs --src-lang and --tgt-lang");
  if (o.src_col < 1 || o.tgt_col < 1) return invalid_argument("--src-col and --tgt-col are 1-based");
  if (o.src_col == o.tgt_col) return invalid_argument("--src-col and --tgt-col name the same column");
  BITMILL_ASSIGN_OR_RETURN(const Language* src, lookup_language(o.src_lang, p.unknown[0], log));
  BITMILL_ASSIGN_OR_RETURN(const Language* tgt, lookup_language(o.tgt_lang, p.unknown[1], log));
  if (config_.enabled("lang-id") && o.lid != "none") {
    BITMILL_ASSIGN_OR_RETURN(p.lid, open_lid(o, log));
  } else if (config_.enabled("lang-id")) {
    BITMILL_RETURN_IF_ERROR(config_.set_enabled("lang-id", false));
  }
  BITMILL_ASSIGN_OR_RETURN(auto f, BitextFilter::create(config_, *src, *tgt, p.lid.get()));
  p.bitext.emplace(std::move(f));
  if (config_.enabled("semantic")) {
    if (o.model.empty()) return invalid_argument("the semantic rule needs --model DIR");
    BITMILL_ASSIGN_OR_RETURN(const std::string model, semantic_model_dir(o.model));
    const bitext::SemanticRule rule = bitext::semantic_rule(config_);
    BITMILL_ASSIGN_OR_RETURN(p.semantic, SemanticScorer::load(model, rule.margin, rule.k));
    opts_.semantic = p.semantic.get();
    opts_.min_score = rule.min_score;
  }
  opts_.bitext = &*p.bitext;
  opts_.columns_rule = config_.enabled("columns");
  opts_.src_col = o.src_col;
  opts_.tgt_col = o.tgt_col;
  return Status::ok();
}

Status FilterJob::build_mono(const FilterJobOptions& o, Log& log) {
  Parts& p = *parts_;
  if (!o.lang.empty()) {
    BITMILL_ASSIGN_OR_RETURN(opts_.mono_lang, find_language(o.lang));
  }
  if (o.lid != "none") {
    BITMILL_ASSIGN_OR_RETURN(p.lid, open_lid(o, log));
  }
  opts_.lid = p.lid.get();
  opts_.mono_lang_rule = config_.enabled("lang-id") && p.lid != nullptr;
  opts_.mono_min_prob = mono_lang_id_min_prob(config_, opts_.mono_lang);
  BITMILL_ASSIGN_OR_RETURN(auto f, WebFilter::create(config_));
  p.web.emplace(std::move(f));
  opts_.web = &*p.web;
  opts_.text_field = o.text_field;
  opts_.format = o.format == "jsonl" ? DocFormat::kJsonl : o.format == "text" ? DocFormat::kText : DocFormat::kAuto;
  return Status::ok();
}

std::vector<std::string> filter_summary(const FilterStats& st, FilterMode mode, double secs) {
  std::vector<std::string> lines;
  lines.push_back(
      in_kept_text(st.rows, mode == FilterMode::kMono ? "document" : "row", st.kept, st.rows - st.kept, "rejected") +
      time_rate_suffix(secs, st.bytes));
  std::string by_rule;
  for (size_t i = 0; i < st.rules.size(); ++i) {
    if (st.first[i] == 0) continue;
    by_rule += fmt::format("{}{} {}", by_rule.empty() ? "" : ", ", st.rules[i], st.first[i]);
  }
  if (!by_rule.empty()) lines.push_back("rejected by: " + by_rule);
  return lines;
}

}  // namespace bitmill::filter
