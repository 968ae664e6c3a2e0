// tokenizer.json (Hugging Face tokenizers' serialisation) -> PipelineConfig. The JSON is parsed
// without exceptions and every field is type-checked, so a malformed file gives an error naming
// the field ("tokenizer.json: model.vocab[12]: expected [string, number]") instead of a throw.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <string_view>

#include "bitmill/text/utf8.h"
#include "text/tokenizer_pipeline.h"

namespace bitmill::text::detail {
namespace {

using nlohmann::json;

Status field_error(const std::string& where, const std::string& what) {
  return data_error((where.empty() ? std::string() : where + ": ") + what);
}

std::string join(const std::string& where, std::string_view key) {
  return where.empty() ? std::string(key) : where + "." + std::string(key);
}

// Member `key` of object `o`, or nullptr when absent or null.
const json* member(const json& o, std::string_view key) {
  if (!o.is_object()) return nullptr;
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) return nullptr;
  return &*it;
}

Expected<bool> get_bool(const json& o, std::string_view key, bool def, const std::string& where) {
  const json* v = member(o, key);
  if (!v) return def;
  if (!v->is_boolean()) return field_error(join(where, key), "expected true or false");
  return v->get<bool>();
}

Expected<std::string> get_string(const json& o, std::string_view key, const std::string& where) {
  const json* v = member(o, key);
  if (!v || !v->is_string()) return field_error(join(where, key), "expected a string");
  return v->get<std::string>();
}

Expected<int64_t> get_int(const json& o, std::string_view key, const std::string& where) {
  const json* v = member(o, key);
  if (!v || !v->is_number_integer()) return field_error(join(where, key), "expected an integer");
  return v->get<int64_t>();
}

Expected<int32_t> to_id(int64_t v, const std::string& where) {
  if (v < 0 || v > INT32_MAX) return field_error(where, "id " + std::to_string(v) + " out of range");
  return static_cast<int32_t>(v);
}

Expected<std::string> type_of(const json& o, const std::string& where) {
  if (!o.is_object()) return field_error(where, "expected an object");
  return get_string(o, "type", where);
}

Status unsupported(const std::string& where, const std::string& kind, const std::string& type, const char* supported) {
  return field_error(where, "unsupported " + kind + " type '" + type + "' (supported: " + supported + ")");
}

// A single UTF-8 character, possibly escaped with a backslash, then "+" or "{n,}".
bool parse_run_regex(const std::string& re, std::string& unit, size_t& min_run) {
  size_t pos = 0;
  if (re.empty()) return false;
  if (re[0] == '\\') {
    if (re.size() < 2 || std::string_view(".^$|?*+()[]{}\\/ ").find(re[1]) == std::string_view::npos) return false;
    unit.assign(1, re[1]);
    pos = 2;
  } else {
    const auto b = static_cast<unsigned char>(re[0]);
    const size_t len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    if (len > re.size() || std::string_view(".^$|?*+()[]{}").find(re[0]) != std::string_view::npos) return false;
    unit = re.substr(0, len);
    pos = len;
  }
  const std::string_view q = std::string_view(re).substr(pos);
  if (q == "+") {
    min_run = 1;
    return true;
  }
  if (q.size() >= 4 && q.front() == '{' && q.substr(q.size() - 2) == ",}") {
    const std::string_view digits = q.substr(1, q.size() - 3);
    if (digits.empty() || digits.size() > 6 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return false;
    }
    min_run = std::stoul(std::string(digits));
    return min_run >= 1;
  }
  return false;
}

Expected<std::unique_ptr<NormalizerStep>> parse_replace(const json& j, const std::string& where) {
  BITMILL_ASSIGN_OR_RETURN(std::string content, get_string(j, "content", where));
  const json* pattern = member(j, "pattern");
  const std::string pwhere = join(where, "pattern");
  if (!pattern || !pattern->is_object()) return field_error(pwhere, "expected {\"String\": ...} or {\"Regex\": ...}");
  if (const json* lit = member(*pattern, "String")) {
    if (!lit->is_string() || lit->get_ref<const std::string&>().empty()) {
      return field_error(pwhere, "expected a non-empty string");
    }
    return make_replace_literal(lit->get<std::string>(), std::move(content));
  }
  if (const json* re = member(*pattern, "Regex")) {
    if (!re->is_string()) return field_error(pwhere, "expected a string");
    const std::string& r = re->get_ref<const std::string&>();
    if (!r.empty() && r.find_first_of(".^$|?*+()[]{}\\") == std::string::npos) return make_replace_literal(r, content);
    std::string unit;
    size_t min_run = 0;
    if (parse_run_regex(r, unit, min_run)) return make_replace_run(std::move(unit), min_run, std::move(content));
    return field_error(
        pwhere, "unsupported Replace regex '" + r + "' (supported: a literal, or one character followed by + or {n,})");
  }
  return field_error(pwhere, "expected {\"String\": ...} or {\"Regex\": ...}");
}

// Precompiled's charsmap: standard base64, as serde writes Vec<u8> for tokenizers.
Expected<std::unique_ptr<NormalizerStep>> parse_precompiled(const json& j, const std::string& where) {
  BITMILL_ASSIGN_OR_RETURN(const std::string b64, get_string(j, "precompiled_charsmap", where));
  std::string blob;
  blob.reserve(b64.size() / 4 * 3);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : b64) {
    int v;
    if (c >= 'A' && c <= 'Z') {
      v = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      v = c - 'a' + 26;
    } else if (c >= '0' && c <= '9') {
      v = c - '0' + 52;
    } else if (c == '+') {
      v = 62;
    } else if (c == '/') {
      v = 63;
    } else if (c == '=') {
      break;
    } else {
      return field_error(join(where, "precompiled_charsmap"), "invalid base64");
    }
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      blob.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  auto map = PrecompiledCharsmap::parse(blob);
  if (!map) return map.status().with_prefix(join(where, "precompiled_charsmap"));
  return make_precompiled(std::move(*map));
}

// The steps of a "Sequence" (its array `key`), each parsed by `parse`, joined by `make`.
template <typename Step, typename Parse, typename Make>
Expected<std::unique_ptr<Step>> parse_sequence(const json& j, const std::string& where, const char* key, Parse parse,
                                               Make make) {
  const json* list = member(j, key);
  if (!list || !list->is_array()) return field_error(join(where, key), "expected an array");
  std::vector<std::unique_ptr<Step>> steps;
  for (size_t i = 0; i < list->size(); ++i) {
    BITMILL_ASSIGN_OR_RETURN(auto step, parse((*list)[i], join(where, key) + "[" + std::to_string(i) + "]"));
    steps.push_back(std::move(step));
  }
  return make(std::move(steps));
}

Expected<std::unique_ptr<NormalizerStep>> parse_normalizer(const json& j, const std::string& where) {
  BITMILL_ASSIGN_OR_RETURN(const std::string type, type_of(j, where));
  if (type == "BertNormalizer") {
    BITMILL_ASSIGN_OR_RETURN(const bool clean, get_bool(j, "clean_text", true, where));
    BITMILL_ASSIGN_OR_RETURN(const bool chinese, get_bool(j, "handle_chinese_chars", true, where));
    BITMILL_ASSIGN_OR_RETURN(const bool lower, get_bool(j, "lowercase", true, where));
    BITMILL_ASSIGN_OR_RETURN(const bool strip, get_bool(j, "strip_accents", lower, where));  // null follows lowercase
    return make_bert_normalizer(clean, chinese, strip, lower);
  }
  if (type == "NFC") return make_unicode_normalizer(UnicodeForm::kNfc);
  if (type == "NFD") return make_unicode_normalizer(UnicodeForm::kNfd);
  if (type == "NFKC") return make_unicode_normalizer(UnicodeForm::kNfkc);
  if (type == "NFKD") return make_unicode_normalizer(UnicodeForm::kNfkd);
  if (type == "Lowercase") return make_lowercase();
  if (type == "StripAccents") return make_strip_accents();
  if (type == "Strip") {
    BITMILL_ASSIGN_OR_RETURN(const bool left, get_bool(j, "strip_left", true, where));
    BITMILL_ASSIGN_OR_RETURN(const bool right, get_bool(j, "strip_right", true, where));
    return make_strip(left, right);
  }
  if (type == "Prepend") {
    BITMILL_ASSIGN_OR_RETURN(std::string prefix, get_string(j, "prepend", where));
    return make_prepend(std::move(prefix));
  }
  if (type == "Replace") return parse_replace(j, where);
  if (type == "Precompiled") return parse_precompiled(j, where);
  if (type == "Sequence") {
    return parse_sequence<NormalizerStep>(j, where, "normalizers", parse_normalizer, make_normalizer_sequence);
  }
  return unsupported(where, "normalizer", type,
                     "BertNormalizer, Precompiled, NFC, NFD, NFKC, NFKD, Lowercase, StripAccents, Strip, Prepend, "
                     "Replace, Sequence");
}

Expected<std::unique_ptr<PreTokenizerStep>> parse_pre_tokenizer(const json& j, const std::string& where) {
  BITMILL_ASSIGN_OR_RETURN(const std::string type, type_of(j, where));
  if (type == "BertPreTokenizer") return make_bert_pre_tokenizer();
  if (type == "WhitespaceSplit") return make_whitespace_split();
  if (type == "Metaspace") {
    BITMILL_ASSIGN_OR_RETURN(std::string rep, get_string(j, "replacement", where));
    if (utf8_length(rep) != 1) return field_error(join(where, "replacement"), "expected one character");
    PrependScheme scheme;
    if (const json* ps = member(j, "prepend_scheme")) {
      if (!ps->is_string()) return field_error(join(where, "prepend_scheme"), "expected a string");
      const std::string& s = ps->get_ref<const std::string&>();
      if (s == "always") {
        scheme = PrependScheme::kAlways;
      } else if (s == "first") {
        scheme = PrependScheme::kFirst;
      } else if (s == "never") {
        scheme = PrependScheme::kNever;
      } else {
        return field_error(join(where, "prepend_scheme"), "expected always, first or never, not '" + s + "'");
      }
    } else {
      // The spelling before prepend_scheme existed.
      BITMILL_ASSIGN_OR_RETURN(const bool add_prefix_space, get_bool(j, "add_prefix_space", true, where));
      scheme = add_prefix_space ? PrependScheme::kAlways : PrependScheme::kNever;
    }
    BITMILL_ASSIGN_OR_RETURN(const bool split, get_bool(j, "split", true, where));
    return make_metaspace(std::move(rep), scheme, split);
  }
  if (type == "Sequence") {
    return parse_sequence<PreTokenizerStep>(j, where, "pretokenizers", parse_pre_tokenizer,
                                            make_pre_tokenizer_sequence);
  }
  return unsupported(where, "pre_tokenizer", type, "BertPreTokenizer, WhitespaceSplit, Metaspace, Sequence");
}

Expected<std::unique_ptr<Model>> parse_model(const json& j, const std::string& where) {
  if (!j.is_object()) return field_error(where, "expected an object");
  std::string type;
  if (const json* t = member(j, "type")) {
    if (!t->is_string()) return field_error(join(where, "type"), "expected a string");
    type = t->get<std::string>();
  } else {
    // Files written before models were tagged: tell them apart by their fields, as tokenizers does.
    const json* vocab = member(j, "vocab");
    if (member(j, "merges")) {
      type = "BPE";
    } else if (vocab && vocab->is_array()) {
      type = "Unigram";
    } else if (member(j, "continuing_subword_prefix") || member(j, "max_input_chars_per_word")) {
      type = "WordPiece";
    } else {
      type = "WordLevel";
    }
  }
  if (type == "WordPiece") {
    const json* vocab = member(j, "vocab");
    if (!vocab || !vocab->is_object()) return field_error(join(where, "vocab"), "expected an object of ids");
    std::vector<std::pair<std::string, int32_t>> entries;
    entries.reserve(vocab->size());
    for (const auto& [token, id] : vocab->items()) {
      if (!id.is_number_integer()) return field_error(join(where, "vocab") + "['" + token + "']", "expected an id");
      BITMILL_ASSIGN_OR_RETURN(const int32_t v, to_id(id.get<int64_t>(), join(where, "vocab") + "['" + token + "']"));
      entries.emplace_back(token, v);
    }
    std::string unk = "[UNK]", prefix = "##";
    if (member(j, "unk_token")) {
      BITMILL_ASSIGN_OR_RETURN(unk, get_string(j, "unk_token", where));
    }
    if (member(j, "continuing_subword_prefix")) {
      BITMILL_ASSIGN_OR_RETURN(prefix, get_string(j, "continuing_subword_prefix", where));
    }
    int64_t max_chars = 100;
    if (member(j, "max_input_chars_per_word")) {
      BITMILL_ASSIGN_OR_RETURN(max_chars, get_int(j, "max_input_chars_per_word", where));
    }
    if (max_chars < 0) return field_error(join(where, "max_input_chars_per_word"), "must not be negative");
    auto m = make_wordpiece(entries, unk, prefix, static_cast<size_t>(max_chars));
    if (!m) return m.status().with_prefix(where);
    return m;
  }
  if (type == "Unigram") {
    const json* vocab = member(j, "vocab");
    if (!vocab || !vocab->is_array()) return field_error(join(where, "vocab"), "expected an array of [piece, score]");
    std::vector<std::pair<std::string, double>> entries;
    entries.reserve(vocab->size());
    for (size_t i = 0; i < vocab->size(); ++i) {
      const json& e = (*vocab)[i];
      if (!e.is_array() || e.size() != 2 || !e[0].is_string() || !e[1].is_number()) {
        return field_error(join(where, "vocab") + "[" + std::to_string(i) + "]", "expected [string, number]");
      }
      entries.emplace_back(e[0].get<std::string>(), e[1].get<double>());
    }
    if (!member(j, "unk_id"))
      return field_error(join(where, "unk_id"), "a Unigram model without unk_id is not supported");
    BITMILL_ASSIGN_OR_RETURN(const int64_t unk, get_int(j, "unk_id", where));
    BITMILL_ASSIGN_OR_RETURN(const bool byte_fallback, get_bool(j, "byte_fallback", false, where));
    if (unk < 0 || unk > INT32_MAX) return field_error(join(where, "unk_id"), "out of range");
    auto m = make_unigram(entries, static_cast<int32_t>(unk), byte_fallback);
    if (!m) return m.status().with_prefix(where);
    return m;
  }
  return unsupported(where, "model", type, "WordPiece, Unigram");
}

// Special token "[NAME, id]" of BertProcessing / RobertaProcessing.
Expected<int32_t> special_pair(const json& j, std::string_view key, const std::string& where) {
  const json* v = member(j, key);
  if (!v || !v->is_array() || v->size() != 2 || !(*v)[0].is_string() || !(*v)[1].is_number_integer()) {
    return field_error(join(where, key), "expected [string, id]");
  }
  return to_id((*v)[1].get<int64_t>(), join(where, key));
}

Status parse_post_processor(const json& j, const std::string& where, PipelineConfig& c) {
  BITMILL_ASSIGN_OR_RETURN(const std::string type, type_of(j, where));
  if (type == "BertProcessing" || type == "RobertaProcessing") {
    BITMILL_ASSIGN_OR_RETURN(const int32_t cls, special_pair(j, "cls", where));
    BITMILL_ASSIGN_OR_RETURN(const int32_t sep, special_pair(j, "sep", where));
    c.prefix = {cls};
    c.suffix = {sep};
    return Status::ok();
  }
  if (type == "TemplateProcessing") {
    const json* single = member(j, "single");
    const std::string swhere = join(where, "single");
    if (!single || !single->is_array()) return field_error(swhere, "expected an array");
    const json* specials = member(j, "special_tokens");
    bool seen_a = false;
    for (size_t i = 0; i < single->size(); ++i) {
      const std::string iwhere = swhere + "[" + std::to_string(i) + "]";
      const json& piece = (*single)[i];
      if (const json* seq = member(piece, "Sequence")) {
        BITMILL_ASSIGN_OR_RETURN(const std::string id, get_string(*seq, "id", iwhere + ".Sequence"));
        if (id != "A" || seen_a) return field_error(iwhere, "only one $A sequence is supported in a single template");
        seen_a = true;
        continue;
      }
      const json* sp = member(piece, "SpecialToken");
      if (!sp) return field_error(iwhere, "expected Sequence or SpecialToken");
      BITMILL_ASSIGN_OR_RETURN(const std::string name, get_string(*sp, "id", iwhere + ".SpecialToken"));
      const json* def = specials ? member(*specials, name) : nullptr;
      const json* ids = def ? member(*def, "ids") : nullptr;
      if (!ids || !ids->is_array()) {
        return field_error(join(where, "special_tokens"), "no ids for special token '" + name + "'");
      }
      for (const json& id : *ids) {
        if (!id.is_number_integer()) return field_error(join(where, "special_tokens") + "." + name, "expected ids");
        BITMILL_ASSIGN_OR_RETURN(const int32_t v, to_id(id.get<int64_t>(), join(where, "special_tokens") + "." + name));
        (seen_a ? c.suffix : c.prefix).push_back(v);
      }
    }
    if (!seen_a) return field_error(swhere, "the template has no $A sequence");
    return Status::ok();
  }
  return unsupported(where, "post_processor", type, "TemplateProcessing, BertProcessing, RobertaProcessing");
}

Expected<std::vector<AddedToken>> parse_added_tokens(const json& j) {
  std::vector<AddedToken> out;
  if (j.is_null()) return out;
  if (!j.is_array()) return field_error("added_tokens", "expected an array");
  for (size_t i = 0; i < j.size(); ++i) {
    const std::string where = "added_tokens[" + std::to_string(i) + "]";
    const json& t = j[i];
    if (!t.is_object()) return field_error(where, "expected an object");
    AddedToken a;
    BITMILL_ASSIGN_OR_RETURN(a.content, get_string(t, "content", where));
    BITMILL_ASSIGN_OR_RETURN(const int64_t id, get_int(t, "id", where));
    BITMILL_ASSIGN_OR_RETURN(a.id, to_id(id, join(where, "id")));
    BITMILL_ASSIGN_OR_RETURN(const bool special, get_bool(t, "special", false, where));
    BITMILL_ASSIGN_OR_RETURN(a.single_word, get_bool(t, "single_word", false, where));
    BITMILL_ASSIGN_OR_RETURN(a.lstrip, get_bool(t, "lstrip", false, where));
    BITMILL_ASSIGN_OR_RETURN(a.rstrip, get_bool(t, "rstrip", false, where));
    BITMILL_ASSIGN_OR_RETURN(a.normalized, get_bool(t, "normalized", !special, where));
    out.push_back(std::move(a));
  }
  return out;
}

// The pad token named in tokenizer_config.json ("pad_token": "<pad>" or {"content": "<pad>"}).
std::string config_token(const json& config, std::string_view key) {
  const json* v = member(config, key);
  if (!v) return {};
  if (v->is_string()) return v->get<std::string>();
  if (const json* c = member(*v, "content"); c && c->is_string()) return c->get<std::string>();
  return {};
}

Expected<json> parse_json_file(const std::string& path) {
  BITMILL_ASSIGN_OR_RETURN(const std::string text, read_text_file(path));
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return data_error(path + ": malformed JSON");
  return j;
}

Expected<std::unique_ptr<Tokenizer>> build_from_json(const json& j, const json& config, size_t max_length) {
  if (!j.is_object()) return data_error("expected a JSON object");
  PipelineConfig c;
  const json* model = member(j, "model");
  if (!model) return field_error("model", "missing");
  BITMILL_ASSIGN_OR_RETURN(c.model, parse_model(*model, "model"));
  c.description = "tokenizer.json (" + std::string(c.model->name()) + ")";
  if (const json* n = member(j, "normalizer")) {
    BITMILL_ASSIGN_OR_RETURN(c.normalizer, parse_normalizer(*n, "normalizer"));
  }
  if (const json* p = member(j, "pre_tokenizer")) {
    BITMILL_ASSIGN_OR_RETURN(c.pre_tokenizer, parse_pre_tokenizer(*p, "pre_tokenizer"));
  }
  if (const json* p = member(j, "post_processor")) {
    BITMILL_RETURN_IF_ERROR(parse_post_processor(*p, "post_processor", c));
  }
  if (const json* a = member(j, "added_tokens")) {
    BITMILL_ASSIGN_OR_RETURN(c.added_tokens, parse_added_tokens(*a));
  }
  // Pad id: the padding section, else the pad token of tokenizer_config.json, else the usual names.
  auto lookup = [&](const std::string& token) -> int32_t {
    if (token.empty()) return -1;
    for (const AddedToken& a : c.added_tokens) {
      if (a.content == token) return c.model->token_to_id(token) >= 0 ? c.model->token_to_id(token) : a.id;
    }
    return c.model->token_to_id(token);
  };
  int32_t pad = -1;
  if (const json* padding = member(j, "padding"); padding && member(*padding, "pad_id")) {
    BITMILL_ASSIGN_OR_RETURN(const int64_t id, get_int(*padding, "pad_id", "padding"));
    BITMILL_ASSIGN_OR_RETURN(pad, to_id(id, "padding.pad_id"));
  }
  for (const std::string& name : {config_token(config, "pad_token"), std::string("[PAD]"), std::string("<pad>")}) {
    if (pad < 0) pad = lookup(name);
  }
  c.pad_id = pad < 0 ? 0 : pad;
  return make_pipeline_tokenizer(std::move(c), max_length);
}

}  // namespace

Expected<std::unique_ptr<Tokenizer>> load_tokenizer_json(const std::string& path, const std::string& config_path,
                                                         size_t max_length) {
  BITMILL_ASSIGN_OR_RETURN(const json j, parse_json_file(path));
  json config = json::object();
  if (!config_path.empty()) {
    BITMILL_ASSIGN_OR_RETURN(config, parse_json_file(config_path));
  }
  auto t = build_from_json(j, config, max_length);
  if (!t) return t.status().with_prefix(path);
  return t;
}

}  // namespace bitmill::text::detail
