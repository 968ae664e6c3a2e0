// The bitext terminal-punct rule: the sides end differently, a question against a statement.
#include "filter/bitext_family.h"

namespace bitmill::filter::bitext {
namespace {

enum Rule : size_t { kTerminal, kNumRules };

const std::vector<RuleSpec>& rules() {
  using P = ParamType;
  static const std::vector<RuleSpec> specs = {
      {"terminal-punct",
       FilterMode::kBitext,
       true,
       "the sides end differently: a question against a statement",
       {{"exclamation", P::kBool, "false", "also tell exclamations (!) from statements and questions"},
        {"strict", P::kBool, "false", "also reject a sentence end (. ? !) against no final punctuation"}}},
  };
  return specs;
}

bool is_end(Terminal t) { return t == Terminal::kStop || t == Terminal::kQuestion || t == Terminal::kExclamation; }

class TerminalPunct final : public Family {
 public:
  static Expected<std::unique_ptr<const Family>> create(const Setup& setup, size_t first_bit) {
    auto f = std::make_unique<TerminalPunct>(setup.config, first_bit);
    f->strict_ = setup.config.get_bool("terminal-punct", "strict");
    f->exclamation_ = setup.config.get_bool("terminal-punct", "exclamation");
    return std::unique_ptr<const Family>(std::move(f));
  }
  TerminalPunct(const RuleConfig& config, size_t first_bit) : on_(config, rules(), first_bit) {}

  void check(Row& row, Verdict& v) const override {
    if (!on_.on(kTerminal)) return;
    const Terminal ca = cls(row.terminal(0)), cb = cls(row.terminal(1));
    bool bad = false;
    if (ca != cb) {
      if (is_end(ca) && is_end(cb)) {
        bad = ca == Terminal::kQuestion || cb == Terminal::kQuestion || exclamation_;
      } else if (strict_ && (is_end(ca) || is_end(cb)) && (ca == Terminal::kNone || cb == Terminal::kNone)) {
        bad = true;
      }
    }
    if (bad) on_.fail(v, kTerminal);
  }

 private:
  // Classes told apart: statement (.), question (?), and exclamation (!) only on request (it often
  // stands for a statement in translation).
  Terminal cls(Terminal t) const {
    if (t == Terminal::kExclamation && !exclamation_) return Terminal::kStop;
    return t;
  }

  FamilyRules on_;
  bool strict_ = false, exclamation_ = false;
};

}  // namespace

const FamilyDef kTerminalPunctFamily = {&rules, &TerminalPunct::create};

}  // namespace bitmill::filter::bitext
