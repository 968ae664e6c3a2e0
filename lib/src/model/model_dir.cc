#include "bitmill/model/model_dir.h"

#include <filesystem>

#include "model/json_fields.h"

namespace bitmill::model {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace json_fields;

Status read_sizes(const json& j, const std::string& path, TransformerConfig& c) {
  BITMILL_ASSIGN_OR_RETURN(c.vocab_size, get_size(j, "vocab_size", path));
  BITMILL_ASSIGN_OR_RETURN(c.hidden, get_size(j, "hidden_size", path));
  BITMILL_ASSIGN_OR_RETURN(c.layers, get_size(j, "num_hidden_layers", path));
  BITMILL_ASSIGN_OR_RETURN(c.heads, get_size(j, "num_attention_heads", path));
  BITMILL_ASSIGN_OR_RETURN(c.intermediate, get_size(j, "intermediate_size", path));
  BITMILL_ASSIGN_OR_RETURN(c.max_positions, get_size(j, "max_position_embeddings", path));
  BITMILL_ASSIGN_OR_RETURN(c.type_vocab, get_count(j, "type_vocab_size", 2, path));
  if (c.hidden % c.heads != 0) return data_error(path + ": hidden_size is not a multiple of num_attention_heads");
  return Status::ok();
}

Expected<TransformerConfig> read_config(const std::string& path) {
  BITMILL_ASSIGN_OR_RETURN(json j, read_json_object(path));
  TransformerConfig c;
  BITMILL_ASSIGN_OR_RETURN(const std::string type, get_string(j, "model_type", "", path));
  if (type == "bert")
    c.arch = Arch::kBert;
  else if (type == "xlm-roberta" || type == "roberta")
    c.arch = Arch::kXlmRoberta;
  else
    return data_error(path + ": model_type '" + type + "' is not supported (bert, xlm-roberta)");
  BITMILL_RETURN_IF_ERROR(read_sizes(j, path, c));
  if (const json* eps = member(j, "layer_norm_eps")) {
    if (!eps->is_number()) return field_error(path, "layer_norm_eps", "a number", *eps);
    const double eps_value = eps->get<double>();
    if (!(eps_value > 0 && eps_value < 1)) return data_error(path + ": 'layer_norm_eps' must be between 0 and 1");
    c.layer_norm_eps = static_cast<float>(eps_value);
  }
  // XLM-R's positions start after the pad id, so it must be a small count, not any integer.
  BITMILL_ASSIGN_OR_RETURN(const uint64_t pad, get_count(j, "pad_token_id", c.arch == Arch::kXlmRoberta ? 1 : 0, path));
  if (pad >= c.vocab_size)
    return data_error(path + ": pad_token_id " + std::to_string(pad) + " is not below vocab_size");
  c.pad_id = static_cast<int32_t>(pad);
  BITMILL_ASSIGN_OR_RETURN(const std::string act, get_string(j, "hidden_act", "gelu", path));
  if (act != "gelu") return data_error(path + ": hidden_act '" + act + "' is not supported (gelu)");
  BITMILL_ASSIGN_OR_RETURN(const std::string pos, get_string(j, "position_embedding_type", "absolute", path));
  if (pos != "absolute") return data_error(path + ": position_embedding_type '" + pos + "' is not supported");
  return c;
}

Expected<Pooling> read_pooling(const std::string& path) {
  BITMILL_ASSIGN_OR_RETURN(json j, read_json_object(path));
  BITMILL_ASSIGN_OR_RETURN(const bool cls, get_bool(j, "pooling_mode_cls_token", false, path));
  BITMILL_ASSIGN_OR_RETURN(const bool mean, get_bool(j, "pooling_mode_mean_tokens", false, path));
  bool other = false;
  for (const char* key : {"pooling_mode_max_tokens", "pooling_mode_mean_sqrt_len_tokens",
                          "pooling_mode_weightedmean_tokens", "pooling_mode_lasttoken"}) {
    BITMILL_ASSIGN_OR_RETURN(const bool on, get_bool(j, key, false, path));
    other = other || on;
  }
  if (cls + mean != 1 || other) return data_error(path + ": only one of cls or mean pooling is supported");
  return cls ? Pooling::kCls : Pooling::kMean;
}

Expected<DenseSpec> read_dense(const std::string& dir) {
  const std::string path = dir + "/config.json";
  BITMILL_ASSIGN_OR_RETURN(json j, read_json_object(path));
  DenseSpec d;
  d.dir = dir;
  BITMILL_ASSIGN_OR_RETURN(d.in, get_size(j, "in_features", path));
  BITMILL_ASSIGN_OR_RETURN(d.out, get_size(j, "out_features", path));
  BITMILL_ASSIGN_OR_RETURN(d.bias, get_bool(j, "bias", true, path));
  BITMILL_ASSIGN_OR_RETURN(const std::string act,
                           get_string(j, "activation_function", "torch.nn.modules.linear.Identity", path));
  if (act.ends_with("Tanh"))
    d.activation = Activation::kTanh;
  else if (act.ends_with("Identity"))
    d.activation = Activation::kIdentity;
  else
    return data_error(path + ": activation_function '" + act + "' is not supported (Tanh, Identity)");
  return d;
}

// One entry of modules.json into `spec`; `seen` collects the module kinds met so far.
struct SeenModules {
  bool transformer = false, pooling = false, is_static = false;
};

Status read_module(const json& m, size_t i, const std::string& modules_path, ModelSpec& spec, SeenModules& seen) {
  const std::string where = modules_path + ": module " + std::to_string(i);
  if (!m.is_object()) return data_error(where + ": expected an object, not " + json_kind(m));
  BITMILL_ASSIGN_OR_RETURN(const std::string type, get_string(m, "type", "", where));
  BITMILL_ASSIGN_OR_RETURN(const std::string sub, get_string(m, "path", "", where));
  const std::string mdir = sub.empty() ? spec.dir : spec.dir + "/" + sub;
  if (type.ends_with(".Transformer")) {
    spec.transformer_dir = mdir;
    seen.transformer = true;
  } else if (type.ends_with(".StaticEmbedding")) {
    spec.is_static = true;
    spec.static_dir = mdir;
    seen.is_static = true;
  } else if (type.ends_with(".Pooling")) {
    BITMILL_ASSIGN_OR_RETURN(spec.pooling, read_pooling(mdir + "/config.json"));
    seen.pooling = true;
  } else if (type.ends_with(".Dense")) {
    BITMILL_ASSIGN_OR_RETURN(DenseSpec d, read_dense(mdir));
    spec.dense.push_back(std::move(d));
  } else if (type.ends_with(".Normalize")) {
    spec.normalize = true;
  } else {
    return data_error(modules_path + ": module type '" + type + "' is not supported");
  }
  return Status::ok();
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
  std::error_code ec;  // the error_code overloads: the throwing ones would let an exception out
  if (!fs::is_directory(dir, ec)) return not_found(dir + ": model directory not found");
  ModelSpec spec;
  spec.dir = dir;
  spec.transformer_dir = dir;
  const std::string modules_path = dir + "/modules.json";
  if (fs::exists(modules_path, ec)) {
    BITMILL_ASSIGN_OR_RETURN(json mods, read_json(modules_path));
    if (!mods.is_array()) return data_error(modules_path + ": expected a list of modules");
    SeenModules seen;
    for (size_t i = 0; i < mods.size(); ++i) BITMILL_RETURN_IF_ERROR(read_module(mods[i], i, modules_path, spec, seen));
    if (seen.is_static) {
      if (seen.transformer || seen.pooling || !spec.dense.empty()) {
        return data_error(modules_path + ": a StaticEmbedding model may only be followed by Normalize");
      }
      return spec;
    }
    if (!seen.transformer) return data_error(modules_path + ": no Transformer module");
    if (!seen.pooling) return data_error(modules_path + ": no Pooling module");
  }
  BITMILL_ASSIGN_OR_RETURN(spec.config, read_config(spec.transformer_dir + "/config.json"));
  for (const std::string& p :
       {spec.transformer_dir + "/sentence_bert_config.json", dir + "/sentence_bert_config.json"}) {
    if (fs::exists(p, ec)) {
      BITMILL_ASSIGN_OR_RETURN(json sb, read_json_object(p));
      BITMILL_ASSIGN_OR_RETURN(spec.max_seq_length, get_count(sb, "max_seq_length", 0, p));
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
