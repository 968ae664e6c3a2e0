// The bitext terminal-punct rule: the sides end differently, a question against a statement.
#include "filter/bitext_family.h"

namespace bitmill::filter::bitext {
namespace {

bool is_end(Terminal t) { return t == Terminal::kStop || t == Terminal::kQuestion || t == Terminal::kExclamation; }

class TerminalPunct final : public FamilyBase<TerminalPunct> {
 public:
  Status read(const Setup& setup) {
    strict_ = setup.config.get_bool("terminal-punct", "strict");
    exclamation_ = setup.config.get_bool("terminal-punct", "exclamation");
    question_ = setup.config.get_bool("terminal-punct", "question");
    return Status::ok();
  }

  void check(Row& row, Verdict& v) const override {
    if (!on_.on(kTerminal)) return;
    const Terminal ca = cls(row.terminal(0)), cb = cls(row.terminal(1));
    bool bad = false;
    if (ca != cb) {
      if (is_end(ca) && is_end(cb)) {
        bad = true;
      } else if (strict_ && (is_end(ca) || is_end(cb)) && (ca == Terminal::kNone || cb == Terminal::kNone)) {
        bad = true;
      }
    }
    if (bad) on_.fail(v, kTerminal);
  }

  // The family's rules, in the order of enum Rule.
  static std::vector<RuleSpec> specs() {
    return {bitext_rule(
        "terminal-punct",
        "the sides end differently (by default never: sentence ends are one class; see the parameters)",
        {bool_param("question", "false",
                    "tell questions (?) from statements (.): off by default, since a translation may ask what the "
                    "other side states (Japanese か。 against ?)"),
         bool_param("exclamation", "false", "also tell exclamations (!) from statements and questions"),
         bool_param("strict", "false", "also reject a sentence end (. ? !) against no final punctuation")})};
  }

 private:
  enum Rule : size_t { kTerminal };

  // Classes told apart, each only on request: statement (.), question (?), exclamation (!); by
  // default every sentence end is a statement.
  Terminal cls(Terminal t) const {
    if (t == Terminal::kExclamation && !exclamation_) return Terminal::kStop;
    if (t == Terminal::kQuestion && !question_) return Terminal::kStop;
    return t;
  }

  bool strict_ = false, exclamation_ = false, question_ = false;
};

}  // namespace

const FamilyDef kTerminalPunctFamily = TerminalPunct::def();

}  // namespace bitmill::filter::bitext
