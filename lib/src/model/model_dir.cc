#include "bitmill/model/model_dir.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace bitmill::model {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

Expected<json> read_json(const std::string& path) {
  std::ifstream f(path);
  if (!f) return not_found(path + ": cannot open");
  std::stringstream ss;
  ss << f.rdbuf();
  json j = json::parse(ss.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return data_error(path + ": not valid JSON");
  return j;
}

Expected<size_t> get_size(const json& j, const char* key, const std::string& path) {
  if (!j.contains(key) || !j[key].is_number_unsigned() || j[key].get<uint64_t>() == 0) {
    return data_error(path + ": needs a positive integer '" + key + "'");
  }
  return static_cast<size_t>(j[key].get<uint64_t>());
}

Expected<TransformerConfig> read_config(const std::string& path) {
  BITMILL_ASSIGN_OR_RETURN(json j, read_json(path));
  TransformerConfig c;
  const std::string type = j.value("model_type", "");
  if (type == "bert")
    c.arch = Arch::kBert;
  else if (type == "xlm-roberta" || type == "roberta")
    c.arch = Arch::kXlmRoberta;
  else
    return data_error(path + ": model_type '" + type + "' is not supported (bert, xlm-roberta)");
  BITMILL_ASSIGN_OR_RETURN(c.vocab_size, get_size(j, "vocab_size", path));
  BITMILL_ASSIGN_OR_RETURN(c.hidden, get_size(j, "hidden_size", path));
  BITMILL_ASSIGN_OR_RETURN(c.layers, get_size(j, "num_hidden_layers", path));
  BITMILL_ASSIGN_OR_RETURN(c.heads, get_size(j, "num_attention_heads", path));
  BITMILL_ASSIGN_OR_RETURN(c.intermediate, get_size(j, "intermediate_size", path));
  BITMILL_ASSIGN_OR_RETURN(c.max_positions, get_size(j, "max_position_embeddings", path));
  c.type_vocab = j.value("type_vocab_size", size_t{2});
  c.layer_norm_eps = j.value("layer_norm_eps", 1e-12f);
  c.pad_id = j.value("pad_token_id", c.arch == Arch::kXlmRoberta ? 1 : 0);
  const std::string act = j.value("hidden_act", "gelu");
  if (act != "gelu") return data_error(path + ": hidden_act '" + act + "' is not supported (gelu)");
  if (c.hidden % c.heads != 0) return data_error(path + ": hidden_size is not a multiple of num_attention_heads");
  const std::string pos = j.value("position_embedding_type", "absolute");
  if (pos != "absolute") return data_error(path + ": position_embedding_type '" + pos + "' is not supported");
  return c;
}

Expected<Pooling> read_pooling(const std::string& path) {
  BITMILL_ASSIGN_OR_RETURN(json j, read_json(path));
  const bool cls = j.value("pooling_mode_cls_token", false);
  const bool mean = j.value("pooling_mode_mean_tokens", false);
  const bool other = j.value("pooling_mode_max_tokens", false) || j.value("pooling_mode_mean_sqrt_len_tokens", false) ||
                     j.value("pooling_mode_weightedmean_tokens", false) || j.value("pooling_mode_lasttoken", false);
  if (cls + mean != 1 || other) return data_error(path + ": only one of cls or mean pooling is supported");
  return cls ? Pooling::kCls : Pooling::kMean;
}

Expected<DenseSpec> read_dense(const std::string& dir) {
  const std::string path = dir + "/config.json";
  BITMILL_ASSIGN_OR_RETURN(json j, read_json(path));
  DenseSpec d;
  d.dir = dir;
  BITMILL_ASSIGN_OR_RETURN(d.in, get_size(j, "in_features", path));
  BITMILL_ASSIGN_OR_RETURN(d.out, get_size(j, "out_features", path));
  d.bias = j.value("bias", true);
  const std::string act = j.value("activation_function", "torch.nn.modules.linear.Identity");
  if (act.ends_with("Tanh"))
    d.activation = Activation::kTanh;
  else if (act.ends_with("Identity"))
    d.activation = Activation::kIdentity;
  else
    return data_error(path + ": activation_function '" + act + "' is not supported (Tanh, Identity)");
  return d;
}

}  // namespace

size_t max_model_length(const TransformerConfig& c) {
  if (c.arch == Arch::kXlmRoberta) {
    const size_t reserved = static_cast<size_t>(c.pad_id) + 1;
    return c.max_positions > reserved ? c.max_positions - reserved : 0;
  }
  return c.max_positions;
}

Expected<ModelSpec> read_model_dir(const std::string& dir) {
  if (!fs::is_directory(dir)) return not_found(dir + ": model directory not found");
  ModelSpec spec;
  spec.dir = dir;
  spec.transformer_dir = dir;
  const std::string modules_path = dir + "/modules.json";
  if (fs::exists(modules_path)) {
    BITMILL_ASSIGN_OR_RETURN(json mods, read_json(modules_path));
    if (!mods.is_array()) return data_error(modules_path + ": expected a list of modules");
    bool have_transformer = false, have_pooling = false, have_static = false;
    for (const auto& m : mods) {
      const std::string type = m.value("type", "");
      const std::string sub = m.value("path", "");
      const std::string mdir = sub.empty() ? dir : dir + "/" + sub;
      if (type.ends_with(".Transformer")) {
        spec.transformer_dir = mdir;
        have_transformer = true;
      } else if (type.ends_with(".StaticEmbedding")) {
        spec.is_static = true;
        spec.static_dir = mdir;
        have_static = true;
      } else if (type.ends_with(".Pooling")) {
        BITMILL_ASSIGN_OR_RETURN(spec.pooling, read_pooling(mdir + "/config.json"));
        have_pooling = true;
      } else if (type.ends_with(".Dense")) {
        BITMILL_ASSIGN_OR_RETURN(DenseSpec d, read_dense(mdir));
        spec.dense.push_back(std::move(d));
      } else if (type.ends_with(".Normalize")) {
        spec.normalize = true;
      } else {
        return data_error(modules_path + ": module type '" + type + "' is not supported");
      }
    }
    if (have_static) {
      if (have_transformer || have_pooling || !spec.dense.empty()) {
        return data_error(modules_path + ": a StaticEmbedding model may only be followed by Normalize");
      }
      return spec;
    }
    if (!have_transformer) return data_error(modules_path + ": no Transformer module");
    if (!have_pooling) return data_error(modules_path + ": no Pooling module");
  }
  BITMILL_ASSIGN_OR_RETURN(spec.config, read_config(spec.transformer_dir + "/config.json"));
  for (const std::string& p :
       {spec.transformer_dir + "/sentence_bert_config.json", dir + "/sentence_bert_config.json"}) {
    if (fs::exists(p)) {
      BITMILL_ASSIGN_OR_RETURN(json sb, read_json(p));
      spec.max_seq_length = sb.value("max_seq_length", size_t{0});
      break;
    }
  }
  size_t width = spec.config.hidden;
  for (const auto& d : spec.dense) {
    if (d.in != width) {
      return data_error(d.dir + "/config.json: in_features " + std::to_string(d.in) + " does not match the " +
                        std::to_string(width) + " features before it");
    }
    width = d.out;
  }
  return spec;
}

}  // namespace bitmill::model
