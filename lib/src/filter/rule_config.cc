#include "bitmill/filter/rule_config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <fstream>

#include <fmt/format.h>

#include "bitmill/base/printable.h"

namespace bitmill::filter {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Canonical text of a double: shortest form that reads back to the same value.
std::string format_double(double d) { return fmt::format("{}", d); }

Expected<bool> parse_switch(std::string_view v) {
  if (v == "on" || v == "true" || v == "yes" || v == "1") return true;
  if (v == "off" || v == "false" || v == "no" || v == "0") return false;
  return invalid_argument(fmt::format("expected on/off or true/false, got '{}'", v));
}

std::string names_of(const std::vector<ParamSpec>& params) {
  std::string out;
  for (const auto& p : params) {
    if (!out.empty()) out += ", ";
    out += p.name;
  }
  return out.empty() ? "none" : out;
}

}  // namespace

Status parse_param_value(ParamType type, std::string_view text, bool* b, long long* i, double* d) {
  text = trim(text);
  switch (type) {
    case ParamType::kBool: {
      BITMILL_ASSIGN_OR_RETURN(bool v, parse_switch(text));
      *b = v;
      return Status::ok();
    }
    case ParamType::kInt: {
      long long v = 0;
      auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec != std::errc() || p != text.data() + text.size() || text.empty()) {
        return invalid_argument(fmt::format("expected an integer, got '{}'", text));
      }
      *i = v;
      return Status::ok();
    }
    case ParamType::kDouble:
    case ParamType::kDoubleMap: {
      double v = 0;
      auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec != std::errc() || p != text.data() + text.size() || text.empty() || !std::isfinite(v)) {
        return invalid_argument(fmt::format("expected a number, got '{}'", text));
      }
      *d = v;
      return Status::ok();
    }
    case ParamType::kString: return Status::ok();
  }
  return internal_error("unknown parameter type");
}

RuleConfig::RuleConfig(FilterMode mode) : mode_(mode) {
  for (const RuleSpec& spec : specs()) {
    RuleState st{&spec, spec.enabled_by_default, {}};
    for (const ParamSpec& p : spec.params) {
      Value v;
      v.text = std::string(p.default_value);
      const Status s = parse_param_value(p.type, p.default_value, &v.b, &v.i, &v.d);
      assert(s.is_ok() && "bad default in a rule table");
      (void)s;
      if (p.type == ParamType::kDouble || p.type == ParamType::kDoubleMap) v.text = format_double(v.d);
      st.values.push_back(std::move(v));
    }
    rules_.push_back(std::move(st));
  }
}

const std::vector<RuleSpec>& RuleConfig::specs() const {
  return mode_ == FilterMode::kBitext ? bitext_rule_specs() : web_rule_specs();
}

const RuleConfig::RuleState* RuleConfig::find_rule(std::string_view rule) const {
  for (const RuleState& r : rules_) {
    if (r.spec->name == rule) return &r;
  }
  return nullptr;
}

RuleConfig::RuleState* RuleConfig::find_rule(std::string_view rule) {
  return const_cast<RuleState*>(static_cast<const RuleConfig*>(this)->find_rule(rule));
}

static std::string unknown_rule_message(std::string_view rule, const std::vector<RuleSpec>& specs, FilterMode mode) {
  std::string names;
  for (const auto& s : specs) {
    if (!names.empty()) names += ", ";
    names += s.name;
  }
  return fmt::format("unknown {} rule '{}' (rules: {})", mode == FilterMode::kBitext ? "bitext" : "--mono", rule,
                     names);
}

Status RuleConfig::set_enabled(std::string_view rule, bool on) {
  RuleState* r = find_rule(rule);
  if (!r) return invalid_argument(unknown_rule_message(rule, specs(), mode_));
  r->enabled = on;
  return Status::ok();
}

Status RuleConfig::set_param(std::string_view rule, std::string_view param, std::string_view value) {
  RuleState* r = find_rule(rule);
  if (!r) return invalid_argument(unknown_rule_message(rule, specs(), mode_));
  if (param == "enabled") {
    BITMILL_ASSIGN_OR_RETURN(bool on, parse_switch(trim(value)));
    r->enabled = on;
    return Status::ok();
  }
  // A map parameter is addressed as PARAM.KEY.
  std::string_view key;
  const ParamSpec* spec = nullptr;
  size_t index = 0;
  for (size_t i = 0; i < r->spec->params.size(); ++i) {
    const ParamSpec& p = r->spec->params[i];
    if (p.name == param) {
      spec = &p;
      index = i;
      break;
    }
    if (p.type == ParamType::kDoubleMap && param.size() > p.name.size() + 1 &&
        param.substr(0, p.name.size()) == p.name && param[p.name.size()] == '.') {
      spec = &p;
      index = i;
      key = param.substr(p.name.size() + 1);
      break;
    }
  }
  if (!spec) {
    return invalid_argument(
        fmt::format("rule '{}' has no parameter '{}' (parameters: {})", rule, param, names_of(r->spec->params)));
  }
  Value& v = r->values[index];
  Value parsed;
  const Status s = parse_param_value(spec->type, value, &parsed.b, &parsed.i, &parsed.d);
  if (!s.is_ok()) return s.with_prefix(fmt::format("{}.{}", rule, param));
  if (!key.empty()) {
    // Keys are codes (languages: "de", "deu"): letters, digits, '-' and '_'. Anything else would
    // be a typo here, and explain() writes keys as plain YAML: a key with a line break (or NEL,
    // U+2028) or a colon would not read back (found by the filter_config_yaml fuzz target).
    const bool plain =
        key.size() <= 64 && std::all_of(key.begin(), key.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        });
    if (!plain) {
      return invalid_argument(fmt::format("{}.{}: '{}' is not a key (letters, digits, '-' and '_', at most 64)", rule,
                                          spec->name, printable(key)));
    }
    v.per_key[std::string(key)] = parsed.d;
    return Status::ok();
  }
  if (spec->type == ParamType::kString) {
    v.text = std::string(trim(value));
  } else if (spec->type == ParamType::kDouble || spec->type == ParamType::kDoubleMap) {
    v.d = parsed.d;
    v.text = format_double(parsed.d);
  } else if (spec->type == ParamType::kInt) {
    v.i = parsed.i;
    v.text = std::to_string(parsed.i);
  } else {
    v.b = parsed.b;
    v.text = parsed.b ? "true" : "false";
  }
  return Status::ok();
}

Status RuleConfig::set(std::string_view assignment) {
  const size_t eq = assignment.find('=');
  if (eq == std::string_view::npos) {
    return invalid_argument(fmt::format("expected RULE.PARAM=VALUE or RULE=on|off, got '{}'", assignment));
  }
  const std::string_view lhs = trim(assignment.substr(0, eq));
  const std::string_view value = assignment.substr(eq + 1);
  const size_t dot = lhs.find('.');
  if (dot == std::string_view::npos) {
    BITMILL_ASSIGN_OR_RETURN(bool on, parse_switch(trim(value)));
    return set_enabled(lhs, on);
  }
  return set_param(lhs.substr(0, dot), lhs.substr(dot + 1), value);
}

Status RuleConfig::load_yaml(const std::string& path) {
  std::ifstream in(path);
  if (!in) return errno_status(path, errno);
  YAML::Node root;
  try {
    root = YAML::Load(in);
  } catch (const YAML::Exception& e) {
    return invalid_argument(fmt::format("{}:{}: {}", path, e.mark.line + 1, e.msg));
  }
  auto at = [&](const YAML::Node& n, const std::string& msg) {
    return invalid_argument(fmt::format("{}:{}: {}", path, n.Mark().line + 1, msg));
  };
  try {
    if (root.IsNull()) return Status::ok();
    if (!root.IsMap()) return at(root, "expected a mapping with a 'rules' key");
    for (const auto& top : root) {
      const std::string key = top.first.as<std::string>();
      if (key != "rules") return at(top.first, fmt::format("unknown key '{}' (expected 'rules')", key));
      const YAML::Node& rules = top.second;
      if (rules.IsNull()) continue;
      if (!rules.IsMap()) return at(rules, "'rules' must be a mapping of rule names");
      for (const auto& rule : rules) {
        const std::string name = rule.first.as<std::string>();
        const YAML::Node& body = rule.second;
        Status s;
        if (body.IsScalar()) {
          Expected<bool> on = parse_switch(body.as<std::string>());
          if (!on) return at(body, fmt::format("rule '{}': {}", name, on.status().message()));
          s = set_enabled(name, *on);
        } else if (body.IsNull()) {
          s = set_enabled(name, true);
        } else if (body.IsMap()) {
          if (!find_rule(name)) return at(rule.first, unknown_rule_message(name, specs(), mode_));
          // Parameters given without `enabled: false` switch the rule on.
          s = set_enabled(name, true);
          for (const auto& param : body) {
            const std::string pname = param.first.as<std::string>();
            if (param.second.IsMap()) {  // min-prob: {de: 0.3, en: 0.5}
              for (const auto& kv : param.second) {
                s = set_param(name, pname + "." + kv.first.as<std::string>(), kv.second.as<std::string>());
                if (!s.is_ok()) return at(kv.first, s.message());
              }
              continue;
            }
            if (!param.second.IsScalar()) return at(param.second, fmt::format("{}.{}: expected a value", name, pname));
            s = set_param(name, pname, param.second.as<std::string>());
            if (!s.is_ok()) return at(param.first, s.message());
          }
        } else {
          return at(body, fmt::format("rule '{}': expected on/off or a mapping of parameters", name));
        }
        if (!s.is_ok()) return at(rule.first, s.message());
      }
    }
  } catch (const YAML::Exception& e) {
    return invalid_argument(fmt::format("{}:{}: {}", path, e.mark.line + 1, e.msg));
  }
  return Status::ok();
}

const RuleConfig::Value* RuleConfig::find_value(std::string_view rule, std::string_view param, ParamType type) const {
  const RuleState* r = find_rule(rule);
  assert(r && "rule not in the table");
  if (!r) return nullptr;
  for (size_t i = 0; i < r->spec->params.size(); ++i) {
    if (r->spec->params[i].name == param) {
      assert(r->spec->params[i].type == type && "parameter read with the wrong type");
      return r->spec->params[i].type == type ? &r->values[i] : nullptr;
    }
  }
  assert(false && "parameter not in the table");
  return nullptr;
}

bool RuleConfig::enabled(std::string_view rule) const {
  const RuleState* r = find_rule(rule);
  assert(r && "rule not in the table");
  return r && r->enabled;
}

bool RuleConfig::get_bool(std::string_view rule, std::string_view param) const {
  const Value* v = find_value(rule, param, ParamType::kBool);
  return v && v->b;
}

long long RuleConfig::get_int(std::string_view rule, std::string_view param) const {
  const Value* v = find_value(rule, param, ParamType::kInt);
  return v ? v->i : 0;
}

double RuleConfig::get_double(std::string_view rule, std::string_view param) const {
  const Value* v = find_value(rule, param, ParamType::kDouble);
  if (!v) v = find_value(rule, param, ParamType::kDoubleMap);
  return v ? v->d : 0.0;
}

const std::string& RuleConfig::get_string(std::string_view rule, std::string_view param) const {
  static const std::string kEmpty;
  const Value* v = find_value(rule, param, ParamType::kString);
  return v ? v->text : kEmpty;
}

double RuleConfig::get_double_for(std::string_view rule, std::string_view param, std::string_view key) const {
  const Value* v = find_value(rule, param, ParamType::kDoubleMap);
  if (!v) return 0.0;
  auto it = v->per_key.find(std::string(key));
  return it != v->per_key.end() ? it->second : v->d;
}

const std::map<std::string, double>& RuleConfig::get_map(std::string_view rule, std::string_view param) const {
  static const std::map<std::string, double> kEmpty;
  const Value* v = find_value(rule, param, ParamType::kDoubleMap);
  return v ? v->per_key : kEmpty;
}

std::string RuleConfig::explain() const {
  std::string out = fmt::format("# bitmill-filter effective rules ({} mode), in evaluation order.\n",
                                mode_ == FilterMode::kBitext ? "bitext" : "mono");
  out += "# Reads back with --config FILE; change one value with --set RULE.PARAM=VALUE.\n";
  out += "rules:\n";
  for (const RuleState& r : rules_) {
    out += fmt::format("  # {}\n", r.spec->help);
    if (r.spec->params.empty()) {
      out += fmt::format("  {}: {}\n", r.spec->name, r.enabled ? "on" : "off");
      continue;
    }
    out += fmt::format("  {}:\n", r.spec->name);
    out += fmt::format("    enabled: {}\n", r.enabled ? "true" : "false");
    for (size_t i = 0; i < r.spec->params.size(); ++i) {
      const ParamSpec& p = r.spec->params[i];
      const Value& v = r.values[i];
      std::string text = v.text;
      if (p.type == ParamType::kString) {
        // A YAML double-quoted scalar: backslash and quote escaped, and control characters, which
        // YAML would fold (a line break reads back as a space) or refuse.
        std::string quoted(1, '"');
        for (char ch : v.text) {
          const auto c = static_cast<unsigned char>(ch);
          if (ch == '\\' || ch == '"') {
            quoted.push_back('\\');
          } else if (c < 0x20 || c == 0x7F) {
            quoted += fmt::format("\\x{:02x}", c);
            continue;
          }
          quoted.push_back(ch);
        }
        quoted.push_back('"');
        text = std::move(quoted);
      }
      out += fmt::format("    {}: {}  # {}\n", p.name, text, p.help);
      if (p.type == ParamType::kDoubleMap && !v.per_key.empty()) {
        for (const auto& [k, d] : v.per_key) out += fmt::format("    {}.{}: {}\n", p.name, k, format_double(d));
      }
    }
  }
  return out;
}

}  // namespace bitmill::filter
