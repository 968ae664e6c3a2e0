#include "bitmill/text/tokenizer.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>

#include "bitmill/text/utf8.h"
#include "text/tokenizer_pipeline.h"

namespace bitmill::text {
namespace detail {
namespace {

using nlohmann::json;

// A tokenizer_config.json setting: absent or null gives `def`; anything but a boolean is an error.
Expected<std::optional<bool>> config_flag(const json& config, const char* key, std::optional<bool> def) {
  auto it = config.find(key);
  if (it == config.end() || it->is_null()) return def;
  if (!it->is_boolean()) return data_error(std::string(key) + ": expected true, false or null");
  return std::optional<bool>(it->get<bool>());
}

// A *_token setting: "[CLS]" or {"content": "[CLS]", ...} (AddedToken form).
Expected<std::string> config_token(const json& config, const char* key, const char* def) {
  auto it = config.find(key);
  if (it == config.end() || it->is_null()) return std::string(def);
  if (it->is_string()) return it->get<std::string>();
  if (it->is_object()) {
    auto c = it->find("content");
    if (c != it->end() && c->is_string()) return c->get<std::string>();
  }
  return data_error(std::string(key) + ": expected a string or {\"content\": ...}");
}

Expected<std::unique_ptr<Tokenizer>> build_bert(const std::string& vocab_text, const json& config, size_t max_length) {
  // vocab.txt: one token per line, the id is the line number; a repeated token keeps its last id,
  // as both transformers and tokenizers read it.
  if (const size_t bad = find_invalid_utf8(vocab_text); bad != std::string::npos) {
    return data_error("invalid UTF-8 at byte " + std::to_string(bad));
  }
  std::vector<std::pair<std::string, int32_t>> vocab;
  size_t line_start = 0;
  int32_t id = 0;
  while (line_start < vocab_text.size()) {
    size_t end = vocab_text.find('\n', line_start);
    const size_t next = end == std::string::npos ? vocab_text.size() : end + 1;
    if (end == std::string::npos) end = vocab_text.size();
    size_t stop = end;
    if (stop > line_start && vocab_text[stop - 1] == '\r') --stop;  // CRLF files
    vocab.emplace_back(vocab_text.substr(line_start, stop - line_start), id++);
    line_start = next;
  }

  if (!config.is_object()) return data_error("tokenizer_config.json: expected a JSON object");
  auto with_config = [](Status s) { return s.with_prefix("tokenizer_config.json"); };
  auto basic = config_flag(config, "do_basic_tokenize", true);
  if (!basic) return with_config(basic.status());
  if (!**basic) return with_config(data_error("do_basic_tokenize false is not supported"));
  auto lower = config_flag(config, "do_lower_case", true);
  if (!lower) return with_config(lower.status());
  auto strip = config_flag(config, "strip_accents", std::nullopt);
  if (!strip) return with_config(strip.status());
  auto chinese = config_flag(config, "tokenize_chinese_chars", true);
  if (!chinese) return with_config(chinese.status());

  PipelineConfig c;
  c.description = "vocab.txt (WordPiece)";
  std::string names[5];
  const char* keys[5][2] = {{"unk_token", "[UNK]"},
                            {"sep_token", "[SEP]"},
                            {"pad_token", "[PAD]"},
                            {"cls_token", "[CLS]"},
                            {"mask_token", "[MASK]"}};
  for (int i = 0; i < 5; ++i) {
    auto name = config_token(config, keys[i][0], keys[i][1]);
    if (!name) return with_config(name.status());
    names[i] = std::move(*name);
  }
  auto model = make_wordpiece(vocab, names[0], "##", 100);
  if (!model) return model.status();
  c.model = std::move(*model);
  // transformers would append a special token missing from vocab.txt as a new id past the
  // vocabulary, which no embedding row matches; such a token is left to WordPiece instead.
  for (const std::string& name : names) {
    const int32_t tid = c.model->token_to_id(name);
    if (tid >= 0) c.added_tokens.push_back(AddedToken{name, tid, false, false, false, false});
  }
  const int32_t cls = c.model->token_to_id(names[3]);
  const int32_t sep = c.model->token_to_id(names[1]);
  if (cls < 0) return data_error("cls_token '" + names[3] + "' is not in the vocabulary");
  if (sep < 0) return data_error("sep_token '" + names[1] + "' is not in the vocabulary");
  c.prefix = {cls};
  c.suffix = {sep};
  const int32_t pad = c.model->token_to_id(names[2]);
  c.pad_id = pad < 0 ? 0 : pad;
  c.normalizer = make_bert_normalizer(true, **chinese, strip->value_or(**lower), **lower);
  c.pre_tokenizer = make_bert_pre_tokenizer();
  return make_pipeline_tokenizer(std::move(c), max_length);
}

}  // namespace

Expected<std::unique_ptr<Tokenizer>> load_bert_vocab(const std::string& vocab_path, const std::string& config_path,
                                                     size_t max_length) {
  BITMILL_ASSIGN_OR_RETURN(const std::string text, read_text_file(vocab_path));
  json config = json::object();
  if (!config_path.empty()) {
    BITMILL_ASSIGN_OR_RETURN(const std::string ctext, read_text_file(config_path));
    config = json::parse(ctext, nullptr, /*allow_exceptions=*/false);
    if (config.is_discarded()) return data_error(config_path + ": malformed JSON");
  }
  auto t = build_bert(text, config, max_length);
  if (!t) return t.status().with_prefix(vocab_path);
  return t;
}

}  // namespace detail

Expected<std::unique_ptr<Tokenizer>> load_tokenizer(const std::string& model_dir, size_t max_length) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(model_dir, ec)) {
    if (!fs::exists(model_dir, ec)) return not_found(model_dir + ": no such directory");
    return invalid_argument(model_dir + ": not a directory");
  }
  auto present = [&](const char* name) {
    const std::string p = (fs::path(model_dir) / name).string();
    return fs::exists(p, ec) ? p : std::string();
  };
  const std::string config = present("tokenizer_config.json");
  if (const std::string p = present("tokenizer.json"); !p.empty()) {
    return detail::load_tokenizer_json(p, config, max_length);
  }
  if (const std::string p = present("sentencepiece.bpe.model"); !p.empty()) {
    return detail::load_sentencepiece_bpe(p, max_length);
  }
  if (const std::string p = present("vocab.txt"); !p.empty()) return detail::load_bert_vocab(p, config, max_length);
  return not_found(model_dir + ": no tokenizer.json, sentencepiece.bpe.model or vocab.txt");
}

}  // namespace bitmill::text
