// The rules of bitmill-filter and their parameters: one table describes every rule (name, mode,
// default on/off, parameters with types, defaults and help), and a RuleConfig holds the effective
// values, set from defaults, a YAML pipeline file (--config) and `--set RULE.PARAM=VALUE` flags,
// in that order. `--explain` prints the effective configuration as YAML that --config reads back.
//
// YAML layout (every key optional; unknown rules or parameters are errors naming the file and line):
//   rules:
//     length-ratio: {max: 2.5}
//     numbers: false            # switch a rule off
//     lang-id:
//       enabled: true
//       min-prob: 0.5
//       min-prob.de: 0.3        # map parameters take a ".KEY" suffix (per-language thresholds)
//
// Thread safety: RuleSpec tables are immutable; a RuleConfig is built once, then only read.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bitmill/base/status.h"

namespace bitmill::filter {

enum class FilterMode { kBitext, kMono };

enum class ParamType {
  kBool,
  kInt,
  kDouble,
  kString,
  kDoubleMap,  // per-key doubles ("min-prob.de: 0.3"); the default applies to keys not set
};

struct ParamSpec {
  std::string_view name;  // "max", "min-words"
  ParamType type;
  std::string_view default_value;  // as written in YAML: "2.5", "true", "3"
  std::string_view help;           // one line, for --explain, --help-rules and the man page
};

struct RuleSpec {
  std::string_view name;  // kebab-case, unique within its mode: "length-ratio"
  FilterMode mode;
  bool enabled_by_default;
  std::string_view help;  // what the rule rejects, one line
  std::vector<ParamSpec> params;
};

// Every rule of a mode, in evaluation order (the "first rule that failed" is the first in this
// order). Assembled in bitext_rules.cc and web_rules.cc from the rule families, one file each.
const std::vector<RuleSpec>& bitext_rule_specs();
const std::vector<RuleSpec>& web_rule_specs();

class RuleConfig {
 public:
  // All rules of `mode` at their defaults.
  explicit RuleConfig(FilterMode mode);

  FilterMode mode() const { return mode_; }
  const std::vector<RuleSpec>& specs() const;

  // "RULE.PARAM=VALUE", "RULE=on|off|true|false", or "RULE.PARAM.KEY=VALUE" for map parameters.
  // Errors (invalid_argument) name the rule or parameter and list the valid ones.
  Status set(std::string_view assignment);
  Status set_enabled(std::string_view rule, bool on);
  Status set_param(std::string_view rule, std::string_view param, std::string_view value);
  // Reads a YAML file as laid out above; errors are "FILE:LINE: message".
  Status load_yaml(const std::string& path);

  // Typed access; the rule and parameter must exist in the spec table with that type (a wrong name
  // is a programming error: asserts, then returns the zero value).
  bool enabled(std::string_view rule) const;
  bool get_bool(std::string_view rule, std::string_view param) const;
  long long get_int(std::string_view rule, std::string_view param) const;
  double get_double(std::string_view rule, std::string_view param) const;
  const std::string& get_string(std::string_view rule, std::string_view param) const;
  // Map parameter: the value for `key` if set, else the parameter's value.
  double get_double_for(std::string_view rule, std::string_view param, std::string_view key) const;
  const std::map<std::string, double>& get_map(std::string_view rule, std::string_view param) const;

  // The effective configuration as YAML (rules in evaluation order, with help as comments).
  std::string explain() const;

 private:
  struct Value {
    std::string text;  // canonical text of the value
    bool b = false;
    long long i = 0;
    double d = 0;
    std::map<std::string, double> per_key;  // kDoubleMap
  };
  struct RuleState {
    const RuleSpec* spec;
    bool enabled;
    std::vector<Value> values;  // parallel to spec->params
  };
  const RuleState* find_rule(std::string_view rule) const;
  RuleState* find_rule(std::string_view rule);
  const Value* find_value(std::string_view rule, std::string_view param, ParamType type) const;

  FilterMode mode_;
  std::vector<RuleState> rules_;
};

// Parses a parameter value of `type` into `out` (used by RuleConfig and the tests).
Status parse_param_value(ParamType type, std::string_view text, bool* b, long long* i, double* d);

}  // namespace bitmill::filter
