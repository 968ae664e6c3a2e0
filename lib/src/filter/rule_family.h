// What every rule family of bitmill-filter shares (private to lib/src/filter): the verdict being
// built for one row or document, which of a family's rules are on, the declaration of its rules,
// and its creation.
//
// A family is a few rules that share their work (web_family.h, bitext_family.h). Its rules are
// consecutive in the mode's table (web_rule_specs(), bitext_rule_specs()), from `first_bit`: rule r
// of the family is bit first_bit + r of the verdict.
//
// A family is a class Derived : RuleFamily<Derived, Interface, Setup> with
//   static std::vector<RuleSpec> specs();  its rules, in order (built once, by family_rules())
//   Status read(const Setup& setup);       reads and validates its parameters into its members
// and Interface's check(); an `enum Rule` numbers its rules in the order of specs(), for on_.
// RuleFamily::create() makes it: it sets on_, then calls read(); the first error of read() is
// create()'s. A mode's list holds Derived::def().
//
// Thread safety: FamilyRules and the families are immutable after create(); a Verdict belongs to
// one check() call; family_rules() is safe to call from any thread (a function-local static).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "bitmill/base/status.h"
#include "bitmill/filter/rule_config.h"

namespace bitmill::filter {

// Bit i set = rule i of the mode's table failed.
class Verdict {
 public:
  explicit Verdict(bool first_only) : first_only_(first_only) {}
  // Records that the rule at `bit` failed; true when the check should return now (first_only).
  bool fail(size_t bit) {
    mask_ |= uint64_t{1} << bit;
    return first_only_;
  }
  // A rule failed and only the first failure is wanted: the rules after it are not evaluated.
  bool stopped() const { return first_only_ && mask_ != 0; }
  uint64_t mask() const { return mask_; }

 private:
  uint64_t mask_ = 0;
  bool first_only_;
};

// The switches of one family's rules, read from the configuration.
class FamilyRules {
 public:
  FamilyRules() = default;
  FamilyRules(const RuleConfig& config, const std::vector<RuleSpec>& rules, size_t first_bit) : first_(first_bit) {
    for (size_t r = 0; r < rules.size(); ++r) {
      if (config.enabled(rules[r].name)) on_ |= uint64_t{1} << r;
    }
  }
  bool on(size_t r) const { return (on_ >> r & 1) != 0; }
  // Some rule among r in [first, last] is on.
  bool any_on(size_t first, size_t last) const {
    for (size_t r = first; r <= last; ++r) {
      if (on(r)) return true;
    }
    return false;
  }
  bool any_on() const { return on_ != 0; }
  // Records that rule r failed; true when the check should return now.
  bool fail(Verdict& v, size_t r) const { return v.fail(first_ + r); }
  // Rule r, when it is on, fails when fails() says so (not called when the rule is off); true when
  // the check should return now. A template, so that the test inlines into check().
  template <class Fails>
  bool judge(Verdict& v, size_t r, Fails&& fails) const {
    return on(r) && fails() && fail(v, r);
  }

 private:
  uint64_t on_ = 0;
  size_t first_ = 0;
};

// Declaring rules: one call a rule and one a parameter, so that a family's table reads as a list
// (aggregates of five fields would be laid out one field a line).
inline ParamSpec bool_param(std::string_view name, std::string_view value, std::string_view help) {
  return {name, ParamType::kBool, value, help};
}
inline ParamSpec int_param(std::string_view name, std::string_view value, std::string_view help) {
  return {name, ParamType::kInt, value, help};
}
inline ParamSpec double_param(std::string_view name, std::string_view value, std::string_view help) {
  return {name, ParamType::kDouble, value, help};
}
inline ParamSpec string_param(std::string_view name, std::string_view value, std::string_view help) {
  return {name, ParamType::kString, value, help};
}
// Per-key doubles (lang-id.min-prob.LANG); `value` applies to the keys not set.
inline ParamSpec double_map_param(std::string_view name, std::string_view value, std::string_view help) {
  return {name, ParamType::kDoubleMap, value, help};
}
// A rule on by default; off_by_default() switches that.
inline RuleSpec bitext_rule(std::string_view name, std::string_view help, std::vector<ParamSpec> params = {}) {
  return {name, FilterMode::kBitext, true, help, std::move(params)};
}
inline RuleSpec mono_rule(std::string_view name, std::string_view help, std::vector<ParamSpec> params = {}) {
  return {name, FilterMode::kMono, true, help, std::move(params)};
}
inline RuleSpec off_by_default(RuleSpec rule) {
  rule.enabled_by_default = false;
  return rule;
}

// Specs::specs(), built on first use and kept: the family's rules for the mode's table and for
// FamilyRules.
template <class Specs>
const std::vector<RuleSpec>& family_rules() {
  static const std::vector<RuleSpec> rules = Specs::specs();
  return rules;
}

// An entry of a mode's list of families: its rules, and how to make it from the mode's Setup
// (null for a family whose rules the caller evaluates itself).
template <class Interface, class Setup>
struct FamilyDefOf {
  const std::vector<RuleSpec>& (*rules)();
  Expected<std::unique_ptr<const Interface>> (*create)(const Setup& setup, size_t first_bit);

  // A family that only declares its rules (Specs has specs()).
  template <class Specs>
  static constexpr FamilyDefOf rules_only() {
    return {&family_rules<Specs>, nullptr};
  }
};

// The base of a family class (see the top of this file). Setup has a `config` (RuleConfig).
template <class Derived, class Interface, class Setup>
class RuleFamily : public Interface {
 public:
  static Expected<std::unique_ptr<const Interface>> create(const Setup& setup, size_t first_bit) {
    auto f = std::make_unique<Derived>();
    f->on_ = FamilyRules(setup.config, family_rules<Derived>(), first_bit);
    BITMILL_RETURN_IF_ERROR(f->read(setup));
    return std::unique_ptr<const Interface>(std::move(f));
  }
  static constexpr FamilyDefOf<Interface, Setup> def() { return {&family_rules<Derived>, &create}; }

 protected:
  // The name of the family's rule r, for reading its parameters.
  static std::string_view name(size_t r) { return family_rules<Derived>()[r].name; }

  FamilyRules on_;
};

// A mode's table: the rules of the families of its list (an array of FamilyDefOf pointers), in
// list order; built on first use and kept.
template <const auto& kFamilies>
const std::vector<RuleSpec>& joined_rules() {
  static const std::vector<RuleSpec> specs = [] {
    std::vector<RuleSpec> all;
    for (const auto* f : kFamilies) {
      for (const RuleSpec& r : f->rules()) all.push_back(r);
    }
    return all;
  }();
  return specs;
}

// The index of the rule `name` in a mode's table; specs.size() when there is none.
inline size_t find_rule(const std::vector<RuleSpec>& specs, std::string_view name) {
  size_t i = 0;
  while (i < specs.size() && specs[i].name != name) ++i;
  return i;
}

// Creates the families of a mode's list that have a create(), in list order, each from the bit
// its rules start at, and hands each to add(). The first error is the result.
template <class Def, size_t N, class Setup, class Add>
Status create_families(const std::array<const Def*, N>& families, const Setup& setup, Add&& add) {
  size_t first_bit = 0;
  for (const Def* def : families) {
    if (def->create != nullptr) {
      BITMILL_ASSIGN_OR_RETURN(auto family, def->create(setup, first_bit));
      add(std::move(family));
    }
    first_bit += def->rules().size();
  }
  return Status::ok();
}

// Runs the families on one row or document in order; the verdict's mask. With first_only it
// stops at the first failure.
template <class Families, class Subject>
uint64_t run_families(const Families& families, Subject& subject, bool first_only) {
  Verdict verdict(first_only);
  for (const auto& family : families) {
    family->check(subject, verdict);
    if (verdict.stopped()) break;
  }
  return verdict.mask();
}

}  // namespace bitmill::filter
