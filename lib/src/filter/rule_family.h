// What every rule family of bitmill-filter shares (private to lib/src/filter): the verdict being
// built for one row or document, and which of a family's rules are on.
//
// A family is a few rules that share their work (web_family.h, bitext_family.h). Its rules are
// consecutive in the mode's table (web_rule_specs(), bitext_rule_specs()), from `first_bit`: rule r
// of the family is bit first_bit + r of the verdict.
//
// Thread safety: FamilyRules is immutable; a Verdict belongs to one check() call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

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

 private:
  uint64_t on_ = 0;
  size_t first_;
};

}  // namespace bitmill::filter
